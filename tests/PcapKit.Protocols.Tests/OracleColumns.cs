using System;
using System.Collections.Generic;
using System.Linq;
using PcapKit.Dissection;
using PcapKit.Output;
using PcapKit.TestSupport;

namespace PcapKit.Protocols.Tests;

/// <summary>Compares what the pack dissects in a frame with the tshark oracle's columns for the layers it owns.</summary>
internal static class OracleColumns
{
    /// <summary>Columns computed by tshark's conversation tracking (not per-packet fields), compared by the reassembly tests instead.</summary>
    private static readonly HashSet<string> NotPerPacket = new(StringComparer.Ordinal) { "tcp.stream" };

    /// <summary>The oracle's columns that belong to the given display prefixes.</summary>
    public static List<string> Owned(TsharkTable table, params string[] prefixes) =>
        table.Columns.Where(c => !NotPerPacket.Contains(c) && prefixes.Any(p => c.StartsWith(p + ".", StringComparison.Ordinal))).ToList();

    /// <summary>Dissects <paramref name="frame"/> and returns the values of <paramref name="columns"/>, tshark-style.</summary>
    public static Dictionary<string, string> Collect(byte[] frame, int linkType, IReadOnlyList<string> columns)
    {
        var stack = new LayerStack();
        Packs.Dissector.Dissect(frame, linkType, stack);
        var collector = new FieldValueCollector(columns);
        collector.Collect(new Frame(frame, stack, Packs.Registry));
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            values[columns[i]] = collector.GetValue(i);
        }

        return values;
    }
}
