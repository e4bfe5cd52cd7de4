using System;
using PcapKit.Net;
using Xunit;

namespace PcapKit.Tests;

/// <summary>IPv6 addresses as text in RFC 5952's canonical form: lower case, the longest zero run as "::", IPv4-mapped as a dotted quad.</summary>
public sealed class Ipv6AddressTests
{
    [Theory]
    [InlineData("0000:0000:0000:0000:0000:0000:0000:0000", "::")]
    [InlineData("0000:0000:0000:0000:0000:0000:0000:0001", "::1")]
    [InlineData("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("2001:0db8:0000:0001:0001:0001:0001:0001", "2001:db8:0:1:1:1:1:1")] // §4.2.2: one zero group is not "::"
    [InlineData("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1")] // §4.2.3: the first of two equal runs
    [InlineData("2001:0db8:0000:0001:0000:0000:0000:0001", "2001:db8:0:1::1")] // §4.2.3: the longest run
    [InlineData("fe80:0000:0000:0000:0000:0000:0000:0000", "fe80::")]
    [InlineData("0000:0000:0000:0000:0000:ffff:c000:0201", "::ffff:192.0.2.1")] // §5: IPv4-mapped
    [InlineData("0000:0000:0000:0000:0000:ffff:7f00:0001", "::ffff:127.0.0.1")]
    [InlineData("0000:0000:0000:0000:0001:ffff:c000:0201", "::1:ffff:c000:201")] // not mapped: the run is four groups
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    public void ToString_IsRfc5952sCanonicalText(string groups, string expected)
    {
        // The value built here from the eight groups, not through Parse.
        UInt128 value = 0;
        foreach (var group in groups.Split(':'))
        {
            value = (value << 16) | Convert.ToUInt16(group, 16);
        }

        var address = new Ipv6Address(value);
        Assert.Equal(expected, address.ToString());
        Span<char> text = stackalloc char[Ipv6Address.MaxTextLength];
        Assert.True(address.TryFormat(text, out var written));
        Assert.Equal(expected, text[..written].ToString());
        Assert.False(address.TryFormat(text[..(expected.Length - 1)], out _));
    }

    [Fact]
    public void AnIpv4MappedAddress_IsMappedIpv4sText()
    {
        // What flow tracking stores for an IPv4 address.
        Assert.Equal("::ffff:10.0.0.1", FiveTuple.MapIpv4(new Ipv4Address(10, 0, 0, 1)).ToString());
    }
}
