using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace PcapKit.Dissection;

/// <summary>
/// The frozen set of protocols and dispatch tables the dissector uses. Lookups never allocate: tables whose keys
/// fit in 16 bits are dense arrays, others frozen dictionaries.
/// </summary>
public sealed class DissectorRegistry
{
    /// <summary>The root table, keyed by the capture's link type (LINKTYPE_* values).</summary>
    public const string LinkTypeTable = "link_type";

    private readonly ProtocolDescriptor[] _protocols;
    private readonly FrozenDictionary<string, int> _protocolIndex;
    private readonly FrozenDictionary<string, int> _tableIndex;
    private readonly string[] _tableNames;
    private readonly Table[] _tables;
    // What the dissector's loop reads per layer, in one place: a protocol's descriptor, layer, global tables and their
    // chain labels (as the numbers layers keep, LayerStrings).
    private readonly ProtocolStep[] _steps;
    private readonly int[][] _heuristics;
    private readonly string[] _packs;

    internal DissectorRegistry(
        List<ProtocolDescriptor> protocols,
        List<(string Table, ulong Key, ProtocolDescriptor Protocol)> entries,
        List<string> packs)
    {
        _protocols = [.. protocols];
        _packs = [.. packs];
        var protocolIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _protocols.Length; i++)
        {
            protocolIndex[_protocols[i].Name] = i;
        }

        _protocolIndex = protocolIndex.ToFrozenDictionary(StringComparer.Ordinal);

        var tableIndex = new Dictionary<string, int>(StringComparer.Ordinal) { [LinkTypeTable] = 0 };
        var tableNames = new List<string> { LinkTypeTable };
        int TableId(string name)
        {
            if (!tableIndex.TryGetValue(name, out var id))
            {
                id = tableNames.Count;
                tableIndex[name] = id;
                tableNames.Add(name);
            }

            return id;
        }

        var contents = new List<Dictionary<ulong, int>>();
        foreach (var (table, key, protocol) in entries)
        {
            var id = TableId(table);
            while (contents.Count <= id)
            {
                contents.Add([]);
            }

            contents[id][key] = protocolIndex[protocol.Name];
        }

        _steps = new ProtocolStep[_protocols.Length];
        for (var p = 0; p < _protocols.Length; p++)
        {
            var names = _protocols[p].DispatchTables;
            var local = new int[names.Count];
            var labels = new int[names.Count];
            for (var t = 0; t < names.Count; t++)
            {
                local[t] = TableId(names[t]);
                labels[t] = LayerStrings.Id(_protocols[p].GetDispatchLabel(t));
            }

            _steps[p] = new ProtocolStep(_protocols[p], _protocols[p].Layer, local, labels);
        }

        while (contents.Count < tableNames.Count)
        {
            contents.Add([]);
        }

        // Heuristic protocols per table, in registration order (the order of the packs and of their protocols).
        var heuristics = new List<List<int>>();
        for (var p = 0; p < _protocols.Length; p++)
        {
            foreach (var name in _protocols[p].HeuristicTables)
            {
                var id = TableId(name);
                while (heuristics.Count <= id)
                {
                    heuristics.Add([]);
                }

                heuristics[id].Add(p);
            }
        }

        while (contents.Count < tableNames.Count)
        {
            contents.Add([]);
        }

        _heuristics = new int[tableNames.Count][];
        for (var t = 0; t < _heuristics.Length; t++)
        {
            _heuristics[t] = t < heuristics.Count ? [.. heuristics[t]] : [];
        }

        _tableIndex = tableIndex.ToFrozenDictionary(StringComparer.Ordinal);
        IpProtocolTable = GetTableId(IpProtocolTableName);
        _tableNames = [.. tableNames];
        _tables = new Table[_tableNames.Length];
        for (var t = 0; t < _tables.Length; t++)
        {
            _tables[t] = new Table(contents[t]);
        }
    }

    /// <summary>A registry holding no protocols.</summary>
    public static DissectorRegistry Empty { get; } = new DissectorRegistryBuilder().Build();

    /// <summary>The protocols, indexed by the numbers layers carry.</summary>
    public IReadOnlyList<ProtocolDescriptor> Protocols => _protocols;

    /// <summary>The names of the packs added, in order.</summary>
    public IReadOnlyList<string> Packs => _packs;

    /// <summary>The names of the dispatch tables.</summary>
    public IReadOnlyList<string> Tables => _tableNames;

    /// <summary>The protocol at <paramref name="index"/>.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The protocol.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ProtocolDescriptor GetProtocol(int index) => _protocols[index];

    /// <summary>The index of the protocol named <paramref name="name"/>, or -1.</summary>
    /// <param name="name">The protocol's identifier.</param>
    /// <returns>The index.</returns>
    public int IndexOf(string name) => _protocolIndex.TryGetValue(name, out var i) ? i : -1;

    /// <summary>The index of <paramref name="protocol"/>, or -1 when it is not registered.</summary>
    /// <param name="protocol">The protocol.</param>
    /// <returns>The index.</returns>
    public int IndexOf(ProtocolDescriptor protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        var i = IndexOf(protocol.Name);
        return i >= 0 && ReferenceEquals(_protocols[i], protocol) ? i : -1;
    }

    /// <summary>The identifier of the table named <paramref name="name"/>, or -1.</summary>
    /// <param name="name">The table's name.</param>
    /// <returns>The identifier.</returns>
    public int GetTableId(string name) => _tableIndex.TryGetValue(name, out var id) ? id : -1;

    /// <summary>The name of the table IP layers dispatch their payload by (the IP protocol number).</summary>
    public const string IpProtocolTableName = "ip.proto";

    /// <summary>The identifier of the <c>ip.proto</c> table, or -1 when no protocol dispatches by it.</summary>
    public int IpProtocolTable { get; }

    /// <summary>The global identifier of a protocol's local table.</summary>
    /// <param name="protocol">The protocol's index.</param>
    /// <param name="localTable">The index in its <see cref="ProtocolDescriptor.DispatchTables"/>.</param>
    /// <returns>The table identifier.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetTableId(int protocol, int localTable) => _steps[protocol].Tables[localTable];

    /// <summary>Looks up a key.</summary>
    /// <param name="table">The table identifier.</param>
    /// <param name="key">The key.</param>
    /// <param name="protocol">The protocol's index.</param>
    /// <returns>Whether the key is in the table.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryLookup(int table, ulong key, out int protocol) => _tables[table].TryLookup(key, out protocol);

    // The dissector's loop reads these into locals: one array load per layer instead of a chain through the registry.
    internal Table[] LookupTables => _tables;

    internal ProtocolStep[] Steps => _steps;

    /// <summary>The first protocol tried in <paramref name="table"/> by its heuristic that accepts <paramref name="payload"/>.</summary>
    /// <param name="table">The table's id.</param>
    /// <param name="payload">The payload no key matched.</param>
    /// <param name="protocol">The protocol's index.</param>
    /// <returns>Whether one accepted it.</returns>
    public bool TryHeuristic(int table, ReadOnlySpan<byte> payload, out int protocol)
    {
        foreach (var candidate in _heuristics[table])
        {
            if (_protocols[candidate].IsHeuristicMatch(payload))
            {
                protocol = candidate;
                return true;
            }
        }

        protocol = -1;
        return false;
    }

    /// <summary>The protocols tried by their heuristics in <paramref name="table"/>, in order.</summary>
    /// <param name="table">The table's name.</param>
    /// <returns>The protocols.</returns>
    public IReadOnlyList<ProtocolDescriptor> GetHeuristics(string table)
    {
        var id = GetTableId(table);
        var list = new List<ProtocolDescriptor>();
        if (id >= 0)
        {
            foreach (var p in _heuristics[id])
            {
                list.Add(_protocols[p]);
            }
        }

        return list;
    }

    /// <summary>The entries of a table, ordered by key.</summary>
    /// <param name="table">The table's name.</param>
    /// <returns>The entries.</returns>
    public IReadOnlyList<KeyValuePair<ulong, ProtocolDescriptor>> GetEntries(string table)
    {
        var list = new List<KeyValuePair<ulong, ProtocolDescriptor>>();
        var id = GetTableId(table);
        if (id >= 0)
        {
            foreach (var (key, index) in _tables[id].Entries)
            {
                list.Add(new(key, _protocols[index]));
            }
        }

        list.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        return list;
    }

    internal readonly struct ProtocolStep(ProtocolDescriptor descriptor, LayerKind layer, int[] tables, int[] labels)
    {
        public readonly ProtocolDescriptor Descriptor = descriptor;
        public readonly LayerKind Layer = layer;
        // Global table ids and chain-label numbers of the protocol's local tables.
        public readonly int[] Tables = tables;
        public readonly int[] Labels = labels;
    }

    internal sealed class Table
    {
        // Index + 1 of the protocol for keys below 65536; 0 means absent.
        private readonly ushort[]? _dense;
        private readonly FrozenDictionary<ulong, int> _sparse;

        public Table(Dictionary<ulong, int> entries)
        {
            _sparse = entries.ToFrozenDictionary();
            var max = 0UL;
            foreach (var key in entries.Keys)
            {
                max = Math.Max(max, key);
            }

            if (entries.Count > 0 && max <= ushort.MaxValue)
            {
                _dense = new ushort[(int)max + 1];
                foreach (var (key, value) in entries)
                {
                    _dense[(int)key] = (ushort)(value + 1);
                }
            }
        }

        public FrozenDictionary<ulong, int> Entries => _sparse;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryLookup(ulong key, out int protocol)
        {
            if (_dense is { } dense)
            {
                if (key < (ulong)dense.Length && dense[(int)key] is var v && v != 0)
                {
                    protocol = v - 1;
                    return true;
                }

                protocol = -1;
                return false;
            }

            return _sparse.TryGetValue(key, out protocol);
        }
    }
}
