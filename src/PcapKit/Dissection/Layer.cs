using System;
using PcapKit.Buffers;

namespace PcapKit.Dissection;

/// <summary>One dissected layer of a frame: which protocol, where, and how it parsed.</summary>
/// <remarks>
/// It holds no object reference (its strings are numbers in <see cref="LayerStrings"/>), so pushing one onto a
/// <see cref="LayerStack"/> is a plain copy.
/// </remarks>
public readonly struct Layer
{
    private readonly int _chainLabel;
    private readonly ParseStatus _parseStatus;
    private readonly int _parseOffset;
    private readonly int _parseField;
    private readonly int _parseReason;

    internal Layer(int protocol, int offset, int length, int headerLength, in LayerResult result, int chainLabel, int dispatchTable, ulong dispatchKey)
    {
        DispatchTable = dispatchTable;
        DispatchKey = dispatchKey;
        _chainLabel = chainLabel;
        Protocol = protocol;
        Offset = offset;
        Length = length;
        HeaderLength = headerLength;
        ReportedLength = result.ReportedLength < 0 ? -1 : Math.Max(result.ReportedLength, length);
        // The parse result's fields read in place (copying it would copy its two references); a layer that parsed keeps
        // only its status, as ParseResult.Ok has no offset, field or reason.
        _parseStatus = result.Parse.Status;
        if (_parseStatus != ParseStatus.Ok)
        {
            _parseOffset = result.Parse.Offset;
            _parseField = LayerStrings.Id(result.Parse.Field);
            _parseReason = LayerStrings.Id(result.Parse.Reason);
        }

        IsTruncated = result.Truncated;
        PayloadIsQuoted = result.PayloadIsQuoted;
        Checksum = result.ChecksumVerified ? result.Checksum : null;
        Repeats = result.Repeats;
    }

    /// <summary>Whether the bytes of the parent's payload after this unit are further units of the same protocol, dissected as further layers.</summary>
    public bool Repeats { get; }

    /// <summary>The registry's identifier of the table that led to this layer (0: the link-type table).</summary>
    public int DispatchTable { get; }

    /// <summary>The key under which this layer was found in <see cref="DispatchTable"/> (an EtherType, an IP protocol, a port).</summary>
    public ulong DispatchKey { get; }

    /// <summary>The protocol's index in the registry.</summary>
    public int Protocol { get; }

    /// <summary>The offset of the layer's first byte in the frame.</summary>
    public int Offset { get; }

    /// <summary>The length of the layer's unit (header and payload) as its length fields bound it.</summary>
    public int Length { get; }

    /// <summary>
    /// The length of the unit as declared: its own length field, else the enclosing layers' (at the bottom, the
    /// frame's original length). More than <see cref="Length"/> when the capture was cut short; tshark computes
    /// lengths such as <c>tcp.len</c> from it. -1 when unknown: the unit starts in a first fragment and has no
    /// length field of its own.
    /// </summary>
    public int ReportedLength { get; }

    /// <summary>
    /// The length of the header; the payload starts at <see cref="Offset"/> + <see cref="HeaderLength"/>. A payload inside
    /// the layer's own fields (an ICMPv6 Redirect's redirected packet, <see cref="DispatchSelection.PayloadOffset"/>) starts
    /// before the fields end.
    /// </summary>
    public int HeaderLength { get; }

    /// <summary>How the layer parsed (<see cref="Parse"/>'s status), read without building the parse result.</summary>
    public ParseStatus ParseStatus => _parseStatus;

    /// <summary>Whether the layer parsed (<see cref="Parse"/> is Ok), read without building the parse result.</summary>
    public bool IsParsed => _parseStatus == ParseStatus.Ok;

    /// <summary>How the layer parsed; when not Ok, the layer's bytes are kept raw with the reason.</summary>
    public ParseResult Parse => _parseStatus == ParseStatus.Ok
        ? ParseResult.Ok
        : ParseResult.Of(_parseStatus, LayerStrings.Text(_parseField), _parseOffset, LayerStrings.Text(_parseReason));

    /// <summary>Whether a length field declares more bytes than were captured.</summary>
    public bool IsTruncated { get; }

    /// <summary>Whether the layers after this one describe a packet it quotes (<see cref="LayerResult.PayloadIsQuoted"/>): an ICMP error's offending datagram.</summary>
    public bool PayloadIsQuoted { get; }

    /// <summary>The checksum's status, when it was verified.</summary>
    public ChecksumStatus? Checksum { get; }

    /// <summary>The name tshark shows after this layer for the table its payload went to (<c>ethertype</c>), or null.</summary>
    public string? ChainLabel => LayerStrings.Text(_chainLabel);

    /// <summary>The offset just past the layer's unit.</summary>
    public int End => Offset + Length;
}
