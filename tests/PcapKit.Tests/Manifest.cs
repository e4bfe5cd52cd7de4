using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PcapKit.TestSupport;

namespace PcapKit.Tests;

/// <summary>The corpus manifest: per file, the link types of its interfaces as libpcap names them.</summary>
internal static class Manifest
{
    public static IReadOnlyList<string> LinkTypes(string capture)
    {
        var lines = File.ReadAllLines(Path.Combine(Corpus.Require(), "manifest.tsv"));
        var header = lines[0].Split('\t');
        var column = Array.IndexOf(header, "link_types");
        var row = lines.Skip(1).Select(l => l.Split('\t')).Single(r => r[0] == capture);
        return row[column] is "-" or "" ? [] : row[column].Split(',');
    }

    public static int CapinfosPackets(string capture)
    {
        var line = File.ReadLines(Path.Combine(Corpus.Require(), capture + ".capinfos.txt")).First(l => l.StartsWith("Number of packets:", StringComparison.Ordinal));
        var value = line["Number of packets:".Length..].Trim();
        var scale = value.EndsWith(" k", StringComparison.Ordinal) ? 1000 : 1;
        return (int)(double.Parse(value.TrimEnd('k', ' '), System.Globalization.CultureInfo.InvariantCulture) * scale);
    }
}
