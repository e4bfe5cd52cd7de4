using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace PcapKit.TestSupport;

/// <summary>
/// A deliberately small, independent classic-pcap reader for tests of the protocol layer: it does not share code
/// with the library's readers, so protocol tests do not depend on them.
/// </summary>
public static class MiniPcap
{
    /// <summary>Reads every record of a classic pcap file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="linkType">The file's link type.</param>
    /// <returns>The records' bytes, in order.</returns>
    public static List<byte[]> Read(string path, out uint linkType)
    {
        var data = File.ReadAllBytes(path);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(data);
        var little = magic is 0xa1b2c3d4 or 0xa1b23c4d;
        uint U32(int offset) => little ? BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset)) : BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
        linkType = U32(20) & 0x0FFF_FFFF;
        var frames = new List<byte[]>();
        var offset = 24;
        while (offset + 16 <= data.Length)
        {
            var captured = (int)U32(offset + 8);
            offset += 16;
            if (captured < 0 || offset + captured > data.Length)
            {
                break;
            }

            frames.Add(data.AsSpan(offset, captured).ToArray());
            offset += captured;
        }

        return frames;
    }
}
