using System;
using System.Collections.Generic;
using PcapKit.Net;

namespace PcapKit.Capture;

/// <summary>
/// An interface packets were captured on: a pcapng Interface Description Block, or the single interface of a pcap
/// file. Created once per interface, shared by its records.
/// </summary>
public sealed class CaptureInterface
{
    internal CaptureInterface(int index, int sectionIndex, int localId, int linkType, uint snapLength)
    {
        Index = index;
        SectionIndex = sectionIndex;
        LocalId = localId;
        LinkType = linkType;
        SnapLength = snapLength;
    }

    /// <summary>The pseudo-interface of records that have none (pcapng custom blocks): link type -1, no dissector.</summary>
    public static CaptureInterface None { get; } = new(-1, -1, -1, -1, 0);

    /// <summary>The interface's number in the file, counting every section.</summary>
    public int Index { get; }

    /// <summary>The index of the section it belongs to.</summary>
    public int SectionIndex { get; }

    /// <summary>The section it belongs to (null for <see cref="None"/>).</summary>
    public CaptureSection? Section { get; internal set; }

    /// <summary>Its number within its section (what blocks refer to, and tshark's <c>frame.interface_id</c>).</summary>
    public int LocalId { get; }

    /// <summary>The link-layer header type (LINKTYPE_*).</summary>
    public int LinkType { get; }

    /// <summary>The snapshot length (0 means no limit in pcapng).</summary>
    public uint SnapLength { get; }

    /// <summary>The timestamp unit.</summary>
    public TimestampResolution TimestampResolution { get; internal set; } = TimestampResolution.Microseconds;

    /// <summary>Seconds added to every timestamp (<c>if_tsoffset</c>).</summary>
    public long TimestampOffset { get; internal set; }

    /// <summary><c>if_name</c>.</summary>
    public string? Name { get; internal set; }

    /// <summary><c>if_description</c>.</summary>
    public string? Description { get; internal set; }

    /// <summary><c>if_filter</c>: the filter type byte and the filter (text for type 0).</summary>
    public (byte Type, string Filter)? Filter { get; internal set; }

    /// <summary><c>if_os</c>.</summary>
    public string? OperatingSystem { get; internal set; }

    /// <summary><c>if_hardware</c>.</summary>
    public string? Hardware { get; internal set; }

    /// <summary>The FCS length in bytes (<c>if_fcslen</c>, or the FCS bits of a pcap link type), when known.</summary>
    public int? FcsLength { get; internal set; }

    /// <summary><c>if_speed</c> in bits per second.</summary>
    public ulong? Speed { get; internal set; }

    /// <summary><c>if_txspeed</c> in bits per second.</summary>
    public ulong? TransmitSpeed { get; internal set; }

    /// <summary><c>if_rxspeed</c> in bits per second.</summary>
    public ulong? ReceiveSpeed { get; internal set; }

    /// <summary><c>if_tzone</c> (obsolete).</summary>
    public uint? TimeZone { get; internal set; }

    /// <summary><c>if_iana_tzname</c>.</summary>
    public string? TimeZoneName { get; internal set; }

    /// <summary><c>if_MACaddr</c>.</summary>
    public MacAddress? MacAddress { get; internal set; }

    /// <summary><c>if_EUIaddr</c> (EUI-64).</summary>
    public ulong? Eui64 { get; internal set; }

    /// <summary><c>if_IPv4addr</c>: addresses and netmasks.</summary>
    public IReadOnlyList<(Ipv4Address Address, Ipv4Address Netmask)> Ipv4Addresses { get; internal set; } = [];

    /// <summary><c>if_IPv6addr</c>: addresses and prefix lengths.</summary>
    public IReadOnlyList<(Ipv6Address Address, byte PrefixLength)> Ipv6Addresses { get; internal set; } = [];

    /// <summary><c>opt_comment</c>s.</summary>
    public IReadOnlyList<string> Comments { get; internal set; } = [];

    /// <summary>Every option as read, custom and unknown ones included.</summary>
    public IReadOnlyList<PcapNgOption> Options { get; internal set; } = [];

    /// <summary>The Interface Statistics Blocks read for this interface, in file order.</summary>
    public IReadOnlyList<InterfaceStatistics> Statistics => _statistics;

    internal List<InterfaceStatistics> _statistics = [];

    /// <inheritdoc/>
    public override string ToString() => $"#{Index} {LinkTypes.GetName(LinkType)}{(Name is null ? string.Empty : " " + Name)}";
}

/// <summary>An Interface Statistics Block.</summary>
/// <param name="Timestamp">When the statistics were taken.</param>
/// <param name="StartTime"><c>isb_starttime</c>.</param>
/// <param name="EndTime"><c>isb_endtime</c>.</param>
/// <param name="Received"><c>isb_ifrecv</c>.</param>
/// <param name="Dropped"><c>isb_ifdrop</c>.</param>
/// <param name="FilterAccepted"><c>isb_filteraccept</c>.</param>
/// <param name="OsDropped"><c>isb_osdrop</c>.</param>
/// <param name="Delivered"><c>isb_usrdeliv</c>.</param>
/// <param name="Comments"><c>opt_comment</c>s.</param>
public sealed record InterfaceStatistics(
    CaptureTimestamp Timestamp,
    CaptureTimestamp? StartTime,
    CaptureTimestamp? EndTime,
    ulong? Received,
    ulong? Dropped,
    ulong? FilterAccepted,
    ulong? OsDropped,
    ulong? Delivered,
    IReadOnlyList<string> Comments);
