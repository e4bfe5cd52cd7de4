using System;
using PcapKit.Dissection;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// An ICMPv6 Redirect's Redirected Header option (RFC 4861 §4.6.3) holds the packet that caused the redirect: dissected
/// as layers from inside the option when it is the last option, as tshark does (synthetic frame 47 of the oracle).
/// </summary>
public sealed class Icmpv6RedirectTests
{
    // Redirect (137): reserved, target fe80::99, destination 2001:db8::77.
    private const string Redirect = "8900" + "0000" + "00000000" + "fe800000000000000000000000000099" + "20010db8000000000000000000000077";

    // Target Link-Layer Address option (2, one unit).
    private const string TargetLinkLayer = "0201" + "66778899aabb";

    // Redirected Header option (4, seven units): six reserved bytes, then IPv6 2001:db8::2 → 2001:db8::77 carrying UDP 1 → 2.
    private const string RedirectedHeader = "0407" + "000000000000" +
        "60000000" + "0008" + "11" + "40" + "20010db8000000000000000000000002" + "20010db8000000000000000000000077" + "0001000200080000";

    // MTU option (5, one unit): 1280.
    private const string Mtu = "0501" + "0000" + "00000500";

    [Fact]
    public void ThePacketOfTheLastOption_IsDissectedAsLayers_InsideTheIcmpv6Layer()
    {
        var hex = Redirect + TargetLinkLayer + RedirectedHeader;
        var bytes = Hex.Parse(hex);
        var stack = new LayerStack();
        var layers = Dissect(bytes, stack);
        var frame = new Frame(bytes, stack, Packs.Registry);
        Assert.Equal(["icmpv6", "ipv6", "udp"], layers);
        Assert.True(frame.IsWellFormed);
        var packetOffset = (Redirect + TargetLinkLayer).Length / 2 + 8;
        // The ICMPv6 layer still covers the whole message (its options are its fields); its payload starts in the option.
        Assert.Equal(hex.Length / 2, frame[0].Length);
        Assert.Equal(packetOffset, frame[0].HeaderLength);
        Assert.Equal(packetOffset, frame[1].Offset);
        Assert.Equal(48, frame[1].Length);
        Assert.Equal(8, frame[2].Length);
        Assert.True(frame.TryGet(out Udp.View udp));
        Assert.Equal(2, udp.DestinationPort);
        Assert.True(frame.GetTrailer(0, out _).IsEmpty);
    }

    [Fact]
    public void APacketFollowedByAnotherOption_StaysBytesOfTheOption()
    {
        var bytes = Hex.Parse(Redirect + RedirectedHeader + Mtu);
        var stack = new LayerStack();
        var layers = Dissect(bytes, stack);
        var frame = new Frame(bytes, stack, Packs.Registry);
        Assert.Equal(["icmpv6"], layers);
        Assert.True(frame.TryGet(out Icmpv6.View icmp));
        Assert.True(icmp.Message.TryGetRedirect(out var redirect));
        var options = redirect.Options.GetEnumerator();
        Assert.True(options.MoveNext());
        Assert.True(options.Current.TryGetRedirectedHeader(out var header));
        Assert.Equal(48, header.Packet.Length);
        Assert.True(options.MoveNext());
        Assert.Equal(NdpOptionType.Mtu, options.Current.Kind);
    }

    [Theory]
    [InlineData("")] // no options
    [InlineData("0401000000000000")] // a Redirected Header with no packet
    [InlineData("0407000000000000" + "60")] // an option longer than the message: malformed, the options stop
    [InlineData(RedirectedHeader + "05")] // a whole Redirected Header, then a stray byte: the packet does not end the message
    public void WithoutAWholeLastRedirectedHeader_NothingIsDissectedInside(string options)
    {
        var layers = Dissect(Hex.Parse(Redirect + options), new LayerStack());
        Assert.Equal(["icmpv6"], layers);
    }

    [Fact]
    public void APacketCutToFitTheOption_IsDissectedAsFarAsItGoes_AndMarkedTruncated()
    {
        // RFC 4861 §8.2: as much of the packet as fits. Its IPv6 header declares 40 bytes of payload; 16 are there.
        const string cut = "0408" + "000000000000" +
            "60000000" + "0028" + "11" + "40" + "20010db8000000000000000000000002" + "20010db8000000000000000000000077" + "00010002002800000000000000000000";
        var bytes = Hex.Parse(Redirect + cut);
        var stack = new LayerStack();
        Assert.Equal(["icmpv6", "ipv6", "udp"], Dissect(bytes, stack));
        var frame = new Frame(bytes, stack, Packs.Registry);
        Assert.True(frame[1].IsTruncated);
        Assert.Equal(80, frame[1].ReportedLength);
        Assert.Equal(56, frame[1].Length);
        Assert.True(frame[0].PayloadIsQuoted);
        Assert.Equal(8, frame.Raw.Length); // only the UDP payload (ports 1 and 2 have no dissector)
    }

    [Fact]
    public void EveryPrefix_IsDissectedWithoutThrowing_AndNeverPastTheCapturedBytes()
    {
        var bytes = Hex.Parse(Redirect + TargetLinkLayer + RedirectedHeader);
        for (var length = 0; length <= bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            var stack = new LayerStack();
            Dissect(prefix, stack);
            var frame = new Frame(prefix, stack, Packs.Registry);
            if (frame.LayerCount > 1)
            {
                // The redirected packet, whatever of it was captured, starts after the Redirected Header option's 8 bytes.
                Assert.Equal((Redirect.Length + TargetLinkLayer.Length) / 2 + 8, frame[1].Offset);
            }

            for (var i = 0; i < frame.LayerCount; i++)
            {
                Assert.InRange(frame[i].Offset + frame[i].Length, 0, length);
            }
        }
    }

    private static string[] Dissect(byte[] bytes, LayerStack stack)
    {
        Packs.Dissector.DissectPayload(bytes, Packs.Registry.IpProtocolTable, 58, default, stack);
        var frame = new Frame(bytes, stack, Packs.Registry);
        var layers = new string[frame.LayerCount];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = frame.ProtocolAt(i).Name;
        }

        return layers;
    }
}
