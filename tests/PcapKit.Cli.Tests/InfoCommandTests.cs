using System;
using System.Linq;
using System.Text.Json;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Cli.Tests;

/// <summary><c>pcapkit info</c> agrees with capinfos on what both report.</summary>
public sealed class InfoCommandTests
{
    [SkippableTheory]
    [MemberData(nameof(FieldsCommandTests.Captures), MemberType = typeof(FieldsCommandTests))]
    public void PacketCountAndLinkTypes_EqualCapinfosAndTheManifest(string capture)
    {
        Corpus.Require();
        var (exit, output, error) = Cli.Run("info", Corpus.File(capture), "--json");
        if (Corpus.IsRejectedByTshark(capture))
        {
            Assert.Equal(1, exit);
            Assert.Contains(capture, error, StringComparison.Ordinal);
            return;
        }

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var capinfos = System.IO.File.ReadAllLines(Corpus.File(capture + ".capinfos.txt"));
        var packets = capinfos.First(l => l.StartsWith("Number of packets:", StringComparison.Ordinal)).Split(':')[1].Trim();
        Assert.Equal(packets, json.RootElement.GetProperty("packets").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var type = capinfos.First(l => l.StartsWith("File type:", StringComparison.Ordinal)).Split(':')[1].Trim();
        Assert.Equal(type, json.RootElement.GetProperty("file_type").GetString());
        var linkTypes = json.RootElement.GetProperty("sections").EnumerateArray()
            .SelectMany(s => s.GetProperty("interfaces").EnumerateArray())
            .Select(i => i.GetProperty("link_type_name").GetString())
            .ToList();
        var manifest = System.IO.File.ReadAllLines(System.IO.Path.Combine(Corpus.Require(), "manifest.tsv"))
            .Select(l => l.Split('\t')).Single(r => r[0] == capture)[8];
        Assert.Equal(manifest is "-" ? [] : manifest.Split(','), linkTypes);
    }
}
