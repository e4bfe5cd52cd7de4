using System;
using System.Collections.Generic;
using System.IO;

namespace PcapKit.TestSupport;

/// <summary>A <c>*.tshark.tsv</c> oracle file: one row per frame, columns named by tshark field.</summary>
public sealed class TsharkTable
{
    private readonly Dictionary<string, int> _columns = new(StringComparer.Ordinal);
    private readonly List<string[]> _rows = [];

    private TsharkTable(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? string.Empty;
        var names = header.Split('\t');
        for (var i = 0; i < names.Length; i++)
        {
            _columns[names[i]] = i;
        }

        Columns = names;
        while (reader.ReadLine() is { } line)
        {
            _rows.Add(line.Split('\t'));
        }
    }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The number of frames.</summary>
    public int Count => _rows.Count;

    /// <summary>Loads the oracle of a corpus capture.</summary>
    /// <param name="capture">The capture's file name.</param>
    /// <returns>The table.</returns>
    public static TsharkTable For(string capture) => new(Corpus.File(capture + ".tshark.tsv"));

    /// <summary>Another per-frame table of the oracle with the same layout (<c>F.reasm.tsv</c>).</summary>
    /// <param name="path">The table's path.</param>
    /// <returns>The table.</returns>
    public static TsharkTable ForFile(string path) => new(path);

    /// <summary>A cell: the value tshark printed for <paramref name="column"/> in frame <paramref name="frameNumber"/> (1-based); empty when absent.</summary>
    /// <param name="frameNumber">The frame number.</param>
    /// <param name="column">The field name.</param>
    /// <returns>The value.</returns>
    public string Get(int frameNumber, string column)
    {
        var row = _rows[frameNumber - 1];
        var i = _columns[column];
        return i < row.Length ? row[i] : string.Empty;
    }

    /// <summary>Whether the table has a column.</summary>
    /// <param name="column">The field name.</param>
    /// <returns>Whether it has.</returns>
    public bool Has(string column) => _columns.ContainsKey(column);
}
