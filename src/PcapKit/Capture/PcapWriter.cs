using System;
using System.Buffers.Binary;
using System.IO;

namespace PcapKit.Capture;

/// <summary>
/// Writes classic pcap files: byte order and microsecond or nanosecond timestamps chosen by the caller, or a header
/// copied from a file read (then read → write reproduces the file byte for byte).
/// </summary>
public sealed class PcapWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly PcapHeader _header;
    private readonly bool _bigEndian;
    private readonly TimestampResolution _resolution;

    /// <summary>Creates a writer with a header of its own.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="linkType">The link type (LINKTYPE_*).</param>
    /// <param name="snapLength">The snapshot length.</param>
    /// <param name="nanoseconds">Nanosecond timestamps (magic a1b23c4d) instead of microseconds.</param>
    /// <param name="byteOrder">The byte order.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves the stream open.</param>
    public PcapWriter(Stream stream, int linkType, uint snapLength = 262144, bool nanoseconds = false, ByteOrder byteOrder = ByteOrder.LittleEndian, bool leaveOpen = false)
        : this(stream, new PcapHeader(nanoseconds ? PcapHeader.NanosecondMagic : PcapHeader.MicrosecondMagic, byteOrder, 2, 4, 0, 0, snapLength, (uint)linkType), leaveOpen)
    {
    }

    /// <summary>Creates a writer that writes <paramref name="header"/> as it is (a header read from another file).</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="header">The header.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves the stream open.</param>
    public PcapWriter(Stream stream, PcapHeader header, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _header = header;
        _bigEndian = header.ByteOrder == ByteOrder.BigEndian;
        _resolution = header.Resolution;
        Span<byte> h = stackalloc byte[PcapHeader.Size];
        U32(h, header.Magic);
        U16(h[4..], header.MajorVersion);
        U16(h[6..], header.MinorVersion);
        U32(h[8..], (uint)header.ThisZone);
        U32(h[12..], header.SigFigs);
        U32(h[16..], header.SnapLength);
        U32(h[20..], header.LinkTypeField);
        _stream.Write(h);
    }

    /// <summary>The header written.</summary>
    public PcapHeader Header => _header;

    /// <summary>The number of records written.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Creates a file and a writer for it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="linkType">The link type.</param>
    /// <param name="snapLength">The snapshot length.</param>
    /// <param name="nanoseconds">Nanosecond timestamps.</param>
    /// <returns>The writer.</returns>
    public static PcapWriter Create(string path, int linkType, uint snapLength = 262144, bool nanoseconds = false) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), linkType, snapLength, nanoseconds);

    /// <summary>Writes a record read from another file: its timestamp, lengths, bytes and, for modified pcap, its extra fields.</summary>
    /// <param name="record">The record.</param>
    public void Write(in CaptureRecord record) => Write(record.Timestamp, record.Data, record.OriginalLength, record.Modified);

    /// <summary>Writes a record.</summary>
    /// <param name="timestamp">When the packet was captured (converted to the file's resolution).</param>
    /// <param name="data">The captured bytes.</param>
    /// <param name="originalLength">The length on the wire.</param>
    /// <param name="modified">The extra fields of a modified-pcap record (only written when the header is modified pcap).</param>
    public void Write(CaptureTimestamp timestamp, ReadOnlySpan<byte> data, uint originalLength, ModifiedPcapFields? modified = null)
    {
        Span<byte> h = stackalloc byte[24];
        var units = timestamp.ToUnits(_resolution);
        U32(h, (uint)(units / _resolution.UnitsPerSecond));
        U32(h[4..], (uint)(units % _resolution.UnitsPerSecond));
        U32(h[8..], (uint)data.Length);
        U32(h[12..], originalLength);
        var size = 16;
        if (_header.IsModified)
        {
            var m = modified ?? default;
            U32(h[16..], (uint)m.InterfaceIndex);
            U16(h[20..], m.Protocol);
            h[22] = m.PacketType;
            h[23] = m.Padding;
            size = 24;
        }

        _stream.Write(h[..size]);
        _stream.Write(data);
        RecordsWritten++;
    }

    /// <summary>Flushes the stream.</summary>
    public void Flush() => _stream.Flush();

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream.Flush();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void U16(Span<byte> span, ushort value)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
    }

    private void U32(Span<byte> span, uint value)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
    }
}
