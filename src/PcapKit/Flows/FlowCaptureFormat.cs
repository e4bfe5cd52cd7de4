using System;
using System.Buffers.Binary;
using PcapKit.Capture;

namespace PcapKit.Flows;

/// <summary>
/// How a flow file stores its records, byte for byte with their timestamps: pcap with the input's link type and
/// snaplen (microsecond units for microsecond captures, nanosecond units otherwise, which hold any coarser resolution
/// exactly), or pcapng with one interface in nanosecond units when a time does not fit pcap's 32-bit seconds.
/// </summary>
/// <param name="PcapNg">Whether the file is pcapng.</param>
/// <param name="Nanoseconds">Whether a pcap file has nanosecond units.</param>
/// <param name="LinkType">The link type.</param>
/// <param name="SnapLength">The snaplen.</param>
internal readonly record struct FlowCaptureFormat(bool PcapNg, bool Nanoseconds, int LinkType, uint SnapLength)
{
    /// <summary>The format for records of an interface.</summary>
    public static FlowCaptureFormat For(CaptureInterface @interface, int linkType, bool pcapng) =>
        new(pcapng, @interface.TimestampResolution.UnitsPerSecond != 1_000_000, linkType, @interface.SnapLength == 0 ? 262_144u : @interface.SnapLength);

    /// <summary>Whether pcap's 32-bit seconds hold the time.</summary>
    public static bool FitsPcap(CaptureTimestamp timestamp) => timestamp.Seconds is >= 0 and <= uint.MaxValue;

    /// <summary>Whether pcap's 32-bit seconds hold the time, given as <see cref="CaptureTimestamp.SaturatedNanoseconds"/> (no division).</summary>
    public static bool FitsPcap(long saturatedNanoseconds) => saturatedNanoseconds is >= 0 and < (uint.MaxValue + 1L) * 1_000_000_000L;

    /// <summary>The file header: pcap's, or a pcapng Section Header Block and one Interface Description Block.</summary>
    public void WriteHeader(FlowFiles files, FlowFile file)
    {
        if (PcapNg)
        {
            Span<byte> blocks = stackalloc byte[28 + 32];
            blocks.Clear(); // the IDB's reserved bytes and the option's padding are zero
            BinaryPrimitives.WriteUInt32LittleEndian(blocks, 0x0A0D0D0A);
            BinaryPrimitives.WriteUInt32LittleEndian(blocks[4..], 28);
            BinaryPrimitives.WriteUInt32LittleEndian(blocks[8..], 0x1A2B3C4D);
            BinaryPrimitives.WriteUInt16LittleEndian(blocks[12..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(blocks[14..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(blocks[16..], -1);
            BinaryPrimitives.WriteUInt32LittleEndian(blocks[24..], 28);
            var idb = blocks[28..];
            BinaryPrimitives.WriteUInt32LittleEndian(idb, 1);
            BinaryPrimitives.WriteUInt32LittleEndian(idb[4..], 32);
            BinaryPrimitives.WriteUInt16LittleEndian(idb[8..], (ushort)LinkType);
            BinaryPrimitives.WriteUInt32LittleEndian(idb[12..], SnapLength);
            BinaryPrimitives.WriteUInt16LittleEndian(idb[16..], 9);   // if_tsresol
            BinaryPrimitives.WriteUInt16LittleEndian(idb[18..], 1);
            idb[20] = 9;                                                // 10^-9 s
            BinaryPrimitives.WriteUInt32LittleEndian(idb[24..], 0);   // opt_endofopt
            BinaryPrimitives.WriteUInt32LittleEndian(idb[28..], 32);
            files.Append(file, blocks, default);
            return;
        }

        Span<byte> header = stackalloc byte[24];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Nanoseconds ? PcapHeader.NanosecondMagic : PcapHeader.MicrosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)LinkType);
        files.Append(file, header, default);
    }

    /// <summary>One record: a pcap record, or an Enhanced Packet Block on interface 0 in nanosecond units.</summary>
    /// <param name="files">The flows' files.</param>
    /// <param name="file">The flow's file.</param>
    /// <param name="timestamp">The record's time.</param>
    /// <param name="nanoseconds">
    /// The same time as <see cref="CaptureTimestamp.SaturatedNanoseconds"/>, which the caller has read already: a pcap
    /// record's seconds and fraction are taken from it (exact, as <see cref="FitsPcap(long)"/> held), not divided out again.
    /// </param>
    /// <param name="data">The record's bytes.</param>
    /// <param name="originalLength">Its length on the wire.</param>
    public void WriteRecord(FlowFiles files, FlowFile file, CaptureTimestamp timestamp, long nanoseconds, ReadOnlySpan<byte> data, uint originalLength)
    {
        if (!PcapNg)
        {
            Span<byte> header = stackalloc byte[16];
            var fraction = nanoseconds % 1_000_000_000L;
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(nanoseconds / 1_000_000_000L));
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(Nanoseconds ? fraction : fraction / 1_000));
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], originalLength);
            files.Append(file, header, data);
            return;
        }

        var padded = (data.Length + 3) & ~3;
        var total = 32 + padded;
        Span<byte> head = stackalloc byte[28];
        // The timestamp's own units: beyond ±285 years the saturated nanoseconds are not the time.
        var units = timestamp.ToUnits(TimestampResolution.Nanoseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(head, 6);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)(units >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(head[16..], (uint)units);
        BinaryPrimitives.WriteUInt32LittleEndian(head[20..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(head[24..], originalLength);

        // Padding to 4 bytes, then the block's length again.
        var padding = padded - data.Length;
        Span<byte> tail = stackalloc byte[8];
        tail.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(tail[padding..], (uint)total);
        files.Append(file, head, data, tail[..(padding + 4)]);
    }
}
