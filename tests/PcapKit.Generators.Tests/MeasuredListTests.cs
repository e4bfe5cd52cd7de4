using System;
using System.Buffers;
using PcapKit.Buffers;
using PcapKit.Dissection;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>
/// A protocol whose own field is a list of items measured by their own fields (a count of entries, each a length and
/// that many bytes): compiled from YAML, it reads whole items, keeps the bytes after the last one as trailing, and writes
/// every byte back.
/// </summary>
public sealed class MeasuredListTests
{
    private const string Yaml =
        "protocol: roster\nendian: big\nlayer: application\nfields:\n" +
        "  - { id: count, type: u8 }\n" +
        "  - id: names\n    repeat: to_end\n    type_name: Name\n    fields: [{ id: length, type: u8 }, { id: text, type: text, length: { field: length } }]\n";

    private static readonly Lazy<ProtocolDescriptor> Roster = new(() => GeneratorHarness.LoadProtocol("roster.pcapkit.yaml", Yaml, "Demo.Roster"));

    [Theory]
    [InlineData("02" + "03616263" + "026869", "[{\"type\":\"name\",\"length\":3,\"text\":\"abc\"},{\"type\":\"name\",\"length\":2,\"text\":\"hi\"}]", null)]
    [InlineData("02" + "03616263" + "0568", "[{\"type\":\"name\",\"length\":3,\"text\":\"abc\"}]", "0568")]
    [InlineData("01" + "09", "[]", "09")]
    public void WholeItemsAreRead_TheRestIsTrailing_AndEveryByteIsWrittenBack(string hex, string items, string? trailing)
    {
        var bytes = Convert.FromHexString(hex);
        var context = default(DissectionContext);
        Roster.Value.Dissect(bytes, ref context, out var result);
        Assert.True(result.Parse.IsOk, result.Parse.ToString());

        var json = EquivalenceTests.Json(Roster.Value, bytes);
        Assert.Contains("\"names\":" + items, json, StringComparison.Ordinal);
        Assert.Equal(trailing is not null, json.Contains("names_trailing", StringComparison.Ordinal));
        if (trailing is not null)
        {
            Assert.Contains("\"names_trailing\":\"" + trailing + "\"", json, StringComparison.Ordinal);
        }

        var record = Roster.Value.CreateRecord(bytes)!;
        var written = new byte[bytes.Length + 8];
        Assert.Equal(OperationStatus.Done, Roster.Value.WriteRecord(record, written, WriteFlags.Preserve, out var count));
        Assert.Equal(hex, Convert.ToHexStringLower(written.AsSpan(0, count)));
    }
}
