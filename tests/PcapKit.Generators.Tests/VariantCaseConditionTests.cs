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
    public void TheCaseIsChosenByTheValueAndTheCondition_AndMeasuredAsChosen(string hex, string fields, int headerLength)
    {
        var bytes = Convert.FromHexString(hex);
        var context = default(DissectionContext);
        Signal.Value.Dissect(bytes, ref context, out var result);
        Assert.True(result.Parse.IsOk, result.Parse.ToString());
        Assert.Equal(headerLength, result.HeaderLength);
        Assert.Contains(fields, EquivalenceTests.Json(Signal.Value, bytes), StringComparison.Ordinal);

        var record = Signal.Value.CreateRecord(bytes)!;
        var written = new byte[bytes.Length];
        Assert.Equal(System.Buffers.OperationStatus.Done, Signal.Value.WriteRecord(record, written, Buffers.WriteFlags.Preserve, out var count));
        Assert.Equal(hex, Convert.ToHexStringLower(written.AsSpan(0, count)));
    }
}
