using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using PcapKit.Buffers;
using PcapKit.Dissection;
using PcapKit.Output;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>
/// One protocol declared both ways (Scenarios/Equivalence: a YAML spec and an attributed record): compiled together,
/// the two generated dissectors agree on every field descriptor, every parse, every JSON output and every byte written.
/// </summary>
public sealed class EquivalenceTests
{
    private static readonly Lazy<(ProtocolDescriptor Yaml, ProtocolDescriptor Attributes)> Protocols = new(() => Compile("Equivalence", "Demo.DemoYaml", "Demo.DemoAttributes"));

    /// <summary>Scenarios/VariantEquivalence: a variant (<c>switch:</c> / <c>[Switch]</c> with <c>[VariantSet]</c>) declared both ways.</summary>
    private static readonly Lazy<(ProtocolDescriptor Yaml, ProtocolDescriptor Attributes)> Probes = new(() => Compile("VariantEquivalence", "Demo.ProbeYaml", "Demo.ProbeAttributes"));

    /// <summary>Scenarios/DecodeEquivalence: a byte string decoded by a hook (<c>decode:</c> / <c>[Decoded]</c>), declared both ways.</summary>
    private static readonly Lazy<(ProtocolDescriptor Yaml, ProtocolDescriptor Attributes)> Tags = new(() => Compile("DecodeEquivalence", "Demo.TagYaml", "Demo.TagAttributes"));

    /// <summary>Scenarios/OptionVariantEquivalence: a variant inside an option's value, declared both ways.</summary>
    private static readonly Lazy<(ProtocolDescriptor Yaml, ProtocolDescriptor Attributes)> Clocks = new(() => Compile("OptionVariantEquivalence", "Demo.ClockYaml", "Demo.ClockAttributes"));

    // Signed integers of every width (i8…i64 / sbyte…long), one little-endian, and a list of signed readings: each
    // width's extremes, and values around zero.
    private static readonly Lazy<(ProtocolDescriptor Yaml, ProtocolDescriptor Attributes)> Signed = new(() => Compile("SignedEquivalence", "Demo.SignedYaml", "Demo.SignedAttributes"));

    /// <summary>Scenarios/AltEquivalence: other names by a bound and by conditions (<c>alt:</c> / <c>[AltDisplay]</c>).</summary>
    private static readonly Lazy<(ProtocolDescriptor Yaml, ProtocolDescriptor Attributes)> Alts = new(() => Compile("AltEquivalence", "Demo.AltYaml", "Demo.AltAttributes"));

    // A header of 16 bytes (4 + a 12-byte option area) and two payload bytes; the stamp option's flag chooses its
    // entry: 1 an address and a time, 2 a note, 0 (the default) a time, and flag 1 with a value too short for it (raw);
    // then a remarks option of two measured items, and one whose second item is cut (its bytes kept as trailing); then a
    // tagged option its hook decodes (label "abc", weight 0x0102), and one one byte short that the hook keeps as bytes.
    private static readonly byte[][] ClockPackets =
    [
        Convert.FromHexString("04000007" + "440c0501c00002090001e240" + "abcd"),
        Convert.FromHexString("04000008" + "4408050203616263" + "00000000" + "abcd"),
        Convert.FromHexString("04000009" + "44080500000003e8" + "00000000" + "abcd"),
        Convert.FromHexString("0400000a" + "440a05010a0000010000" + "0000" + "abcd"),
        Convert.FromHexString("0400000b" + "09090268690361626300" + "0000" + "abcd"),
        Convert.FromHexString("0400000c" + "09080268690361620000" + "0000" + "abcd"),
        Convert.FromHexString("0400000d" + "0c08036162630102" + "00000000" + "abcd"),
        Convert.FromHexString("0400000e" + "0c0703616263ff" + "0000000000" + "abcd"),
    ];

    // One message per layout: echo request (ident 0x1234, seq 7), mask reply (ident 1, 255.255.255.0), a note of 3
    // bytes, type 3 (the default layout), an echo request with a timestamp and mask replies of codes 1 and 3 (with a
    // prefix length), a status in its short form (first byte zero, 4 bytes to the end) and two in the long one (6 bytes to
    // the end; a first byte not zero), each followed by two payload bytes.
    private static readonly byte[][] ProbePackets =
    [
        Convert.FromHexString("0800" + "12340007" + "abcd"),
        Convert.FromHexString("1200" + "0001ffffff00" + "abcd"),
        Convert.FromHexString("2800" + "03616263" + "abcd"),
        Convert.FromHexString("0300" + "00000000" + "abcd"),
        Convert.FromHexString("0800" + "12340007" + "5f5e1000" + "abcd"),
        Convert.FromHexString("1201" + "0001ffffff00" + "18" + "abcd"),
        Convert.FromHexString("1203" + "0001ffffff00" + "18" + "abcd"),
        Convert.FromHexString("3200" + "0005" + "abcd"),
        Convert.FromHexString("3200" + "00050006" + "abcd"),
        Convert.FromHexString("3200" + "01050006" + "abcd"),
    ];

    // sp=0x1f90 dp=0xc350 words=6 mode=active flags=ack|push length=30 checksum=0x1234,
    // options mtu(1500) stamp(1, 2), payload "hello!".
    private static readonly byte[] Packet = Convert.FromHexString("1f90c350610600" + "1e1234" + "020405dc" + "080a0000000100000002" + "68656c6c6f21");

    [Fact]
    public void Heuristics_DeclaredEitherWay_ReachTheDescriptor()
    {
        // heuristics: in YAML and [Heuristic] on a record: both give the tables and call the hand-written hook.
        const string yaml = "protocol: hy\ntype: HeurYaml\nendian: big\nlayer: application\nheuristics: [tcp.port, udp.port]\nfields:\n  - { id: magic, type: u16 }\n";
        const string hooks =
            "using System;\nusing PcapKit.Annotations;\nnamespace Demo;\n" +
            "public sealed partial record HeurYaml { private static partial bool IsHeuristicMatch(ReadOnlySpan<byte> payload) => payload.Length >= 2 && payload[0] == 0xCA; }\n" +
            "[Protocol(\"ha\", Endian.Big)]\n[Heuristic(\"tcp.port\")]\n" +
            "public sealed partial record HeurAttributes { public ushort Magic { get; init; } private static partial bool IsHeuristicMatch(ReadOnlySpan<byte> payload) => payload.Length >= 2 && payload[0] == 0xFE; }\n";
        var get = GeneratorHarness.Load([("hy.pcapkit.yaml", yaml)], [("Hooks.cs", hooks)]);
        var fromYaml = get("Demo.HeurYaml");
        var fromAttributes = get("Demo.HeurAttributes");
        Assert.Equal(["tcp.port", "udp.port"], fromYaml.HeuristicTables);
        Assert.Equal(["tcp.port"], fromAttributes.HeuristicTables);
        Assert.True(fromYaml.IsHeuristicMatch([0xCA, 0x01]));
        Assert.False(fromYaml.IsHeuristicMatch([0xFE, 0x01]));
        Assert.True(fromAttributes.IsHeuristicMatch([0xFE, 0x01]));
    }

    [Fact]
    public void AQuotedPayload_IsMarkedOnTheLayer_DeclaredEitherWay_AndOnlyWhenDispatched()
    {
        // quoted: true in YAML and [Dispatch(Quoted = true)]: the layer says its payload is a quoted packet (an ICMP
        // error's), so IP reassembly leaves the fragments in it alone.
        const string yaml = "protocol: qy\ntype: QuotedYaml\nendian: big\nlayer: internet\nfields:\n  - { id: kind, type: u8 }\n" +
                            "  - { id: payload, region: rest, dispatch: { table: ip.version, key: kind, when: { field: kind, eq: 4 }, quoted: true } }\n";
        const string code =
            "using System;\nusing PcapKit.Annotations;\nusing PcapKit.Dissection;\nnamespace Demo;\n" +
            "[Protocol(\"qa\", Endian.Big, Layer = LayerKind.Internet)]\n" +
            "public sealed partial record QuotedAttributes\n{\n    public byte Kind { get; init; }\n" +
            "    [Payload, Dispatch(\"ip.version\", nameof(Kind), When = nameof(Kind), WhenEqual = 4, Quoted = true)] public ReadOnlyMemory<byte> Payload { get; init; }\n}\n";
        var get = GeneratorHarness.Load([("qy.pcapkit.yaml", yaml)], [("Q.cs", code)]);
        foreach (var type in new[] { "Demo.QuotedYaml", "Demo.QuotedAttributes" })
        {
            var protocol = get(type);
            var context = default(DissectionContext);
            protocol.Dissect([4, 0x45, 0], ref context, out var dispatched);
            Assert.True(dispatched.PayloadIsQuoted, type);
            protocol.Dissect([5, 0x45, 0], ref context, out var kept);
            Assert.False(kept.PayloadIsQuoted, type); // no dispatch: nothing is quoted
        }
    }

    private static (ProtocolDescriptor, ProtocolDescriptor) Compile(string scenario, string yamlType, string attributesType)
    {
        var get = GeneratorHarness.Load(Scenario.Load(scenario).Run());
        return (get(yamlType), get(attributesType));
    }

    [Fact]
    public void FieldDescriptors_AreTheSame()
    {
        var (yaml, attributes) = Protocols.Value;
        Assert.Equal(string.Join("\n", Describe(yaml.Fields)), string.Join("\n", Describe(attributes.Fields)));
        Assert.Equal(yaml.DispatchTables, attributes.DispatchTables);
        Assert.Equal(yaml.Layer, attributes.Layer);
        Assert.Equal(yaml.DisplayPrefix, attributes.DisplayPrefix);
    }

    [Fact]
    public void Variants_HaveTheSameFieldDescriptors_AndEveryLayoutParsesWritesAndMutatesTheSame()
    {
        var (yaml, attributes) = Probes.Value;
        Assert.Equal(string.Join("\n", Describe(yaml.Fields)), string.Join("\n", Describe(attributes.Fields)));
        string[] layouts = ["\"identifier\":4660", "\"mask\":\"255.255.255.0\"", "\"text\":\"616263\"", "\"unused\":0", "\"timestamp\":1600000000", "\"prefix_length\":24", "\"prefix_length\":24",
            "\"marker\":0,\"level\":5", "\"severity\":0,\"level\":5,\"detail\":6", "\"severity\":1,\"level\":5,\"detail\":6"];
        var random = new Random(11);
        for (var p = 0; p < ProbePackets.Length; p++)
        {
            var packet = ProbePackets[p];
            var context = default(DissectionContext);
            yaml.Dissect(packet, ref context, out var result);
            Assert.True(result.Parse.IsOk, result.Parse.ToString());
            Assert.Equal(packet.Length - 2, result.HeaderLength);
            Assert.Contains(layouts[p], Json(yaml, packet), StringComparison.Ordinal);
            AssertSameOnEveryPrefixAndMutation(Probes.Value, packet, random);
        }
    }

    [Fact]
    public void DecodedFields_OfEveryType_HaveTheSameDescriptors_AndTheUnitsParseAndWriteTheSame()
    {
        // The descriptors carry each decoded field's kind, width and format: a type mapped wrongly either way differs.
        // The JSON and the prefixes and mutations run both generated units (their parse, records and writers) around
        // the same hand-written hook.
        var (yaml, attributes) = Tags.Value;
        Assert.Equal(string.Join("\n", Describe(yaml.Fields)), string.Join("\n", Describe(attributes.Fields)));
        var body = yaml.Fields.Single(f => f.Name == "body");
        Assert.Equal(["label", "weight", "kind", "origin", "urgent", "serial", "stamp", "blob", "station", "origin6"], body.Children.Select(c => c.Name));
        Assert.Equal(
            [FieldKind.Text, FieldKind.UInt, FieldKind.Enum, FieldKind.Ipv4, FieldKind.Bool, FieldKind.UInt, FieldKind.UInt, FieldKind.Bytes, FieldKind.Mac, FieldKind.Ipv6],
            attributes.Fields.Single(f => f.Name == "body").Children.Select(c => c.Kind));
        // Version 1, label "abc", weight 0x0102, kind urgent (2), origin 192.0.2.1.
        var packet = Convert.FromHexString("01" + "03616263" + "0102" + "02" + "c0000201");
        Assert.Equal(
            "{\"version\":1,\"label\":\"abc\",\"weight\":258,\"kind\":{\"value\":2,\"name\":\"urgent\"},\"origin\":\"192.0.2.1\",\"urgent\":true}",
            Json(attributes, packet));
        AssertSameOnEveryPrefixAndMutation(Tags.Value, packet, new Random(13));

        // A longer body: every type reported, the same both ways.
        var longer = Convert.FromHexString("01" + "03616263" + "0102" + "01" + "c0000201" + "00000007" + "e9a8c8b000000000" + "beef" + "001122334455" + "20010db8000000000000000000000001");
        Assert.Contains("\"serial\":7,", Json(attributes, longer), StringComparison.Ordinal);
        Assert.Contains("\"blob\":\"beef\",\"station\":\"00:11:22:33:44:55\",\"origin6\":\"2001:db8::1\"}", Json(attributes, longer), StringComparison.Ordinal);
        AssertSameOnEveryPrefixAndMutation(Tags.Value, longer, new Random(17));
    }

    [Fact]
    public void VariantsInsideOptions_HaveTheSameFieldDescriptors_AndEveryLayoutParsesWritesAndMutatesTheSame()
    {
        var (yaml, attributes) = Clocks.Value;
        Assert.Equal(string.Join("\n", Describe(yaml.Fields)), string.Join("\n", Describe(attributes.Fields)));
        string[] layouts =
        [
            "\"flag\":1,\"address\":\"192.0.2.9\",\"time\":123456",
            "\"flag\":2,\"length\":3,\"text\":\"616263\"",
            "\"flag\":0,\"time\":1000",
            "\"flag\":1,\"entry_data\":\"0a0000010000\"",
            "\"entries\":[{\"type\":\"remark\",\"length\":2,\"text\":\"6869\"},{\"type\":\"remark\",\"length\":3,\"text\":\"616263\"}]}",
            "\"entries\":[{\"type\":\"remark\",\"length\":2,\"text\":\"6869\"}],\"entries_trailing\":\"036162\"}",
            "\"name\":\"tagged\"},\"length\":8,\"label\":\"abc\",\"weight\":258}",
            "\"name\":\"tagged\"},\"length\":7,\"body\":\"03616263ff\"}",
        ];
        var random = new Random(13);
        for (var p = 0; p < ClockPackets.Length; p++)
        {
            var packet = ClockPackets[p];
            var context = default(DissectionContext);
            yaml.Dissect(packet, ref context, out var result);
            Assert.True(result.Parse.IsOk, result.Parse.ToString());
            Assert.Equal(16, result.HeaderLength);
            Assert.Contains(layouts[p], Json(yaml, packet), StringComparison.Ordinal);
            AssertSameOnEveryPrefixAndMutation(Clocks.Value, packet, random);
        }
    }

    [Fact]
    public void SignedIntegers_HaveTheSameFieldDescriptors_AndParseShowAndWriteTheSame()
    {
        var (yaml, attributes) = Signed.Value;
        Assert.Equal(string.Join("\n", Describe(yaml.Fields)), string.Join("\n", Describe(attributes.Fields)));
        Assert.Equal(FieldKind.Int, yaml.Fields[2].Kind);
        (string Hex, string Shown)[] packets =
        [
            ("fffffe800000000100000000000080" + "02" + "ffff8000", "\"offset\":-1,\"trim\":-2,\"level\":-2147483648,\"drift\":-9223372036854775807,\"count\":2"),
            ("7f7fff7fffffffffffffffffffff7f" + "00", "\"offset\":127,\"trim\":32767,\"level\":2147483647,\"drift\":9223372036854775807,\"count\":0"),
            ("800000000000010000000000000000" + "01" + "0001", "\"offset\":-128,\"trim\":0,\"level\":1,\"drift\":0,\"count\":1"),
        ];
        var random = new Random(17);
        foreach (var (hex, shown) in packets)
        {
            var packet = Convert.FromHexString(hex);
            Assert.Contains(shown, Json(yaml, packet), StringComparison.Ordinal);
            AssertSameOnEveryPrefixAndMutation(Signed.Value, packet, random);
        }

        Assert.Contains("-32768", Json(yaml, Convert.FromHexString(packets[0].Hex)), StringComparison.Ordinal);
    }

    [Fact]
    public void OtherNames_ByABoundAndByConditions_AreTheSameBothWays()
    {
        var (yaml, attributes) = Alts.Value;
        Assert.Equal(string.Join("\n", Describe(yaml.Fields)), string.Join("\n", Describe(attributes.Fields)));
        (string Hex, string Shown)[] packets =
        [
            ("0800" + "aa" + "000000" + "0800" + "02" + "ff", "\"kind\":2048,\"dsap\":170,\"oui\":0,\"type\":{\"value\":2048,\"name\":\"ipv4\"},\"tag\":2"),
            ("05dc" + "aa" + "00000c" + "2000" + "02", "\"length\":1500,\"dsap\":170,\"oui\":12,\"cisco_pid\":8192,\"tag\":2"),
            ("05dd" + "aa" + "123456" + "2000" + "02", "\"kind\":1501,\"dsap\":170,\"oui\":1193046,\"pid\":8192,\"tag\":2"),
            ("0040" + "ab" + "07" + "ffff", "\"length\":64,\"dsap\":171,\"odd_tag\":7"),
        ];
        var random = new Random(19);
        foreach (var (hex, shown) in packets)
        {
            var packet = Convert.FromHexString(hex);
            Assert.Contains(shown, Json(yaml, packet), StringComparison.Ordinal);
            AssertSameOnEveryPrefixAndMutation(Alts.Value, packet, random);
        }
    }

    [Fact]
    public void TheGoldenPacket_ParsesTheSameAndIsNotTrivial()
    {
        var (yaml, _) = Protocols.Value;
        var context = default(DissectionContext);
        yaml.Dissect(Packet, ref context, out var result);
        Assert.True(result.Parse.IsOk);
        Assert.Equal(24, result.HeaderLength);
        Assert.Equal(30, result.Length);
        Assert.Equal(2, result.KeyCount);
        Assert.Equal(8080UL, result.Key0);
        Assert.Contains("\"mtu\"", Json(yaml, Packet), StringComparison.Ordinal);
        AssertSame(Packet);
    }

    [Fact]
    public void AFieldPresentOnTwoJoinedConditions_IsThereOnlyWhenBothHold_BothWays()
    {
        // The golden packet is in active mode (1) with flags 0x06; with 0x08 set too, the extension takes the two bytes
        // after the checksum, and the options start two bytes later (header still 24 bytes).
        var (yaml, _) = Protocols.Value;
        var withExtension = (byte[])Packet.Clone();
        withExtension[5] |= 0x08;
        Assert.DoesNotContain("\"extension\"", Json(yaml, Packet), StringComparison.Ordinal);
        Assert.Contains("\"extension\":516", Json(yaml, withExtension), StringComparison.Ordinal);
        var idle = (byte[])withExtension.Clone();
        idle[4] = 0x60; // mode 0: the first condition fails
        Assert.DoesNotContain("\"extension\"", Json(yaml, idle), StringComparison.Ordinal);
        AssertSame(Packet);
        AssertSame(withExtension);
        AssertSame(idle);
    }

    [Fact]
    public void EveryPrefixAndThousandsOfMutations_BehaveTheSame()
    {
        for (var length = 0; length <= Packet.Length; length++)
        {
            AssertSame(Packet.AsSpan(0, length).ToArray());
        }

        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var mutated = (byte[])Packet.Clone();
            for (var e = random.Next(1, 4); e > 0; e--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            AssertSame(mutated.AsSpan(0, random.Next(mutated.Length + 1)).ToArray());
        }
    }

    private static void AssertSame(byte[] input) => AssertSame(Protocols.Value, input);

    /// <summary>Every prefix of <paramref name="packet"/> and 500 one-byte mutations of it, cut at random, behave the same both ways.</summary>
    private static void AssertSameOnEveryPrefixAndMutation((ProtocolDescriptor Yaml, ProtocolDescriptor Attributes) pair, byte[] packet, Random random)
    {
        for (var length = 0; length <= packet.Length; length++)
        {
            AssertSame(pair, packet.AsSpan(0, length).ToArray());
        }

        for (var i = 0; i < 500; i++)
        {
            var mutated = (byte[])packet.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            AssertSame(pair, mutated.AsSpan(0, random.Next(mutated.Length + 1)).ToArray());
        }
    }

    private static void AssertSame((ProtocolDescriptor Yaml, ProtocolDescriptor Attributes) pair, byte[] input)
    {
        var (yaml, attributes) = pair;
        var c1 = default(DissectionContext);
        var c2 = default(DissectionContext);
        yaml.Dissect(input, ref c1, out var r1);
        attributes.Dissect(input, ref c2, out var r2);
        var hex = Convert.ToHexStringLower(input);
        Assert.True(r1.Parse == r2.Parse, $"{hex}: {r1.Parse} vs {r2.Parse}");
        Assert.Equal((r1.HeaderLength, r1.Length, r1.Truncated, r1.NextTable, r1.KeyCount, r1.Key0, r1.Key1), (r2.HeaderLength, r2.Length, r2.Truncated, r2.NextTable, r2.KeyCount, r2.Key0, r2.Key1));
        Assert.Equal(Json(yaml, input), Json(attributes, input));

        var a = yaml.CreateRecord(input);
        var b = attributes.CreateRecord(input);
        Assert.Equal(a is null, b is null);
        if (a is null || b is null)
        {
            return;
        }

        foreach (var flags in new[] { WriteFlags.Preserve, WriteFlags.None })
        {
            var w1 = new byte[input.Length + 64];
            var w2 = new byte[input.Length + 64];
            var s1 = yaml.WriteRecord(a, w1, flags, out var n1);
            var s2 = attributes.WriteRecord(b, w2, flags, out var n2);
            Assert.Equal(s1, s2);
            Assert.Equal(Convert.ToHexStringLower(w1.AsSpan(0, n1)), Convert.ToHexStringLower(w2.AsSpan(0, n2)));
            if (flags == WriteFlags.Preserve)
            {
                Assert.Equal(OperationStatus.Done, s1);
                Assert.Equal(hex[..(2 * n1)], Convert.ToHexStringLower(w1.AsSpan(0, n1)));
            }
        }
    }

    /// <summary>A unit's fields as one JSON object, as the JSON output writes them.</summary>
    internal static string Json(ProtocolDescriptor protocol, byte[] input)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            protocol.Accept(input, new JsonFieldVisitor(writer));
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static List<string> Describe(IReadOnlyList<FieldDescriptor> fields) =>
        fields.Select(f => $"{f.Name} {f.DisplayName} {f.Kind} {f.BitWidth} {f.Format} {f.HexDigits} {f.DisplayScale} {f.DisplayOffset} " +
                           string.Join("/", f.Enum?.Names.Where(n => n != "none") ?? []) + " [" + string.Join(";", Describe(f.Children)) + "]")
            .ToList();
}
