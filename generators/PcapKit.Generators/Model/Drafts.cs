namespace PcapKit.Generators.Model;

using PcapKit.Generators.Diagnostics;

/// <summary>Where a part of a spec was written, keyed by a path such as <c>field:source_port:enum</c>.</summary>
internal sealed record LocatedKey(string Key, LocationInfo Location);

/// <summary>A protocol as one front end read it, before cross-file references are resolved, with its locations apart.</summary>
internal sealed record ProtocolDraft(ProtocolSpec Spec, EquatableArray<LocatedKey> Locations);

/// <summary>A TLV set as one front end read it.</summary>
internal sealed record TlvDraft(TlvSetSpec Spec, EquatableArray<LocatedKey> Locations);

/// <summary>Everything one spec file (or one attributed record) declares, and what was wrong with it.</summary>
internal sealed record SpecUnit(
    string Path,
    EquatableArray<ProtocolDraft> Protocols,
    EquatableArray<EnumSpec> Enums,
    EquatableArray<TlvDraft> Tlvs,
    EquatableArray<LocatedKey> Locations,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Settings from the project: the namespace of YAML specs and the pack's class name.</summary>
internal sealed record GeneratorOptions(string RootNamespace, string PackName, string AssemblyName);

/// <summary>The resolved compilation: what to emit and what to report.</summary>
internal sealed record ResolvedPack(
    EquatableArray<ProtocolSpec> Protocols,
    EquatableArray<EnumSpec> Enums,
    EquatableArray<TlvSetSpec> TlvSets,
    PackSpec? Pack,
    EquatableArray<DiagnosticInfo> Diagnostics);
