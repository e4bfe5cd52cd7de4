using System;
using PcapKit.Buffers;
using PcapKit.Net;
using PcapKit.Protocols;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>UDP-Lite's partial checksum (RFC 3828 3.1): coverage 0 is the whole datagram, 8 or more a prefix, 1 to 7 illegal.</summary>
public sealed class UdpLiteTests
{
    private static readonly IpPseudoHeader Pseudo = IpPseudoHeader.ForIpv6(Ipv6Address.Parse("2001:db8::1"), Ipv6Address.Parse("2001:db8::2"), 136);

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(200)]   // past the end: the whole datagram
    public void ALegalCoverage_IsComputedByTheWriter_AndVerifiesGood(int coverage)
    {
        var bytes = Write(coverage);
        Assert.True(UdpLite.TryParse(bytes, out var view).IsOk);
        Assert.Equal(ChecksumStatus.Good, view.VerifyChecksum(Pseudo).Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void ACoverageThatStopsBeforeTheChecksum_IsIllegal_LeftAsWritten_AndUnverifiable(int coverage)
    {
        // Found by the fuzzer: computing it sliced the checksum field out of the covered bytes.
        var bytes = Write(coverage);
        Assert.Equal(0x1234, (bytes[6] << 8) | bytes[7]);
        Assert.True(UdpLite.TryParse(bytes, out var view).IsOk);
        var result = view.VerifyChecksum(Pseudo);
        Assert.Equal(ChecksumStatus.Unverifiable, result.Status);
        Assert.Equal(0x1234, result.Value);
    }

    private static byte[] Write(int coverage)
    {
        var record = new UdpLite { SourcePort = 54321, DestinationPort = 53, ChecksumCoverage = (ushort)coverage, Checksum = 0x1234, Payload = new byte[] { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 } };
        var bytes = new byte[15];
        Assert.Equal(System.Buffers.OperationStatus.Done, record.TryWrite(bytes, Pseudo, out var written));
        Assert.Equal(15, written);
        return bytes;
    }
}
