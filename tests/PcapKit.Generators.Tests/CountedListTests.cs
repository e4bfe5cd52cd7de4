using System;
using System.Buffers;
using PcapKit.Buffers;
using PcapKit.Dissection;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>
/// A protocol's own list sized by an earlier count (<c>length: { field: count, scale: 4 }</c>, bytes = count × 4, as
/// IGMPv3's sources) with fields after it: the writer computes the count from the list's bytes — it emitted
/// <c>Items.Length</c> on a <c>ValueList</c> and did not compile — and keeps it when told to preserve lengths.
/// </summary>
public sealed class CountedListTests
{
    private const string Yaml =
        "protocol: tally\nendian: big\nlayer: application\nfields:\n" +
        "  - { id: count, type: u8 }\n" +
        "  - { id: entries, repeat: to_end, length: { field: count, scale: 4 }, type_name: Entry, fields: [{ id: value, type: u32 }] }\n" +
        "  - { id: tail, type: u16 }\n";

    private const string VariableYaml =
        "protocol: roll\nendian: big\nlayer: application\nfields:\n" +
        "  - { id: octets, type: u8 }\n" +
        "  - { id: names, repeat: to_end, length: { field: octets }, type_name: Name, fields: [{ id: length, type: u8 }, { id: text, type: text, length: { field: length } }] }\n" +
        "  - { id: tail, type: u16 }\n";

    private static readonly Lazy<ProtocolDescriptor> Tally = new(() => GeneratorHarness.LoadProtocol("tally.pcapkit.yaml", Yaml, "Demo.Tally"));

    private static readonly Lazy<ProtocolDescriptor> Roll = new(() => GeneratorHarness.LoadProtocol("roll.pcapkit.yaml", VariableYaml, "Demo.Roll"));

    [Theory]
    [InlineData("02" + "0000000a" + "0000000b" + "beef", "[{\"type\":\"entry\",\"value\":10},{\"type\":\"entry\",\"value\":11}]")]
    [InlineData("00" + "beef", "[]")]
    public void TheListEndsWhereItsCountSays_TheFieldAfterIsRead_AndEveryByteIsWrittenBack(string hex, string entries)
    {
        var bytes = Convert.FromHexString(hex);
        var json = EquivalenceTests.Json(Tally.Value, bytes);
        Assert.Contains("\"entries\":" + entries, json, StringComparison.Ordinal);
        Assert.Contains("\"tail\":48879", json, StringComparison.Ordinal);
        foreach (var flags in new[] { WriteFlags.Preserve, WriteFlags.None })
        {
            Assert.Equal(hex, Write(Tally.Value, Tally.Value.CreateRecord(bytes)!, flags));
        }
    }

    [Fact]
    public void AWrongCount_IsComputedFromTheList_UnlessLengthsArePreserved()
    {
        var record = Tally.Value.CreateRecord(Convert.FromHexString("01" + "0000000a" + "beef"))!;
        record.GetType().GetProperty("Count")!.SetValue(record, (byte)7);
        Assert.Equal("01" + "0000000a" + "beef", Write(Tally.Value, record, WriteFlags.None));
        Assert.Equal("07" + "0000000a" + "beef", Write(Tally.Value, record, WriteFlags.Preserve));
    }

    [Fact]
    public void ItemsOfTheirOwnSize_AreCountedInBytes_TrailingBytesIncluded()
    {
        // octets 6: "abc" (4 bytes) and a name cut short ("05 68": trailing), then the tail.
        var hex = "06" + "03616263" + "0568" + "beef";
        var record = Roll.Value.CreateRecord(Convert.FromHexString(hex))!;
        record.GetType().GetProperty("Octets")!.SetValue(record, (byte)0);
        Assert.Equal(hex, Write(Roll.Value, record, WriteFlags.None));
        Assert.Contains("\"names_trailing\":\"0568\"", EquivalenceTests.Json(Roll.Value, Convert.FromHexString(hex)), StringComparison.Ordinal);
    }

    private static string Write(ProtocolDescriptor descriptor, object record, WriteFlags flags)
    {
        var written = new byte[64];
        Assert.Equal(OperationStatus.Done, descriptor.WriteRecord(record, written, flags, out var count));
        return Convert.ToHexStringLower(written.AsSpan(0, count));
    }
}
