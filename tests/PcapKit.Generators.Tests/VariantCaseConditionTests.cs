using System;
using PcapKit.Dissection;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>
/// A variant case chosen by the switch's value and a condition on another field (<c>and:</c>), as ICMP's unreachable
/// code 4 carries the next-hop MTU: it comes before the case of the same value without one, and the default takes any
/// value no case chooses.
/// </summary>
public sealed class VariantCaseConditionTests
{
    private const string Yaml =
        "protocol: signal\nendian: big\nlayer: application\nfields:\n" +
        "  - { id: type, type: u8 }\n" +
        "  - { id: code, type: u8 }\n" +
        "  - id: body\n    switch: type\n    type_name: SignalBody\n    cases:\n" +
        "      narrow: { when: [3], and: { field: code, eq: 4 }, fields: [{ id: unused, type: u16 }, { id: mtu, type: u16 }] }\n" +
        "      lone: { when: [7], and: { field: code, any_of: [1, 2] }, fields: [{ id: word, type: u32 }] }\n" +
        "      wide: { when: [3], fields: [{ id: rest, type: u32 }] }\n" +
        "    default: { fields: [{ id: other, type: u16 }] }\n" +
        "  - { id: payload, region: rest }\n";

    private static readonly Lazy<ProtocolDescriptor> Signal = new(() => GeneratorHarness.LoadProtocol("signal.pcapkit.yaml", Yaml, "Demo.Signal"));

    [Theory]
    [InlineData("0304" + "000005dc" + "ab", "\"unused\":0,\"mtu\":1500", 6)]    // value 3 and code 4: the conditional case
    [InlineData("0303" + "000005dc" + "ab", "\"rest\":1500", 6)]               // value 3, another code: the plain case
    [InlineData("0702" + "00000001" + "ab", "\"word\":1", 6)]                  // value 7 and code 1 or 2
    [InlineData("0709" + "0001" + "ab", "\"other\":1", 4)]                     // value 7 and another code: no case, so the default
    [InlineData("0900" + "0002" + "ab", "\"other\":2", 4)]                     // any other value: the default
    public void TheCaseIsChosenByTheValueAndTheCondition_AndMeasuredAsChosen(string hex, string fields, int headerLength) =>
        AssertChosen(Signal.Value, hex, fields, headerLength);

    // IGMP's second byte: a query (type 0x11) shorter than 12 bytes whose second byte is zero is a version 1 query, whose
    // byte is unused; otherwise it is the maximum response time. The case is chosen by a value inside itself (and:) and by
    // the bytes from its start to the end of the message (max_length), both when measuring and in the view that Accept
    // and the records read.
    private const string QueryYaml =
        "protocol: query\nendian: big\nlayer: application\nfields:\n" +
        "  - { id: type, type: u8 }\n" +
        "  - id: second\n    switch: type\n    type_name: QuerySecond\n    cases:\n" +
        "      old: { when: [17], max_length: 10, and: { field: unused, eq: 0 }, fields: [{ id: unused, type: bytes, size: 1 }] }\n" +
        "      flagged: { when: [34], and: { field: flags, mask: 0x80, and: { field: level, any_of: [1, 2] } }, fields: [{ id: flags, type: u8 }, { id: level, bits: 4 }, { id: spare, bits: 4 }] }\n" +
        "    default: { fields: [{ id: max_resp, type: u8 }] }\n" +
        "  - { id: checksum, type: u16 }\n" +
        "  - { id: payload, region: rest }\n";

    private static readonly Lazy<ProtocolDescriptor> Query = new(() => GeneratorHarness.LoadProtocol("query.pcapkit.yaml", QueryYaml, "Demo.Query"));

    [Theory]
    [InlineData("11" + "00" + "eeff" + "00000000", "\"unused\":\"00\"", 4)]                 // 8 bytes, byte zero: version 1
    [InlineData("11" + "64" + "ee9b" + "00000000", "\"max_resp\":100", 4)]                    // 8 bytes, byte set: version 2
    [InlineData("11" + "00" + "eeff" + "0000000000000000", "\"max_resp\":0", 4)]           // 12 bytes: not version 1 though zero
    [InlineData("11" + "00" + "eeff" + "00000000000000", "\"unused\":\"00\"", 4)]             // 11 bytes: the longest version 1
    [InlineData("11" + "00" + "eeff", "\"unused\":\"00\"", 4)]                                // no group address: still version 1
    [InlineData("22" + "8110" + "0000" + "ab", "\"flags\":129,\"level\":1", 5)]               // a mask and a value inside itself, in one chain
    [InlineData("22" + "81" + "3000" + "ab", "\"max_resp\":129", 4)]                          // the second link fails: the default
    [InlineData("22" + "01" + "1000" + "ab", "\"max_resp\":1", 4)]                            // the first link fails: the default
    public void ACase_IsChosenByAValueInsideItself_AndByTheBytesLeft(string hex, string fields, int headerLength) =>
        AssertChosen(Query.Value, hex, fields, headerLength);

    // Own fields and a field of the unit in one chain, cases whose 'and' read different own fields (only a unit field
    // travels with the view), and a max_length case in a unit without a payload: the unit ends with its header, after the
    // variant was measured against every byte it was given — the view must choose by the bytes Parse measured.
    private const string MixedYaml =
        "protocol: mixed\nendian: big\nlayer: application\nfields:\n" +
        "  - { id: t, type: u8 }\n" +
        "  - { id: c, type: u8 }\n" +
        "  - id: body\n    switch: t\n    type_name: MixedBody\n    cases:\n" +
        "      flagged: { when: [2], and: { field: y, mask: 1, and: { field: c, eq: 4 } }, fields: [{ id: w, type: u8 }, { id: y, bits: 4 }, { id: v, bits: 4 }] }\n" +
        "      pair: { when: [3], and: { field: c, eq: 5 }, fields: [{ id: z, type: bytes, size: 2 }] }\n" +
        "      short: { when: [1], max_length: 3, and: { field: x, eq: 0 }, fields: [{ id: x, type: u8 }] }\n" +
        "    default: { fields: [{ id: other, type: u8 }] }\n" +
        "  - { id: checksum, type: u16 }\n";

    private static readonly Lazy<ProtocolDescriptor> Mixed = new(() => GeneratorHarness.LoadProtocol("mixed.pcapkit.yaml", MixedYaml, "Demo.Mixed"));

    [Theory]
    [InlineData("0204" + "aa10" + "beef", "\"w\":170,\"y\":1,\"v\":0,\"checksum\":48879", 6)]   // own bit set and the unit's code 4
    [InlineData("0205" + "aa" + "10be", "\"other\":170,\"checksum\":4286", 5)]                    // the unit's link fails
    [InlineData("0204" + "aa" + "20be", "\"other\":170,\"checksum\":8382", 5)]                    // the own link fails
    [InlineData("0305" + "abcd" + "beef", "\"z\":\"abcd\",\"checksum\":48879", 6)]             // another case, another own field
    [InlineData("0100" + "00" + "beef", "\"x\":0,\"checksum\":48879", 5)]                         // 3 bytes from the variant on: short
    [InlineData("0100" + "00" + "beef" + "00000000", "\"other\":0,\"checksum\":48879", 5)]        // 7 given, though the unit ends after 5
    public void OwnAndUnitConditions_AndMaxLengthInAUnitWithoutPayload_ChooseAsMeasured(string hex, string fields, int length)
    {
        var bytes = Convert.FromHexString(hex);
        var context = default(DissectionContext);
        Mixed.Value.Dissect(bytes, ref context, out var result);
        Assert.True(result.Parse.IsOk, result.Parse.ToString());
        Assert.Equal(length, result.Length);
        Assert.Contains(fields, EquivalenceTests.Json(Mixed.Value, bytes), StringComparison.Ordinal);
    }

    // The unit parses with that header length, its JSON (the view's choice) shows the case's fields, and its record (the
    // view's choice too) writes the same bytes back.
    private static void AssertChosen(ProtocolDescriptor descriptor, string hex, string fields, int headerLength)
    {
        var bytes = Convert.FromHexString(hex);
        var context = default(DissectionContext);
        descriptor.Dissect(bytes, ref context, out var result);
        Assert.True(result.Parse.IsOk, result.Parse.ToString());
        Assert.Equal(headerLength, result.HeaderLength);
        Assert.Contains(fields, EquivalenceTests.Json(descriptor, bytes), StringComparison.Ordinal);
        var record = descriptor.CreateRecord(bytes)!;
        var written = new byte[bytes.Length];
        Assert.Equal(System.Buffers.OperationStatus.Done, descriptor.WriteRecord(record, written, Buffers.WriteFlags.Preserve, out var count));
        Assert.Equal(Convert.ToHexStringLower(bytes), Convert.ToHexStringLower(written.AsSpan(0, count)));
    }
}
