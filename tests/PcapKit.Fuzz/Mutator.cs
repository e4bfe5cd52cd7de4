using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace PcapKit.Fuzz;

/// <summary>The ways a frame or a file is damaged.</summary>
public enum Mutation
{
    /// <summary>One bit flipped.</summary>
    BitFlip,

    /// <summary>One byte set to a boundary value (0, 1, 0x7f, 0x80, 0xff) or a random one.</summary>
    ByteSet,

    /// <summary>1–16 random bytes inserted.</summary>
    Insert,

    /// <summary>1–16 bytes deleted.</summary>
    Delete,

    /// <summary>A 16- or 32-bit field in the headers set to a length at a boundary (0, 1, the size ±1, the maximum).</summary>
    LengthEdit,

    /// <summary>An IPv4 or TCP option's kind and length rewritten, or an option removed or repeated.</summary>
    OptionEdit,

    /// <summary>The end cut off.</summary>
    Truncate,

    /// <summary>The file's magic number replaced (another format's, the other byte order's, or garbage).</summary>
    Magic,

    /// <summary>A record's captured or original length, or a pcapng block's leading or trailing length, rewritten.</summary>
    RecordLength,

    /// <summary>A pcapng packet's interface id rewritten.</summary>
    InterfaceId,

    /// <summary>A pcapng block's type rewritten.</summary>
    BlockType,

    /// <summary>A pcapng option's length rewritten.</summary>
    PcapNgOptionLength,

    /// <summary>A file header field (version, snap length, link type, section length) rewritten.</summary>
    HeaderField,
}

/// <summary>Seeded, deterministic mutations of frames and capture files.</summary>
/// <param name="seed">The seed: the same seed gives the same mutations.</param>
public sealed class Mutator(int seed)
{
    private static readonly byte[] BoundaryBytes = [0x00, 0x01, 0x02, 0x05, 0x7f, 0x80, 0xfe, 0xff];
    private static readonly Mutation[] FrameMutations = [Mutation.BitFlip, Mutation.ByteSet, Mutation.Insert, Mutation.Delete, Mutation.LengthEdit, Mutation.OptionEdit, Mutation.Truncate];
    private static readonly Mutation[] FileMutations =
    [
        Mutation.Magic, Mutation.RecordLength, Mutation.RecordLength, Mutation.InterfaceId, Mutation.BlockType, Mutation.PcapNgOptionLength,
        Mutation.HeaderField, Mutation.BitFlip, Mutation.ByteSet, Mutation.Insert, Mutation.Delete, Mutation.Truncate,
    ];

    private readonly Random _random = new(seed);

    /// <summary>Damages a frame with 1–3 frame mutations.</summary>
    /// <param name="frame">The frame (not changed).</param>
    /// <param name="linkType">Its link type, to find the IP header for option edits.</param>
    /// <returns>The damaged copy and what was done.</returns>
    public (byte[] Frame, List<Mutation> Applied) MutateFrame(byte[] frame, int linkType)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var bytes = new List<byte>(frame);
        var applied = new List<Mutation>();
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var mutation = FrameMutations[_random.Next(FrameMutations.Length)];
            applied.Add(mutation);
            Apply(bytes, mutation, linkType);
        }

        return ([.. bytes], applied);
    }

    /// <summary>Damages a capture file with 1–3 file mutations aimed at its structure.</summary>
    /// <param name="file">The file's bytes (not changed).</param>
    /// <returns>The damaged copy and what was done.</returns>
    public (byte[] File, List<Mutation> Applied) MutateFile(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var bytes = (byte[])file.Clone();
        var applied = new List<Mutation>();
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var mutation = FileMutations[_random.Next(FileMutations.Length)];
            applied.Add(mutation);
            bytes = ApplyToFile(bytes, mutation);
        }

        return (bytes, applied);
    }

    private byte[] ApplyToFile(byte[] file, Mutation mutation)
    {
        var layout = CaptureLayout.Of(file);
        switch (mutation)
        {
            case Mutation.Magic when file.Length >= 4:
                uint[] magics = [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0xa1b2cd34, 0x0a0d0d0a, 0x1a2b3c4d, (uint)_random.Next()];
                BinaryPrimitives.WriteUInt32LittleEndian(file, magics[_random.Next(magics.Length)]);
                return file;
            case Mutation.RecordLength when layout.LengthFields.Count > 0:
                WriteLength(file, layout.LengthFields[_random.Next(layout.LengthFields.Count)], layout.LittleEndian);
                return file;
            case Mutation.InterfaceId when layout.InterfaceIds.Count > 0:
                uint[] ids = [0, 1, 2, 0xff, 0xffff, 0xffffffff, (uint)_random.Next()];
                WriteUInt32(file, layout.InterfaceIds[_random.Next(layout.InterfaceIds.Count)], ids[_random.Next(ids.Length)], layout.LittleEndian);
                return file;
            case Mutation.BlockType when layout.BlockTypes.Count > 0:
                uint[] types = [0x00000001, 0x00000002, 0x00000003, 0x00000004, 0x00000005, 0x00000006, 0x0a0d0d0a, 0x00000bad, 0x40000bad, (uint)_random.Next()];
                WriteUInt32(file, layout.BlockTypes[_random.Next(layout.BlockTypes.Count)], types[_random.Next(types.Length)], layout.LittleEndian);
                return file;
            case Mutation.PcapNgOptionLength when layout.OptionLengths.Count > 0:
                ushort[] lengths = [0, 1, 3, 4, 8, 0x7fff, 0xffff, (ushort)_random.Next(65536)];
                var at = layout.OptionLengths[_random.Next(layout.OptionLengths.Count)];
                var value = lengths[_random.Next(lengths.Length)];
                if (layout.LittleEndian)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at), value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(at), value);
                }

                return file;
            case Mutation.HeaderField when layout.HeaderFields.Count > 0:
                WriteLength(file, layout.HeaderFields[_random.Next(layout.HeaderFields.Count)], layout.LittleEndian);
                return file;
            case Mutation.BitFlip or Mutation.ByteSet or Mutation.Insert or Mutation.Delete or Mutation.Truncate:
                var bytes = new List<byte>(file);
                Apply(bytes, mutation, linkType: -1);
                return [.. bytes];
            default:
                // The file has no such structure (a pcap has no blocks): flip a bit instead.
                var list = new List<byte>(file);
                Apply(list, Mutation.BitFlip, linkType: -1);
                return [.. list];
        }
    }

    private void WriteLength(byte[] file, int offset, bool littleEndian)
    {
        var current = littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset)) : BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset));
        uint[] values = [0, 1, 4, current - 1, current + 1, current + 4, current * 2, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffc, 262145, (uint)_random.Next()];
        WriteUInt32(file, offset, values[_random.Next(values.Length)], littleEndian);
    }

    private static void WriteUInt32(byte[] file, int offset, uint value, bool littleEndian)
    {
        if (littleEndian)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(offset), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(offset), value);
        }
    }

    private void Apply(List<byte> bytes, Mutation mutation, int linkType)
    {
        if (bytes.Count == 0)
        {
            bytes.Add((byte)_random.Next(256));
            return;
        }

        switch (mutation)
        {
            case Mutation.BitFlip:
                var bit = _random.Next(bytes.Count * 8);
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            case Mutation.ByteSet:
                bytes[_random.Next(bytes.Count)] = _random.Next(3) == 0 ? (byte)_random.Next(256) : BoundaryBytes[_random.Next(BoundaryBytes.Length)];
                break;
            case Mutation.Insert:
                var insertAt = _random.Next(bytes.Count + 1);
                var inserted = new byte[1 + _random.Next(16)];
                _random.NextBytes(inserted);
                bytes.InsertRange(insertAt, inserted);
                break;
            case Mutation.Delete:
                var deleteAt = _random.Next(bytes.Count);
                bytes.RemoveRange(deleteAt, Math.Min(bytes.Count - deleteAt, 1 + _random.Next(16)));
                break;
            case Mutation.LengthEdit:
                // Length fields sit in the first headers: IPv4 total length at 2, UDP length at 4, IPv6 payload length at 4, …
                var limit = Math.Min(bytes.Count, 96);
                if (limit < 2)
                {
                    goto case Mutation.BitFlip;
                }

                var at = _random.Next(limit - 1);
                var size = bytes.Count - at;
                int[] values = [0, 1, 2, 4, 8, size - 1, size, size + 1, 0x7fff, 0x8000, 0xffff, _random.Next(65536)];
                var value = (ushort)values[_random.Next(values.Length)];
                bytes[at] = (byte)(value >> 8);
                bytes[at + 1] = (byte)value;
                break;
            case Mutation.OptionEdit:
                EditOption(bytes, linkType);
                break;
            case Mutation.Truncate:
                var keep = _random.Next(bytes.Count);
                bytes.RemoveRange(keep, bytes.Count - keep);
                break;
        }
    }

    /// <summary>Edits an option of the IPv4 header or of the TCP header after it, when the frame has one.</summary>
    private void EditOption(List<byte> bytes, int linkType)
    {
        var ip = linkType switch
        {
            1 => 14,            // Ethernet
            101 or 228 => 0,    // raw IP, IPv4
            113 => 16,          // Linux SLL
            0 or 108 => 4,      // NULL, LOOP
            _ => -1,
        };
        if (ip < 0 || bytes.Count < ip + 20 || bytes[ip] >> 4 != 4)
        {
            Apply(bytes, Mutation.ByteSet, -1);
            return;
        }

        var ipHeader = (bytes[ip] & 0xf) * 4;
        var options = ip + 20;
        var end = ip + ipHeader;
        if (bytes[ip + 9] == 6 && bytes.Count >= ip + ipHeader + 20 && _random.Next(2) == 0)
        {
            var tcp = ip + ipHeader;
            options = tcp + 20;
            end = tcp + ((bytes[tcp + 12] >> 4) * 4);
        }

        end = Math.Min(end, bytes.Count);
        if (end - options < 2)
        {
            // No options: make room for some by raising the header length, and write one.
            bytes[ip] = (byte)(0x40 | Math.Min(15, (ipHeader / 4) + 1 + _random.Next(3)));
            bytes.InsertRange(Math.Min(options, bytes.Count), [(byte)_random.Next(256), BoundaryBytes[_random.Next(BoundaryBytes.Length)], 0, 0]);
            return;
        }

        var at = options + _random.Next(end - options - 1);
        switch (_random.Next(3))
        {
            case 0:
                // Kind and length rewritten: a length of 0 or 1 (no progress), past the end, or random.
                bytes[at] = (byte)_random.Next(256);
                bytes[at + 1] = BoundaryBytes[_random.Next(BoundaryBytes.Length)];
                break;
            case 1:
                // An option repeated.
                var length = Math.Min(end - at, 2 + _random.Next(10));
                bytes.InsertRange(at, bytes.GetRange(at, length));
                break;
            default:
                // An option removed (the header length now disagrees).
                bytes.RemoveRange(at, Math.Min(end - at, 2 + _random.Next(10)));
                break;
        }
    }
}
