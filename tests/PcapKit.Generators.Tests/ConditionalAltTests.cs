using System;
using PcapKit.Dissection;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>
/// Names by condition (<c>alt: [{ when: …, id, display, enum }]</c>): a field shown under another name, with the
/// names of another enum, while a condition on an earlier field holds — the first that holds — as tshark names
/// LLC's protocol id by its OUI (llc.type, llc.cisco_pid, else llc.pid). The condition may read a field present on the
/// same condition as the named one.
/// </summary>
public sealed class ConditionalAltTests
{
    private const string Yaml =
        "protocol: snap\nendian: big\ndisplay: snap\nlayer: link\nfields:\n" +
        "  - { id: dsap, type: u8, format: hex }\n" +
        "  - { id: oui, type: u24, when: { field: dsap, eq: 0xaa } }\n" +
        "  - id: pid\n    type: u16\n    format: hex\n    when: { field: dsap, eq: 0xaa }\n    alt:\n" +
        "      - { when: { field: oui, any_of: [0, 0xf8] }, id: type, display: type, enum: kinds }\n" +
        "      - { when: { field: oui, eq: 12, and: { field: dsap, eq: 0xaa } }, id: cisco_pid, display: cisco_pid }\n" +
        "  - { id: tag, type: u8, alt: { when: { field: dsap, mask: 0x01 }, id: odd_tag, display: odd.tag } }\n" +
        "enums:\n  kinds:\n    type: u16\n    values: { ipv4: 0x0800, arp: 0x0806 }\n";

    private static readonly Lazy<ProtocolDescriptor> Snap = new(() => GeneratorHarness.LoadProtocol("snap.pcapkit.yaml", Yaml, "Demo.Snap"));

    [Theory]
    [InlineData("aa" + "000000" + "0800" + "02", "\"type\":{\"value\":2048,\"name\":\"ipv4\"}", "\"tag\":2")]
    [InlineData("aa" + "0000f8" + "0806" + "02", "\"type\":{\"value\":2054,\"name\":\"arp\"}", "\"tag\":2")]
    [InlineData("aa" + "00000c" + "2000" + "02", "\"cisco_pid\":8192", "\"tag\":2")]
    [InlineData("aa" + "123456" + "2000" + "02", "\"pid\":8192", "\"tag\":2")]
    [InlineData("ab" + "07", null, "\"odd_tag\":7")]
    public void TheFieldIsShownUnderTheNameItsConditionChooses(string hex, string? pid, string tag)
    {
        var json = EquivalenceTests.Json(Snap.Value, Convert.FromHexString(hex));
        if (pid is not null)
        {
            Assert.Contains(pid, json, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("pid", json, StringComparison.Ordinal);
        }

        Assert.Contains(tag, json, StringComparison.Ordinal);
        foreach (var other in new[] { "\"type\"", "\"cisco_pid\"", "\"pid\"" })
        {
            // One name at a time.
            Assert.True(pid?.StartsWith(other, StringComparison.Ordinal) == true || !json.Contains(other + ":", StringComparison.Ordinal), other + " in " + json);
        }
    }

    [Fact]
    public void EveryNameIsADescriptor_ForFieldExport()
    {
        var names = new System.Collections.Generic.List<string?>();
        foreach (var field in Snap.Value.Fields)
        {
            names.Add(field.DisplayName);
        }

        Assert.Contains("snap.pid", names);
        Assert.Contains("snap.type", names);
        Assert.Contains("snap.cisco_pid", names);
        Assert.Contains("snap.odd.tag", names);
    }
}
