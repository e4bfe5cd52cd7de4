using System;
using System.Buffers;
using System.Collections.Generic;
using PcapKit.Buffers;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// SCTP chunks whose values are lists (RFC 9260 §3.3): INIT's parameters, SACK's gap blocks and duplicate TSNs sized
/// by their counts, ABORT's error causes — read through the typed API and written back byte for byte.
/// </summary>
public sealed class SctpListsTests
{
    // Common header 5000 → 38412, then INIT (tag 0x11223344, a_rwnd 65535, 10/10 streams, TSN 1000) with an IPv4
    // address parameter, a cookie preservative of 5000 ms and supported address types IPv4 and IPv6.
    private const string Init =
        "1388960c" + "00000000" + "00000000" +
        "0100002c" + "11223344" + "0000ffff" + "000a000a" + "000003e8" + "00050008c0000201" + "0009000800001388" + "000c00080005" + "0006";

    // SACK: cumulative TSN 1000, a_rwnd 32768, two gap blocks (2–3, 5–9) and one duplicate TSN (1001); then ABORT with
    // an invalid-stream-identifier cause (stream 7) and a no-user-data cause (TSN 1234).
    private const string SackAndAbort =
        "1388960c" + "55667788" + "00000000" +
        "0300001c" + "000003e8" + "00008000" + "00020001" + "00020003" + "00050009" + "000003e9" +
        "06000014" + "00010008" + "00070000" + "00090008" + "000004d2";

    [Fact]
    public void InitParameters_AreOptionsOfTheirOwnSet()
    {
        Assert.True(Sctp.TryParse(Hex.Parse(Init), out var sctp).IsOk);
        Assert.True(sctp.Chunks.TryGetInit(out var init));
        Assert.Equal(0x11223344u, init.InitiateTag);
        Assert.True(init.Parameters.TryGetIpv4Address(out Net.Ipv4Address address));
        Assert.Equal(Net.Ipv4Address.Parse("192.0.2.1"), address);
        Assert.True(init.Parameters.TryGetCookiePreservative(out uint increment));
        Assert.Equal(5000u, increment);
        Assert.True(init.Parameters.TryGetSupportedAddressTypes(out var types));
        var values = new List<ushort>();
        foreach (var type in types.Types)
        {
            values.Add(type.Type);
        }

        Assert.Equal([5, 6], values);
        Assert.True(init.Parameters.Trailing.IsEmpty);
        AssertWritesBack(Init);
    }

    [Fact]
    public void SackGapBlocksAndDuplicates_AreSizedByTheirCounts_AndAbortCausesAreAList()
    {
        Assert.True(Sctp.TryParse(Hex.Parse(SackAndAbort), out var sctp).IsOk);
        Assert.True(sctp.Chunks.TryGetSack(out var sack));
        var blocks = new List<(ushort, ushort)>();
        foreach (var block in sack.GapBlocks)
        {
            blocks.Add((block.Start, block.End));
        }

        Assert.Equal([(2, 3), (5, 9)], blocks);
        Assert.Equal(1, sack.DuplicateTsns.Count);
        Assert.Equal(1001u, sack.DuplicateTsns[0].Tsn);

        Assert.True(sctp.Chunks.TryGetAbort(out var abort));
        Assert.True(abort.Causes.TryGetInvalidStreamIdentifier(out var invalid));
        Assert.Equal(7, invalid.StreamIdentifier);
        Assert.True(abort.Causes.TryGetNoUserData(out uint tsn));
        Assert.Equal(1234u, tsn);
        AssertWritesBack(SackAndAbort);
    }

    [Fact]
    public void AnUnrecognizedParameter_IsDissectedOneLevelDeep_AndOneInsideItStaysBytes()
    {
        // INIT ACK (tag 0x55667788) whose Unrecognized Parameter (8) reports an unknown parameter 0x1234 ("aabb",
        // padded) and another Unrecognized Parameter that reports a cookie preservative: the first level is dissected
        // as parameters, the second stays bytes. Then ten thousand Unrecognized Parameters nested in one another: one
        // level again, nothing deeper, no stack to exhaust.
        var inner = "0009000800001388";
        var nested = "0008000c" + inner;
        var value = "12340006aabb0000" + nested;
        var parameter = "0008" + ((4 + (value.Length / 2)).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)) + value;
        var fields = Fields(InitAck(parameter), "sctp.parameter_type", "sctp.parameter_value", "sctp.parameter_unrecognized", "sctp.parameter_cookie_preservative_incr");
        Assert.Equal(["0x0008,0x1234,0x0008", "aabb", nested[8..], ""], fields);

        var deep = "0009000800001388";
        for (var i = 0; i < 10_000; i++)
        {
            deep = "0008" + (4 + (deep.Length / 2)).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) + deep;
        }

        var types = Fields(InitAck(deep), "sctp.parameter_type")[0];
        Assert.Equal("0x0008,0x0008", types);
    }

    private static string InitAck(string parameters)
    {
        var chunk = "55667788" + "00008000" + "00050005" + "000007d0" + parameters;
        return "1388960c" + "55667788" + "00000000" + "0200" + (4 + (chunk.Length / 2)).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) + chunk;
    }

    private static string[] Fields(string hex, params string[] names)
    {
        var bytes = Hex.Parse(hex);
        var stack = new Dissection.LayerStack();
        Packs.Dissector.DissectPayload(bytes, Packs.Registry.IpProtocolTable, 132, default, stack);
        var collector = new Output.FieldValueCollector(names);
        collector.Collect(new Dissection.Frame(bytes, stack, Packs.Registry));
        var values = new string[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            values[i] = collector.GetValue(i);
        }

        return values;
    }

    private static void AssertWritesBack(string hex)
    {
        var bytes = Hex.Parse(hex);
        Assert.True(Sctp.TryParse(bytes, out var view).IsOk);
        var record = view.ToRecord();
        var written = new byte[bytes.Length];
        Assert.Equal(OperationStatus.Done, record.TryWrite(written, WriteFlags.Preserve, out var count));
        Assert.Equal(hex, Convert.ToHexStringLower(written.AsSpan(0, count)));
        Assert.True(Sctp.TryParse(written, out var again).IsOk);
        Assert.Equal(record, again.ToRecord());
    }
}
