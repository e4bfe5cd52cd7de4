using System;
using System.Collections.Generic;

namespace PcapKit.Dissection;

/// <summary>
/// Collects protocols and dispatch entries, then builds a frozen <see cref="DissectorRegistry"/>. Later entries for
/// the same table and key replace earlier ones, so a pack added after the standard pack overrides it.
/// </summary>
public sealed class DissectorRegistryBuilder
{
    private readonly List<ProtocolDescriptor> _protocols = [];
    private readonly Dictionary<string, ProtocolDescriptor> _byName = new(StringComparer.Ordinal);
    private readonly List<(string Table, ulong Key, ProtocolDescriptor Protocol)> _entries = [];
    private readonly List<string> _packs = [];

    /// <summary>Adds every protocol of a pack and its dispatch entries.</summary>
    /// <param name="pack">The pack.</param>
    /// <returns>This builder.</returns>
    public DissectorRegistryBuilder Add(DissectorPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        _packs.Add(pack.Name);
        foreach (var protocol in pack.Protocols)
        {
            Add(protocol);
        }

        return this;
    }

    /// <summary>Adds a protocol and its dispatch entries; a protocol of the same name replaces the earlier one.</summary>
    /// <param name="protocol">The protocol.</param>
    /// <returns>This builder.</returns>
    public DissectorRegistryBuilder Add(ProtocolDescriptor protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (_byName.TryGetValue(protocol.Name, out var existing))
        {
            _protocols.Remove(existing);
            _entries.RemoveAll(e => ReferenceEquals(e.Protocol, existing));
        }

        _byName[protocol.Name] = protocol;
        _protocols.Add(protocol);
        foreach (var registration in protocol.Registrations)
        {
            _entries.Add((registration.Table, registration.Key, protocol));
        }

        return this;
    }

    /// <summary>Adds (or overrides) one dispatch entry: in <paramref name="table"/>, <paramref name="key"/> leads to <paramref name="protocol"/>.</summary>
    /// <param name="table">The table.</param>
    /// <param name="key">The key.</param>
    /// <param name="protocol">The protocol, which must have been added.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The protocol was not added.</exception>
    public DissectorRegistryBuilder Register(string table, ulong key, string protocol)
    {
        if (!_byName.TryGetValue(protocol, out var descriptor))
        {
            throw new ArgumentException($"No protocol named '{protocol}' was added.", nameof(protocol));
        }

        _entries.Add((table, key, descriptor));
        return this;
    }

    /// <summary>Builds the frozen registry.</summary>
    /// <returns>The registry.</returns>
    public DissectorRegistry Build() => new(_protocols, _entries, _packs);
}
