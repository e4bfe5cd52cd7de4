using System;
using PcapKit.Net;
using Xunit;

namespace PcapKit.Tests;

/// <summary>A 5-tuple as text: IPv4 as <c>address:port</c>; IPv6 in brackets (RFC 5952 §6), so the port cannot be read as the address's last group.</summary>
public sealed class FiveTupleTests
{
    [Fact]
    public void Ipv4_IsAddressColonPort()
    {
        var tuple = new FiveTuple(4, new Ipv6Address((UInt128)0xffff_0a00_0001), new Ipv6Address((UInt128)0xffff_0a00_0002), 6, 40612, 80);
        Assert.Equal("10.0.0.1:40612 > 10.0.0.2:80 proto 6", tuple.ToString());
    }

    [Fact]
    public void Ipv6_IsBracketed_BeforeItsPort()
    {
        // Without brackets 2001:db8:: with port 7055 read "2001:db8:::7055".
        var tuple = new FiveTuple(6, Ipv6Address.Parse("2001:db8::"), Ipv6Address.Parse("2001:db8::10"), 4, 7055, 4789);
        Assert.Equal("[2001:db8::]:7055 > [2001:db8::10]:4789 proto 4", tuple.ToString());
        Assert.Equal("[2001:db8::10]:4789", tuple.FormatEndpoint(tuple.Destination, tuple.DestinationPort));
        var v4 = new FiveTuple(4, new Ipv6Address((UInt128)0xffff_0a00_0001), new Ipv6Address((UInt128)0xffff_0a00_0002), 6, 40612, 80);
        Assert.Equal("10.0.0.2:80", v4.FormatEndpoint(v4.Destination, v4.DestinationPort));
    }

    [Theory]
    [InlineData(4, "10.0.0.1", "192.168.255.254")]
    [InlineData(6, "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    public void TryFormatAddress_WritesWhatFormatAddressReturns_AndRefusesAShortSpan(int version, string source, string destination)
    {
        var tuple = version == 4
            ? FiveTuple.ForIpv4(Ipv4Address.Parse(source), Ipv4Address.Parse(destination), 17, 1000, 53)
            : new FiveTuple(6, Ipv6Address.Parse(source), Ipv6Address.Parse(destination), 17, 1000, 53);
        Span<char> text = stackalloc char[39];
        foreach (var address in new[] { tuple.Source, tuple.Destination })
        {
            Assert.True(tuple.TryFormatAddress(address, text, out var written));
            Assert.Equal(tuple.FormatAddress(address), text[..written].ToString());
        }

        Assert.Equal(source, tuple.FormatAddress(tuple.Source));
        Assert.Equal(destination, tuple.FormatAddress(tuple.Destination));
        Assert.False(tuple.TryFormatAddress(tuple.Destination, text[..(destination.Length - 1)], out _));
    }
}
