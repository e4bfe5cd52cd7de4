using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace PcapKit.Capture;

/// <summary>What a pcapng writer puts in its Section Header Block.</summary>
/// <param name="Hardware"><c>shb_hardware</c>.</param>
/// <param name="OperatingSystem"><c>shb_os</c>.</param>
/// <param name="Application"><c>shb_userappl</c>.</param>
/// <param name="Comments"><c>opt_comment</c>s.</param>
public sealed record PcapNgSectionInfo(string? Hardware = null, string? OperatingSystem = null, string? Application = "PcapKit.Gen", IReadOnlyList<string>? Comments = null);

/// <summary>What a pcapng writer puts in an Interface Description Block.</summary>
public sealed record PcapNgInterfaceInfo
{
    /// <summary><c>if_name</c>.</summary>
    public string? Name { get; init; }

    /// <summary><c>if_description</c>.</summary>
    public string? Description { get; init; }

    /// <summary><c>if_tsresol</c> (microseconds by default).</summary>
    public TimestampResolution Resolution { get; init; } = TimestampResolution.Microseconds;

    /// <summary><c>if_tsoffset</c>.</summary>
    public long TimestampOffset { get; init; }

    /// <summary><c>if_filter</c> (type 0: libpcap filter string).</summary>
    public string? Filter { get; init; }

    /// <summary><c>if_os</c>.</summary>
    public string? OperatingSystem { get; init; }

    /// <summary><c>if_hardware</c>.</summary>
    public string? Hardware { get; init; }

    /// <summary><c>if_fcslen</c>.</summary>
    public int? FcsLength { get; init; }

    /// <summary><c>if_speed</c>.</summary>
    public ulong? Speed { get; init; }

    /// <summary><c>opt_comment</c>s.</summary>
    public IReadOnlyList<string> Comments { get; init; } = [];
}

/// <summary>
/// Writes pcapng: one section, one Interface Description Block per interface, Enhanced Packet Blocks with their
/// options (comments, flags and the rest). Records read from any file can be written; their interfaces are added
/// on first use.
/// </summary>
public sealed class PcapNgWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _bigEndian;
    private readonly List<(int LinkType, uint SnapLength, TimestampResolution Resolution, long Offset)> _interfaces = [];
    private readonly Dictionary<CaptureInterface, int> _mapped = new(ReferenceEqualityComparer.Instance);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private CaptureSection? _sourceSection;

    /// <summary>Creates a writer and writes the Section Header Block.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="section">The section's options.</param>
    /// <param name="byteOrder">The byte order.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves the stream open.</param>
    public PcapNgWriter(Stream stream, PcapNgSectionInfo? section = null, ByteOrder byteOrder = ByteOrder.LittleEndian, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _bigEndian = byteOrder == ByteOrder.BigEndian;
        WriteSectionHeader(section ?? new PcapNgSectionInfo());
    }

    /// <summary>The number of packet blocks written.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Starts a new section: later packets need interfaces of their own (added again on first use).</summary>
    /// <param name="section">The section's options.</param>
    public void StartSection(PcapNgSectionInfo section)
    {
        ArgumentNullException.ThrowIfNull(section);
        _interfaces.Clear();
        _mapped.Clear();
        WriteSectionHeader(section);
    }

    private void WriteSectionHeader(PcapNgSectionInfo section)
    {
        var body = new BlockBuilder(_bigEndian);
        body.U32(0x1A2B3C4D);
        body.U16(1);
        body.U16(0);
        body.U64(ulong.MaxValue);
        foreach (var c in section.Comments ?? [])
        {
            body.StringOption(1, c);
        }

        body.StringOption(2, section.Hardware);
        body.StringOption(3, section.OperatingSystem);
        body.StringOption(4, section.Application);
        body.EndOptions();
        WriteBlock(0x0A0D0D0A, body);
    }

    /// <summary>Creates a file and a writer for it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="section">The section's options.</param>
    /// <returns>The writer.</returns>
    public static PcapNgWriter Create(string path, PcapNgSectionInfo? section = null) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), section);

    /// <summary>Adds an interface.</summary>
    /// <param name="linkType">The link type.</param>
    /// <param name="snapLength">The snapshot length (0: none).</param>
    /// <param name="info">Its options.</param>
    /// <returns>Its id, for <see cref="WritePacket"/>.</returns>
    public int AddInterface(int linkType, uint snapLength = 0, PcapNgInterfaceInfo? info = null)
    {
        info ??= new PcapNgInterfaceInfo();
        var body = new BlockBuilder(_bigEndian);
        body.U16((ushort)linkType);
        body.U16(0);
        body.U32(snapLength);
        foreach (var c in info.Comments)
        {
            body.StringOption(1, c);
        }

        body.StringOption(2, info.Name);
        body.StringOption(3, info.Description);
        if (info.Speed is { } speed)
        {
            body.Option(8, 8).U64(speed);
        }

        if (info.Resolution != TimestampResolution.Microseconds)
        {
            body.Option(9, 1).Byte(info.Resolution.ToByte());
        }

        if (info.Filter is { } filter)
        {
            var bytes = Encoding.UTF8.GetBytes(filter);
            body.Option(11, 1 + bytes.Length).Byte(0).Bytes(bytes);
        }

        body.StringOption(12, info.OperatingSystem);
        if (info.FcsLength is { } fcs)
        {
            body.Option(13, 1).Byte((byte)fcs);
        }

        if (info.TimestampOffset != 0)
        {
            body.Option(14, 8).U64((ulong)info.TimestampOffset);
        }

        body.StringOption(15, info.Hardware);
        body.EndOptions();
        WriteBlock(0x00000001, body);
        _interfaces.Add((linkType, snapLength, info.Resolution, info.TimestampOffset));
        return _interfaces.Count - 1;
    }

    /// <summary>Adds an interface read from another file, with its options.</summary>
    /// <param name="captureInterface">The interface.</param>
    /// <returns>Its id.</returns>
    public int AddInterface(CaptureInterface captureInterface)
    {
        ArgumentNullException.ThrowIfNull(captureInterface);
        if (_mapped.TryGetValue(captureInterface, out var existing))
        {
            return existing;
        }

        var id = AddInterface(captureInterface.LinkType, captureInterface.SnapLength, new PcapNgInterfaceInfo
        {
            Name = captureInterface.Name,
            Description = captureInterface.Description,
            Resolution = captureInterface.TimestampResolution,
            TimestampOffset = captureInterface.TimestampOffset,
            Filter = captureInterface.Filter is { Type: 0 } f ? f.Filter : null,
            OperatingSystem = captureInterface.OperatingSystem,
            Hardware = captureInterface.Hardware,
            FcsLength = captureInterface.FcsLength,
            Speed = captureInterface.Speed,
            Comments = captureInterface.Comments,
        });
        _mapped[captureInterface] = id;
        return id;
    }

    /// <summary>
    /// Writes a record read from another file, adding its interface on first use and keeping its options. When the
    /// records come from a later section of the source, a new section starts, so the file keeps its structure.
    /// </summary>
    /// <param name="record">The record.</param>
    public void Write(in CaptureRecord record)
    {
        if (record.Interface.Section is { } source)
        {
            if (_sourceSection is not null && !ReferenceEquals(source, _sourceSection) && source.Index > _sourceSection.Index)
            {
                StartSection(new PcapNgSectionInfo(source.Hardware, source.OperatingSystem, source.Application, source.Comments));
            }

            _sourceSection = source;
        }

        if (record.Kind == RecordKind.CustomBlock)
        {
            var custom = new BlockBuilder(_bigEndian);
            custom.U32(record.EnterpriseNumber);
            custom.Bytes(record.Data);
            WriteBlock(record.CustomBlockType, custom);
            RecordsWritten++;
            return;
        }

        var id = AddInterface(record.Interface);
        if (record.Kind == RecordKind.SimplePacket && id == 0)
        {
            var simple = new BlockBuilder(_bigEndian);
            simple.U32(record.OriginalLength);
            simple.Bytes(record.Data);
            simple.Pad();
            WriteBlock(0x00000003, simple);
            RecordsWritten++;
            return;
        }

        WritePacketWithOptions(id, record.Timestamp, record.Data, record.OriginalLength, record.Options);
    }

    /// <summary>Writes an Enhanced Packet Block.</summary>
    /// <param name="interfaceId">The interface, from <see cref="AddInterface(int, uint, PcapNgInterfaceInfo?)"/>.</param>
    /// <param name="timestamp">When the packet was captured (converted to the interface's resolution).</param>
    /// <param name="data">The captured bytes.</param>
    /// <param name="originalLength">The length on the wire.</param>
    /// <param name="flags"><c>epb_flags</c>, when known.</param>
    /// <param name="comments">Comments.</param>
    public void WritePacket(int interfaceId, CaptureTimestamp timestamp, ReadOnlySpan<byte> data, uint originalLength, uint? flags = null, IReadOnlyList<string>? comments = null)
    {
        var body = StartPacket(interfaceId, timestamp, data, originalLength);
        foreach (var c in comments ?? [])
        {
            body.StringOption(1, c);
        }

        if (flags is { } f)
        {
            body.Option(2, 4).U32(f);
        }

        body.EndOptions();
        WriteBlock(0x00000006, body);
        RecordsWritten++;
    }

    private void WritePacketWithOptions(int interfaceId, CaptureTimestamp timestamp, ReadOnlySpan<byte> data, uint originalLength, PacketOptions options)
    {
        var body = StartPacket(interfaceId, timestamp, data, originalLength);
        foreach (var option in options)
        {
            // Numeric options are written again in this file's byte order; the rest byte for byte.
            var v = option.Value;
            var swap = options.IsBigEndian != _bigEndian;
            switch (option.Code)
            {
                case PacketOptions.FlagsCode or PacketOptions.QueueCode when v.Length == 4 && swap:
                    body.Option(option.Code, 4).U32(options.IsBigEndian ? BinaryPrimitives.ReadUInt32BigEndian(v) : BinaryPrimitives.ReadUInt32LittleEndian(v));
                    break;
                case PacketOptions.DropCountCode or PacketOptions.PacketIdCode when v.Length == 8 && swap:
                    body.Option(option.Code, 8).U64(options.IsBigEndian ? BinaryPrimitives.ReadUInt64BigEndian(v) : BinaryPrimitives.ReadUInt64LittleEndian(v));
                    break;
                default:
                    body.Option(option.Code, v.Length).Bytes(v);
                    break;
            }
        }

        body.EndOptions();
        WriteBlock(0x00000006, body);
        RecordsWritten++;
    }

    private BlockBuilder StartPacket(int interfaceId, CaptureTimestamp timestamp, ReadOnlySpan<byte> data, uint originalLength)
    {
        if ((uint)interfaceId >= (uint)_interfaces.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(interfaceId), "No such interface was added.");
        }

        // The stored units count from the interface's offset (if_tsoffset), in its resolution: a record copied to an
        // interface of its own resolution and offset keeps its stored count exactly.
        var iface = _interfaces[interfaceId];
        var units = timestamp.UnitsSince(iface.Offset, iface.Resolution);
        var body = new BlockBuilder(_bigEndian);
        body.U32((uint)interfaceId);
        body.U32((uint)(units >> 32));
        body.U32((uint)units);
        body.U32((uint)data.Length);
        body.U32(originalLength);
        body.Bytes(data);
        body.Pad();
        return body;
    }

    private void WriteBlock(uint type, BlockBuilder body)
    {
        var content = body.Content;
        var length = 12 + content.Length;
        if (_buffer.Length < length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(length);
        }

        var span = _buffer.AsSpan(0, length);
        WriteU32(span, type);
        WriteU32(span[4..], (uint)length);
        content.CopyTo(span[8..]);
        WriteU32(span[(length - 4)..], (uint)length);
        _stream.Write(span);
        body.Dispose();
    }

    private void WriteU32(Span<byte> span, uint value)
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

        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Accumulates a block's body in a pooled buffer.</summary>
    private sealed class BlockBuilder(bool bigEndian) : IDisposable
    {
        private byte[] _data = ArrayPool<byte>.Shared.Rent(256);
        private int _length;
        private bool _hasOptions;

        public ReadOnlySpan<byte> Content => _data.AsSpan(0, _length);

        public BlockBuilder Byte(byte value)
        {
            Span(1)[0] = value;
            return this;
        }

        public BlockBuilder U16(ushort value)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(Span(2), value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(Span(2), value);
            }

            return this;
        }

        public BlockBuilder U32(uint value)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(Span(4), value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(Span(4), value);
            }

            return this;
        }

        public BlockBuilder U64(ulong value)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt64BigEndian(Span(8), value);
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(Span(8), value);
            }

            return this;
        }

        public BlockBuilder Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(Span(value.Length));
            return this;
        }

        /// <summary>Writes an option header; the caller writes <paramref name="length"/> bytes, then the next call pads.</summary>
        public BlockBuilder Option(ushort code, int length)
        {
            Pad();
            U16(code);
            U16((ushort)length);
            _hasOptions = true;
            return this;
        }

        public void StringOption(ushort code, string? value)
        {
            if (value is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(value);
                Option(code, bytes.Length).Bytes(bytes);
            }
        }

        public void EndOptions()
        {
            Pad();
            if (_hasOptions)
            {
                U32(0); // opt_endofopt
            }
        }

        public void Pad()
        {
            while (_length % 4 != 0)
            {
                Span(1)[0] = 0;
            }
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_data);
            _data = [];
        }

        private Span<byte> Span(int count)
        {
            if (_length + count > _data.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_data.Length * 2, _length + count));
                _data.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_data);
                _data = bigger;
            }

            var span = _data.AsSpan(_length, count);
            _length += count;
            return span;
        }
    }
}
