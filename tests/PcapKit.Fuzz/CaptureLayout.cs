using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace PcapKit.Fuzz;

/// <summary>Where a capture file's structural fields are, for mutations that aim at them; found by a tolerant walk of its records or blocks.</summary>
public sealed class CaptureLayout
{
    private const uint SectionHeader = 0x0a0d0d0a;

    /// <summary>Whether the file's numbers are little-endian.</summary>
    public bool LittleEndian { get; private init; } = true;

    /// <summary>Offsets of 32-bit record lengths: pcap's captured and original lengths, pcapng's leading and trailing block lengths and packet lengths.</summary>
    public List<int> LengthFields { get; } = [];

    /// <summary>Offsets of pcapng packets' 32-bit interface ids.</summary>
    public List<int> InterfaceIds { get; } = [];

    /// <summary>Offsets of pcapng block types.</summary>
    public List<int> BlockTypes { get; } = [];

    /// <summary>Offsets of pcapng options' 16-bit lengths.</summary>
    public List<int> OptionLengths { get; } = [];

    /// <summary>Offsets of 32-bit file and section header fields: version, snap length, link type, section length.</summary>
    public List<int> HeaderFields { get; } = [];

    /// <summary>Walks <paramref name="file"/> as far as its structure holds.</summary>
    /// <param name="file">The capture's bytes.</param>
    /// <returns>The fields found.</returns>
    public static CaptureLayout Of(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length < 24)
        {
            return new CaptureLayout();
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        if (magic == SectionHeader)
        {
            var bom = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
            var layout = new CaptureLayout { LittleEndian = bom == 0x1a2b3c4d };
            layout.WalkBlocks(file);
            return layout;
        }

        var little = magic is 0xa1b2c3d4 or 0xa1b23c4d or 0xa1b2cd34;
        var pcap = new CaptureLayout { LittleEndian = little };
        pcap.HeaderFields.AddRange([4, 16, 20]);
        var modified = magic is 0xa1b2cd34 or 0x34cdb2a1;
        for (var at = 24; at + 16 <= file.Length;)
        {
            pcap.LengthFields.Add(at + 8);
            pcap.LengthFields.Add(at + 12);
            var captured = pcap.Read(file, at + 8);
            if (captured > 0x4000000)
            {
                break;
            }

            at += 16 + (modified ? 8 : 0) + (int)captured;
        }

        return pcap;
    }

    private uint Read(byte[] file, int at) => LittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));

    private void WalkBlocks(byte[] file)
    {
        for (var at = 0; at + 12 <= file.Length;)
        {
            var type = Read(file, at);
            var length = Read(file, at + 4);
            if (length < 12 || length % 4 != 0 || at + length > file.Length)
            {
                break;
            }

            BlockTypes.Add(at);
            LengthFields.Add(at + 4);
            LengthFields.Add(at + (int)length - 4);
            var options = -1;
            switch (type)
            {
                case SectionHeader:
                    HeaderFields.Add(at + 12);
                    HeaderFields.Add(at + 16);
                    options = at + 24;
                    break;
                case 1 when length >= 20:
                    HeaderFields.Add(at + 8);
                    HeaderFields.Add(at + 12);
                    options = at + 16;
                    break;
                case 6 when length >= 32:
                    InterfaceIds.Add(at + 8);
                    LengthFields.Add(at + 20);
                    LengthFields.Add(at + 24);
                    options = at + 28 + (int)((Read(file, at + 20) + 3) & ~3u);
                    break;
                case 3 when length >= 16:
                    LengthFields.Add(at + 8);
                    break;
            }

            for (var o = options; o >= 0 && o + 4 <= at + length - 4;)
            {
                OptionLengths.Add(o + 2);
                var optionLength = LittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(o + 2)) : BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(o + 2));
                o += 4 + ((optionLength + 3) & ~3);
            }

            at += (int)length;
        }
    }
}
