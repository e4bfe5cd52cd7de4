using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using PcapKit.Net;

namespace PcapKit.Capture;

public sealed partial class CaptureReader
{
    private const uint InterfaceDescriptionBlock = 0x00000001;
    private const uint ObsoletePacketBlock = 0x00000002;
    private const uint SimplePacketBlock = 0x00000003;
    private const uint NameResolutionBlock = 0x00000004;
    private const uint InterfaceStatisticsBlock = 0x00000005;
    private const uint EnhancedPacketBlock = 0x00000006;
    private const uint SystemdJournalExportBlock = 0x00000009;
    private const uint DecryptionSecretsBlock = 0x0000000A;
    private const uint CustomBlockCopy = 0x00000BAD;
    private const uint CustomBlockNoCopy = 0x40000BAD;
    private const uint ByteOrderMagic = 0x1A2B3C4D;

    /// <summary>How many metadata entries of each kind (names, secrets, custom blocks, statistics, notices) are kept; a hostile file cannot grow memory past it.</summary>
    private const int MaxStoredEntries = 10_000;

    private bool _ngBigEndian;
    private CaptureSection? _section;

    private void ReadFirstSection()
    {
        var header = _source.Peek(12);
        if (header.Length < 12)
        {
            throw Error(header.Length, CaptureErrorKind.Truncated, "the section header block is cut short");
        }

        ByteOrder = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) == ByteOrderMagic ? ByteOrder.LittleEndian : ByteOrder.BigEndian;

        // Read the first section header now, so a file that is not a pcapng file is rejected when opened.
        if (!TryReadBlock(out _, out _))
        {
            throw Error(0, CaptureErrorKind.Truncated, "the section header block is missing");
        }
    }

    private bool TryReadPcapNgRecord(out CaptureRecord record)
    {
        while (true)
        {
            if (!TryReadBlock(out var isRecord, out record))
            {
                return false;
            }

            if (isRecord)
            {
                return true;
            }
        }
    }

    /// <summary>Reads one block; returns false at the end of the file. Packet blocks come back as records.</summary>
    private bool TryReadBlock(out bool isRecord, out CaptureRecord record)
    {
        isRecord = false;
        record = default;
        var offset = _source.Position;
        var head = _source.Peek(12);
        if (head.Length < 8)
        {
            if (head.Length == 0)
            {
                return false;
            }

            throw Error(offset, CaptureErrorKind.Truncated, $"a block header is cut short ({head.Length} of 8 bytes)");
        }

        var type = N32(head);
        if (type == PcapNgSectionHeader)
        {
            // The section decides its own byte order with its byte-order magic.
            if (head.Length < 12)
            {
                throw Error(offset, CaptureErrorKind.Truncated, "the section header block is cut short");
            }

            var magicLe = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
            if (magicLe == ByteOrderMagic)
            {
                _ngBigEndian = false;
            }
            else if (BinaryPrimitives.ReadUInt32BigEndian(head[8..]) == ByteOrderMagic)
            {
                _ngBigEndian = true;
            }
            else
            {
                throw Error(offset + 8, CaptureErrorKind.Corrupt, $"the section header's byte-order magic is 0x{magicLe:x8}, not 0x1a2b3c4d");
            }
        }
        else if (_section is null)
        {
            throw Error(offset, CaptureErrorKind.Corrupt, $"block type 0x{type:x8} comes before the first section header");
        }

        var length = N32(head[4..]);
        if (length < 12 || length % 4 != 0)
        {
            throw Error(offset + 4, CaptureErrorKind.Corrupt, $"block total length {length} is not a multiple of 4 of at least 12");
        }

        if (length > (uint)_options.MaxRecordSize)
        {
            throw Error(offset + 4, CaptureErrorKind.Corrupt, $"block total length {length} exceeds the {_options.MaxRecordSize}-byte limit");
        }

        var block = _source.Peek((int)length);
        if (block.Length < length)
        {
            throw Error(offset, CaptureErrorKind.Truncated, $"a block of type 0x{type:x8} is cut short: {block.Length} of {length} bytes are present");
        }

        if (N32(block[(int)(length - 4)..]) != length)
        {
            throw Error(offset + length - 4, CaptureErrorKind.Corrupt, $"the block's trailing length {N32(block[(int)(length - 4)..])} differs from its leading length {length}");
        }

        var body = block[8..(int)(length - 4)];
        switch (type)
        {
            case PcapNgSectionHeader:
                ReadSectionHeader(body, offset);
                break;
            case InterfaceDescriptionBlock:
                ReadInterfaceDescription(body, offset);
                break;
            case EnhancedPacketBlock:
                isRecord = true;
                record = ReadEnhancedPacket(body, offset);
                break;
            case SimplePacketBlock:
                isRecord = true;
                record = ReadSimplePacket(body, offset);
                break;
            case ObsoletePacketBlock:
                isRecord = true;
                record = ReadObsoletePacket(body, offset);
                break;
            case NameResolutionBlock:
                ReadNameResolution(body, offset);
                break;
            case InterfaceStatisticsBlock:
                ReadInterfaceStatistics(body, offset);
                break;
            case DecryptionSecretsBlock:
                ReadDecryptionSecrets(body, offset);
                break;
            case CustomBlockCopy:
            case CustomBlockNoCopy:
                if (body.Length < 4)
                {
                    throw Error(offset + 8, CaptureErrorKind.Corrupt, "a custom block has no Private Enterprise Number");
                }

                if (_customBlocks.Count < MaxStoredEntries)
                {
                    _customBlocks.Add(new CustomBlock(type, N32(body), body[4..].ToArray()));
                }
                if (_options.CustomBlocksAsRecords)
                {
                    isRecord = true;
                    record = new CaptureRecord(_recordCount + 1, offset, RecordKind.CustomBlock, body[4..], (uint)(body.Length - 4), default, false, CaptureInterface.None, default, _ngBigEndian, null, type, N32(body));
                }

                break;
            case SystemdJournalExportBlock:
                Notice(offset, $"skipped a systemd journal export block of {length} bytes");
                break;
            default:
                Notice(offset, $"skipped an unknown block of type 0x{type:x8} ({length} bytes)");
                break;
        }

        _source.Advance((int)length);
        if (isRecord)
        {
            _recordCount++;
        }

        return true;
    }

    private void ReadSectionHeader(ReadOnlySpan<byte> body, long offset)
    {
        if (body.Length < 16)
        {
            throw Error(offset + 8, CaptureErrorKind.Corrupt, "the section header block is shorter than its fixed fields");
        }

        var major = N16(body[4..]);
        var minor = N16(body[6..]);

        // pcapng 1.0 is current; 1.2 was written by some tools and reads the same.
        if (major != 1 || (minor != 0 && minor != 2))
        {
            throw Error(offset + 12, CaptureErrorKind.Unsupported, $"pcapng version {major}.{minor} is not supported");
        }

        var section = new CaptureSection(_sections.Count, offset, _ngBigEndian ? ByteOrder.BigEndian : ByteOrder.LittleEndian, major, minor, (long)N64(body[8..]));
        var options = ReadOptions(body[16..], offset + 24);
        var comments = new List<string>();
        foreach (var o in options)
        {
            switch (o.Code)
            {
                case PcapNgOption.Comment:
                    comments.Add(o.AsString());
                    break;
                case 2:
                    section.Hardware = o.AsString();
                    break;
                case 3:
                    section.OperatingSystem = o.AsString();
                    break;
                case 4:
                    section.Application = o.AsString();
                    break;
            }
        }

        section.Comments = comments;
        section.Options = options;
        _sections.Add(section);
        _section = section;
    }

    private void ReadInterfaceDescription(ReadOnlySpan<byte> body, long offset)
    {
        if (body.Length < 8)
        {
            throw Error(offset + 8, CaptureErrorKind.Corrupt, "the interface description block is shorter than its fixed fields");
        }

        var section = _section!;
        var iface = new CaptureInterface(_interfaces.Count, section.Index, section._interfaces.Count, N16(body), N32(body[4..])) { Section = section };
        var options = ReadOptions(body[8..], offset + 16);
        var comments = new List<string>();
        var v4 = new List<(Ipv4Address, Ipv4Address)>();
        var v6 = new List<(Ipv6Address, byte)>();
        foreach (var o in options)
        {
            var v = o.Value.Span;
            switch (o.Code)
            {
                case PcapNgOption.Comment:
                    comments.Add(o.AsString());
                    break;
                case 2:
                    iface.Name = o.AsString();
                    break;
                case 3:
                    iface.Description = o.AsString();
                    break;
                case 4 when v.Length >= 8:
                    v4.Add((Ipv4Address.Read(v), Ipv4Address.Read(v[4..])));
                    break;
                case 5 when v.Length >= 17:
                    v6.Add((Ipv6Address.Read(v), v[16]));
                    break;
                case 6 when v.Length >= 6:
                    iface.MacAddress = Net.MacAddress.Read(v);
                    break;
                case 7 when v.Length >= 8:
                    iface.Eui64 = BinaryPrimitives.ReadUInt64BigEndian(v);
                    break;
                case 8 when v.Length >= 8:
                    iface.Speed = N64(v);
                    break;
                case 9 when v.Length >= 1:
                    if (TimestampResolution.TryFromByte(v[0], out var resolution))
                    {
                        iface.TimestampResolution = resolution;
                    }
                    else
                    {
                        throw Error(offset, CaptureErrorKind.Unsupported, $"interface {iface.Index} has a timestamp resolution (if_tsresol 0x{v[0]:x2}) finer than 64 bits hold");
                    }

                    break;
                case 10 when v.Length >= 4:
                    iface.TimeZone = N32(v);
                    break;
                case 11 when v.Length >= 1:
                    iface.Filter = (v[0], System.Text.Encoding.UTF8.GetString(v[1..]));
                    break;
                case 12:
                    iface.OperatingSystem = o.AsString();
                    break;
                case 13 when v.Length >= 1:
                    iface.FcsLength = v[0];
                    break;
                case 14 when v.Length >= 8:
                    iface.TimestampOffset = (long)N64(v);
                    break;
                case 15:
                    iface.Hardware = o.AsString();
                    break;
                case 16 when v.Length >= 8:
                    iface.TransmitSpeed = N64(v);
                    break;
                case 17 when v.Length >= 8:
                    iface.ReceiveSpeed = N64(v);
                    break;
                case 18:
                    iface.TimeZoneName = o.AsString();
                    break;
            }
        }

        iface.Comments = comments;
        iface.Ipv4Addresses = v4;
        iface.Ipv6Addresses = v6;
        iface.Options = options;
        section._interfaces.Add(iface);
        _interfaces.Add(iface);
    }

    private CaptureRecord ReadEnhancedPacket(ReadOnlySpan<byte> body, long offset)
    {
        if (body.Length < 20)
        {
            throw Error(offset + 8, CaptureErrorKind.Corrupt, "the enhanced packet block is shorter than its fixed fields");
        }

        var iface = Interface(N32(body), offset + 8);
        var units = ((ulong)N32(body[4..]) << 32) | N32(body[8..]);
        var captured = N32(body[12..]);
        var original = N32(body[16..]);
        var padded = (captured + 3) & ~3u;
        if (captured > body.Length - 20 || padded > body.Length - 20)
        {
            throw Error(offset + 20, CaptureErrorKind.Corrupt, $"the enhanced packet block declares {captured} captured bytes but holds {body.Length - 20}");
        }

        var options = body[(int)(20 + padded)..];
        CheckOptions(options, offset + 28 + padded);
        return new CaptureRecord(
            _recordCount + 1,
            offset,
            RecordKind.EnhancedPacket,
            body.Slice(20, (int)captured),
            original,
            new CaptureTimestamp(units, iface.TimestampResolution, iface.TimestampOffset),
            true,
            iface,
            options,
            _ngBigEndian);
    }

    private CaptureRecord ReadSimplePacket(ReadOnlySpan<byte> body, long offset)
    {
        if (body.Length < 4)
        {
            throw Error(offset + 8, CaptureErrorKind.Corrupt, "the simple packet block has no original length");
        }

        // A Simple Packet Block belongs to the section's first interface; its captured length is the smallest of
        // the original length, the interface's snap length and the bytes the block holds.
        var iface = Interface(0, offset);
        var original = N32(body);
        var captured = Math.Min(original, (uint)(body.Length - 4));
        if (iface.SnapLength != 0)
        {
            captured = Math.Min(captured, iface.SnapLength);
        }

        return new CaptureRecord(
            _recordCount + 1,
            offset,
            RecordKind.SimplePacket,
            body.Slice(4, (int)captured),
            original,
            new CaptureTimestamp(0, iface.TimestampResolution, iface.TimestampOffset),
            false,
            iface,
            default,
            _ngBigEndian);
    }

    private CaptureRecord ReadObsoletePacket(ReadOnlySpan<byte> body, long offset)
    {
        if (body.Length < 20)
        {
            throw Error(offset + 8, CaptureErrorKind.Corrupt, "the packet block is shorter than its fixed fields");
        }

        var iface = Interface(N16(body), offset + 8);
        var units = ((ulong)N32(body[4..]) << 32) | N32(body[8..]);
        var captured = N32(body[12..]);
        var original = N32(body[16..]);
        var padded = (captured + 3) & ~3u;
        if (captured > body.Length - 20 || padded > body.Length - 20)
        {
            throw Error(offset + 20, CaptureErrorKind.Corrupt, $"the packet block declares {captured} captured bytes but holds {body.Length - 20}");
        }

        var options = body[(int)(20 + padded)..];
        CheckOptions(options, offset + 28 + padded);
        return new CaptureRecord(
            _recordCount + 1,
            offset,
            RecordKind.ObsoletePacket,
            body.Slice(20, (int)captured),
            original,
            new CaptureTimestamp(units, iface.TimestampResolution, iface.TimestampOffset),
            true,
            iface,
            options,
            _ngBigEndian);
    }

    private void ReadNameResolution(ReadOnlySpan<byte> body, long offset)
    {
        var rest = body;
        var position = offset + 8;
        while (rest.Length >= 4)
        {
            var type = N16(rest);
            var length = N16(rest[2..]);
            if (type == 0)
            {
                rest = rest[4..];
                break;
            }

            var padded = 4 + ((length + 3) & ~3);
            if (4 + length > rest.Length)
            {
                throw Error(position, CaptureErrorKind.Corrupt, $"a name resolution record of length {length} overruns its block");
            }

            var value = rest.Slice(4, length);
            var addressLength = type switch { 1 => 4, 2 => 16, 3 => 6, 4 => 8, _ => 0 };
            if (addressLength > 0 && value.Length >= addressLength)
            {
                if (_names.Count < MaxStoredEntries)
                {
                    _names.Add(new NameResolutionEntry(type, value[..addressLength].ToArray(), Decode(value[addressLength..])));
                }
            }
            else if (_names.Count < MaxStoredEntries)
            {
                _names.Add(new NameResolutionEntry(type, value.ToArray(), []));
            }

            position += Math.Min(padded, rest.Length);
            rest = padded >= rest.Length ? default : rest[padded..];
        }

        _ = ReadOptions(rest, position);
    }

    private void Notice(long offset, string message)
    {
        if (_notices.Count < MaxStoredEntries)
        {
            _notices.Add(new CaptureNotice(offset, message));
        }
    }

    private static List<string> Decode(ReadOnlySpan<byte> names)
    {
        var list = new List<string>();
        while (!names.IsEmpty)
        {
            var end = names.IndexOf((byte)0);
            var name = end < 0 ? names : names[..end];
            if (!name.IsEmpty)
            {
                list.Add(System.Text.Encoding.UTF8.GetString(name));
            }

            names = end < 0 ? default : names[(end + 1)..];
        }

        return list;
    }

    private void ReadInterfaceStatistics(ReadOnlySpan<byte> body, long offset)
    {
        if (body.Length < 12)
        {
            throw Error(offset + 8, CaptureErrorKind.Corrupt, "the interface statistics block is shorter than its fixed fields");
        }

        var iface = Interface(N32(body), offset + 8);
        CaptureTimestamp Stamp(ulong units) => new(units, iface.TimestampResolution, iface.TimestampOffset);
        var options = ReadOptions(body[12..], offset + 20);
        CaptureTimestamp? start = null, end = null;
        ulong? received = null, dropped = null, accepted = null, osDropped = null, delivered = null;
        var comments = new List<string>();
        foreach (var o in options)
        {
            var v = o.Value.Span;
            ulong? u64 = v.Length >= 8 ? N64(v) : null;
            ulong? time = v.Length >= 8 ? ((ulong)N32(v) << 32) | N32(v[4..]) : null;
            switch (o.Code)
            {
                case PcapNgOption.Comment:
                    comments.Add(o.AsString());
                    break;
                case 2:
                    start = time is { } s ? Stamp(s) : null;
                    break;
                case 3:
                    end = time is { } e ? Stamp(e) : null;
                    break;
                case 4:
                    received = u64;
                    break;
                case 5:
                    dropped = u64;
                    break;
                case 6:
                    accepted = u64;
                    break;
                case 7:
                    osDropped = u64;
                    break;
                case 8:
                    delivered = u64;
                    break;
            }
        }

        if (iface._statistics.Count >= MaxStoredEntries)
        {
            return;
        }

        iface._statistics.Add(new InterfaceStatistics(
            Stamp(((ulong)N32(body[4..]) << 32) | N32(body[8..])), start, end, received, dropped, accepted, osDropped, delivered, comments));
    }

    private void ReadDecryptionSecrets(ReadOnlySpan<byte> body, long offset)
    {
        if (body.Length < 8)
        {
            throw Error(offset + 8, CaptureErrorKind.Corrupt, "the decryption secrets block is shorter than its fixed fields");
        }

        var type = N32(body);
        var length = N32(body[4..]);
        var padded = (length + 3) & ~3u;
        if (length > body.Length - 8 || padded > body.Length - 8)
        {
            throw Error(offset + 12, CaptureErrorKind.Corrupt, $"the decryption secrets block declares {length} bytes but holds {body.Length - 8}");
        }

        var options = ReadOptions(body[(int)(8 + padded)..], offset + 16 + padded);
        var comments = new List<string>();
        foreach (var o in options)
        {
            if (o.Code == PcapNgOption.Comment)
            {
                comments.Add(o.AsString());
            }
        }

        if (_secrets.Count < MaxStoredEntries)
        {
            _secrets.Add(new DecryptionSecrets(type, body.Slice(8, (int)length).ToArray(), comments));
        }
    }

    private CaptureInterface Interface(uint localId, long offset)
    {
        var section = _section!;
        if (localId >= (uint)section._interfaces.Count)
        {
            throw Error(offset, CaptureErrorKind.Corrupt, $"the block refers to interface {localId}, but the section has {section._interfaces.Count}");
        }

        return section._interfaces[(int)localId];
    }

    /// <summary>Reads a block's options, copying them (only section and interface blocks, read once).</summary>
    private List<PcapNgOption> ReadOptions(ReadOnlySpan<byte> bytes, long offset)
    {
        var list = new List<PcapNgOption>();
        var rest = bytes;
        var position = offset;
        while (rest.Length > 0)
        {
            if (rest.Length < 4)
            {
                throw Error(position, CaptureErrorKind.Corrupt, $"an option header is cut short ({rest.Length} of 4 bytes)");
            }

            var code = N16(rest);
            var length = N16(rest[2..]);
            if (code == 0)
            {
                break;
            }

            if (4 + length > rest.Length)
            {
                throw Error(position, CaptureErrorKind.Corrupt, $"option {code} of length {length} overruns its block ({rest.Length - 4} bytes left)");
            }

            list.Add(new PcapNgOption(code, rest.Slice(4, length).ToArray()));
            var padded = 4 + ((length + 3) & ~3);
            position += Math.Min(padded, rest.Length);
            rest = padded >= rest.Length ? default : rest[padded..];
        }

        return list;
    }

    /// <summary>Checks a packet block's options without copying them.</summary>
    private void CheckOptions(ReadOnlySpan<byte> bytes, long offset)
    {
        var rest = bytes;
        var position = offset;
        while (rest.Length >= 4)
        {
            var code = N16(rest);
            var length = N16(rest[2..]);
            if (code == 0)
            {
                return;
            }

            if (4 + length > rest.Length)
            {
                throw Error(position, CaptureErrorKind.Corrupt, $"option {code} of length {length} overruns its block ({rest.Length - 4} bytes left)");
            }

            var padded = 4 + ((length + 3) & ~3);
            position += padded;
            rest = padded >= rest.Length ? default : rest[padded..];
        }

        if (rest.Length > 0)
        {
            throw Error(position, CaptureErrorKind.Corrupt, $"an option header is cut short ({rest.Length} of 4 bytes)");
        }
    }

    private ushort N16(ReadOnlySpan<byte> span) => _ngBigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);

    private uint N32(ReadOnlySpan<byte> span) => _ngBigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);

    private ulong N64(ReadOnlySpan<byte> span) => _ngBigEndian ? BinaryPrimitives.ReadUInt64BigEndian(span) : BinaryPrimitives.ReadUInt64LittleEndian(span);
}
