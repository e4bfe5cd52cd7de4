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
}
