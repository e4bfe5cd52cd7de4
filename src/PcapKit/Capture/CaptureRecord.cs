using System;

namespace PcapKit.Capture;

/// <summary>Which kind of pcap/pcapng record a packet came from.</summary>
public enum RecordKind : byte
{
    /// <summary>A classic pcap record.</summary>
    Pcap = 0,

    /// <summary>A pcapng Enhanced Packet Block.</summary>
    EnhancedPacket = 1,

    /// <summary>A pcapng Simple Packet Block (no timestamp, interface 0).</summary>
    SimplePacket = 2,

    /// <summary>The obsolete pcapng Packet Block.</summary>
    ObsoletePacket = 3,

    /// <summary>
    /// A pcapng custom block (0x00000BAD or 0x40000BAD), delivered as a record the way tshark numbers it: its data
    /// after the Private Enterprise Number, no timestamp, and <see cref="CaptureInterface.None"/> as interface.
    /// </summary>
    CustomBlock = 4,
}

/// <summary>
/// One packet record of a pcap or pcapng file. <see cref="Data"/> points into the reader's buffer or the mapped
/// file: it is valid until the reader moves to the next record. Copy what must outlive that.
/// </summary>
public readonly ref struct CaptureRecord
{
    private readonly ReadOnlySpan<byte> _options;
    private readonly bool _optionsBigEndian;

    internal CaptureRecord(
        long number,
        long offset,
        RecordKind kind,
        ReadOnlySpan<byte> data,
        uint originalLength,
        CaptureTimestamp timestamp,
        bool hasTimestamp,
        CaptureInterface captureInterface,
        ReadOnlySpan<byte> options,
        bool optionsBigEndian,
        ModifiedPcapFields? modified = null,
        uint customBlockType = 0,
        uint enterpriseNumber = 0)
    {
        Number = number;
        Offset = offset;
        Kind = kind;
        Data = data;
        OriginalLength = originalLength;
        Timestamp = timestamp;
        HasTimestamp = hasTimestamp;
        Interface = captureInterface;
        _options = options;
        _optionsBigEndian = optionsBigEndian;
        Modified = modified;
        CustomBlockType = customBlockType;
        EnterpriseNumber = enterpriseNumber;
    }

    /// <summary>The record's number in the file, from 1 (tshark's <c>frame.number</c>).</summary>
    public long Number { get; }

    /// <summary>The byte offset of the record (its header or block) in the file.</summary>
    public long Offset { get; }

    /// <summary>The kind of record.</summary>
    public RecordKind Kind { get; }

    /// <summary>The captured bytes.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The number of bytes captured (<c>frame.cap_len</c>).</summary>
    public int CapturedLength => Data.Length;

    /// <summary>The length of the packet on the wire (<c>frame.len</c>).</summary>
    public uint OriginalLength { get; }

    /// <summary>When the packet was captured.</summary>
    public CaptureTimestamp Timestamp { get; }

    /// <summary>False for a Simple Packet Block, which has no timestamp (<see cref="Timestamp"/> is then 0).</summary>
    public bool HasTimestamp { get; }

    /// <summary>The capture time in nanoseconds since the epoch (saturated), or <see cref="long.MinValue"/> without a timestamp: the clock reassembly and flows run on.</summary>
    internal long Time => HasTimestamp ? Timestamp.SaturatedNanoseconds : long.MinValue;

    /// <summary>The interface it was captured on.</summary>
    public CaptureInterface Interface { get; }

    /// <summary>The interface's link type.</summary>
    public int LinkType => Interface.LinkType;

    /// <summary>The record's pcapng options (empty for pcap).</summary>
    public PacketOptions Options => new(_options, _optionsBigEndian);

    /// <summary>The extra fields of a Kuznetzov "modified" pcap record, when the file is one.</summary>
    public ModifiedPcapFields? Modified { get; }

    /// <summary>For a custom block record: its block type (0x00000BAD or 0x40000BAD).</summary>
    public uint CustomBlockType { get; }

    /// <summary>For a custom block record: the Private Enterprise Number of its owner.</summary>
    public uint EnterpriseNumber { get; }
}

/// <summary>The fields a Kuznetzov "modified" pcap record adds (magic <c>a1b2cd34</c>).</summary>
/// <param name="InterfaceIndex">The interface index.</param>
/// <param name="Protocol">The Ethernet protocol type.</param>
/// <param name="PacketType">The Linux packet type (broadcast, multicast, outgoing, …).</param>
/// <param name="Padding">The padding byte.</param>
public readonly record struct ModifiedPcapFields(int InterfaceIndex, ushort Protocol, byte PacketType, byte Padding);
