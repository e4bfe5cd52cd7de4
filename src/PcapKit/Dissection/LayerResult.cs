using PcapKit.Buffers;

namespace PcapKit.Dissection;

/// <summary>What dissecting one layer found: its extent and where its payload goes next.</summary>
public struct LayerResult
{
    /// <summary>The parse outcome.</summary>
    public ParseResult Parse;

    /// <summary>
    /// Where the payload starts: the length of the header, options included — or, when a dispatch hook starts the payload
    /// inside the unit's own fields (<see cref="DispatchSelection.PayloadOffset"/>), that offset.
    /// </summary>
    public int HeaderLength;

    /// <summary>The length of the unit as its length fields bound it (header and payload), at most the bytes given.</summary>
    public int Length;

    /// <summary>
    /// The length of the unit as declared (its own length field, else the enclosing layers'); more than
    /// <see cref="Length"/> when the capture was cut short.
    /// </summary>
    public int ReportedLength;

    /// <summary>Set when the payload is only the first part of the upper-layer unit (a first fragment), whose length is then unknown.</summary>
    public bool PayloadIsFragment;

    /// <summary>
    /// Set when the payload is a copy of another packet quoted for its sender (an ICMP error's offending datagram, an
    /// ICMPv6 Redirect's redirected packet), as Wireshark's <c>in_error_pkt</c>: its layers describe that packet, not
    /// this frame's own traffic, so IP reassembly does not take a fragment among them.
    /// </summary>
    public bool PayloadIsQuoted;

    /// <summary>Set when a length field declares more bytes than were captured.</summary>
    public bool Truncated;

    /// <summary>The index, in the protocol's <see cref="ProtocolDescriptor.DispatchTables"/>, of the table the payload goes to; -1 for none.</summary>
    public int NextTable;

    /// <summary>The number of keys to try (0, 1 or 2).</summary>
    public int KeyCount;

    /// <summary>The first key.</summary>
    public ulong Key0;

    /// <summary>The second key.</summary>
    public ulong Key1;

    /// <summary>The outcome of the checksum check, when the context asked for it.</summary>
    public ChecksumStatus Checksum;

    /// <summary>Whether a checksum was verified.</summary>
    public bool ChecksumVerified;

    /// <summary>Whether the bytes of the parent's payload after this unit are further units of the same protocol (<see cref="DispatchSelection.Repeats"/>).</summary>
    public bool Repeats;

    /// <summary>Resets every field for a new layer.</summary>
    public void Clear() => this = new LayerResult { NextTable = -1 };
}
