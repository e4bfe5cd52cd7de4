using PcapKit.TestSupport;

namespace PcapKit.Protocols.Tests;

/// <summary>Ethernet, IPv4 (127.0.0.1 to itself) and TCP headers around a payload, with the IPv4 total length set, for tests that dissect a segment.</summary>
internal static class TcpFrames
{
    /// <summary>The frame's bytes.</summary>
    /// <param name="payload">The TCP payload.</param>
    /// <param name="ports">The source and destination ports as 8 hex digits (<c>c0010035</c>: 49153 to 53).</param>
    public static byte[] Around(byte[] payload, string ports)
    {
        var headers = Hex.Parse("000000000000 000000000000 0800 450000000001 00004006 0000 7f000001 7f000001" + ports + "00000001 00000000 5018ffff 0000 0000");
        var bytes = new byte[headers.Length + payload.Length];
        headers.CopyTo(bytes, 0);
        payload.CopyTo(bytes, headers.Length);
        var total = 20 + 20 + payload.Length;
        bytes[16] = (byte)(total >> 8);
        bytes[17] = (byte)total;
        return bytes;
    }
}
