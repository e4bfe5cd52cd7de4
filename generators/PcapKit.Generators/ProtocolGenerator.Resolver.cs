using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using PcapKit.Generators.Diagnostics;
using PcapKit.Generators.Emit;
using PcapKit.Generators.Model;

namespace PcapKit.Generators;

/// <summary>Joins every spec of the compilation: resolves enum and TLV references, checks what spans files, builds the pack.</summary>
public sealed partial class ProtocolGenerator
{
    internal static class Resolver
    {
        public static ResolvedPack Resolve(ImmutableArray<SpecUnit> units, GeneratorOptions options, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var enumsById = new Dictionary<string, EnumSpec>(StringComparer.Ordinal);
            var enumsByType = new Dictionary<string, EnumSpec>(StringComparer.Ordinal);
            var enumLocations = new Dictionary<string, LocationInfo>(StringComparer.Ordinal);

            // Units arrive in a stable order (by path) so the output never depends on the order files were read.
            var ordered = units.OrderBy(u => u.Path, StringComparer.Ordinal).ToList();

            foreach (var unit in ordered)
            {
                var lookup = new LocationLookup(unit.Locations, null);
                foreach (var e in unit.Enums)
                {
                    if (enumsById.TryGetValue(e.Id, out var existing))
                    {
                        if (!existing.Equals(e) && !(existing.Declared && e.Declared))
                        {
                            ModelValidator.Report(diagnostics, DiagnosticDescriptors.DuplicateProtocol, lookup.Get("enum:" + e.Id), "enum", e.Id);
                        }

                        continue;
                    }

                    enumsById[e.Id] = e;
                    enumsByType[e.TypeName] = e;
                    if (lookup.Get("enum:" + e.Id) is { } where)
                    {
                        enumLocations[e.Id] = where;
                    }
                }
            }

            // TLV sets: the kind enum, and kinds given by name.
            var tlvs = new Dictionary<string, TlvSetSpec>(StringComparer.Ordinal);
            var brokenTlvs = new HashSet<string>(StringComparer.Ordinal);
            var extraEnums = new List<EnumSpec>();

            // Every set's id first (with where it is declared), so a case's value may hold a set declared after it
            // (IPv4's CIPSO tags).
            var declaredTlvs = new Dictionary<string, TlvSetSpec>(StringComparer.Ordinal);
            var tlvLookups = new Dictionary<string, LocationLookup>(StringComparer.Ordinal);
            foreach (var draft in ordered.SelectMany(u => u.Tlvs))
            {
                if (!declaredTlvs.ContainsKey(draft.Spec.Id))
                {
                    declaredTlvs[draft.Spec.Id] = draft.Spec;
                    tlvLookups[draft.Spec.Id] = new LocationLookup(draft.Locations, null);
                }
            }

            foreach (var unit in ordered)
            {
                foreach (var draft in unit.Tlvs)
                {
                    var tlvErrorsBefore = diagnostics.Count;
                    cancellationToken.ThrowIfCancellationRequested();
                    var tlv = draft.Spec;
                    var lookup = new LocationLookup(draft.Locations, null);
                    if (tlvs.ContainsKey(tlv.Id))
                    {
                        ModelValidator.Report(diagnostics, DiagnosticDescriptors.DuplicateProtocol, lookup.Get("tlv"), "TLV set", tlv.Id);
                        continue;
                    }

                    EnumSpec? kindEnum = null;
                    if (tlv.KindEnumId.Length > 0)
                    {
                        if (!enumsById.TryGetValue(tlv.KindEnumId, out kindEnum))
                        {
                            ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnknownReference, lookup.Get("kind:enum", "tlv"), "The TLV set '" + tlv.Id + "'", "enum", tlv.KindEnumId);
                        }
                    }

                    var cases = new List<TlvCaseSpec>();
                    foreach (var c in tlv.Cases)
                    {
                        var resolved = c;
                        if (c.Kind == ulong.MaxValue)
                        {
                            var member = kindEnum?.Members.FirstOrDefault(m => m.Id == c.Id);
                            if (member is null)
                            {
                                ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnknownReference, lookup.Get("case:" + c.Id, "tlv"), "The case '" + c.Id + "'", "kind value; give 'kind:' or name a member of the kind enum", c.Id);
                                continue;
                            }

                            resolved = c with { Kind = member.Value };
                        }

                        // A variant in the value is declared beside the set: its default name joins the set's and the case's.
                        cases.Add(resolved with { Fields = ResolveFields(resolved.Fields, tlv.TypeName + resolved.TypeName, enumsById, enumsByType, declaredTlvs, "case:" + c.Id + ":field:", lookup, diagnostics) });
                    }

                    if (kindEnum is null)
                    {
                        // No enum named the kinds: the cases name them.
                        var members = cases.OrderBy(c => c.Kind).Select(c => new EnumMemberSpec(c.Id, c.TypeName, c.Kind)).ToEquatableArray();
                        kindEnum = new EnumSpec(tlv.Id + "_kind", tlv.TypeName + "Kind", tlv.Namespace, tlv.KindWidth, false, false, false, members);
                        if (!enumsById.ContainsKey(kindEnum.Id))
                        {
                            enumsById[kindEnum.Id] = kindEnum;
                            enumsByType[kindEnum.TypeName] = kindEnum;
                            extraEnums.Add(kindEnum);
                        }
                    }

                    var tlvEnums = new SortedDictionary<string, EnumSpec>(StringComparer.Ordinal) { [kindEnum.Id] = kindEnum };
                    foreach (var c in cases)
                    {
                        CollectUses(c.Fields, enumsById, tlvs, tlvEnums, new SortedDictionary<string, TlvSetSpec>(StringComparer.Ordinal));
                    }

                    tlvs[tlv.Id] = tlv with { KindEnumId = kindEnum.Id, Cases = cases.ToEquatableArray(), Enums = tlvEnums.Values.ToEquatableArray() };
                    if (unit.Diagnostics.Count > 0 || diagnostics.Count > tlvErrorsBefore)
                    {
                        brokenTlvs.Add(tlv.Id);
                    }
                }
            }

            // The sets each set's values hold, resolved, for its emitter.
            foreach (var id in tlvs.Keys.ToList())
            {
                var nested = new SortedDictionary<string, TlvSetSpec>(StringComparer.Ordinal);
                foreach (var c in tlvs[id].Cases)
                {
                    CollectUses(c.Fields, enumsById, tlvs, new SortedDictionary<string, EnumSpec>(StringComparer.Ordinal), nested);
                }

                if (nested.Remove(id))
                {
                    // Its options' values would nest as deep as a packet goes (every level a few bytes): a hostile packet
                    // would overflow the stack of whatever visits it.
                    ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, tlvLookups[id].Get("tlv"), id, "a TLV set cannot hold itself, directly or through another set");
                    brokenTlvs.Add(id);
                }

                if (nested.Count > 0)
                {
                    tlvs[id] = tlvs[id] with { NestedSets = nested.Values.ToEquatableArray() };
                }
            }

            // Protocols.
            var protocols = new List<ProtocolSpec>();
            var typeNames = new HashSet<string>(StringComparer.Ordinal);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var dispatchOwners = new Dictionary<string, (string Protocol, LocationInfo? Location)>(StringComparer.Ordinal);
            var protocolsById = new Dictionary<string, ProtocolSpec>(StringComparer.Ordinal);
            foreach (var draft in ordered.SelectMany(u => u.Protocols))
            {
                if (!protocolsById.ContainsKey(draft.Spec.Id))
                {
                    protocolsById[draft.Spec.Id] = draft.Spec;
                }
            }

            foreach (var unit in ordered)
            {
                // A spec with errors is reported, not emitted: its generated code would only add follow-on errors.
                var unitHasErrors = unit.Diagnostics.Count > 0;
                foreach (var draft in unit.Protocols)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var spec = draft.Spec;
                    var lookup = new LocationLookup(draft.Locations, null);
                    if (!ids.Add(spec.Id) || !typeNames.Add(spec.Namespace + "." + spec.TypeName))
                    {
                        ModelValidator.Report(diagnostics, DiagnosticDescriptors.DuplicateProtocol, lookup.Get("protocol"), "protocol", spec.Id);
                        continue;
                    }

                    for (var i = 0; i < spec.Registrations.Count; i++)
                    {
                        var r = spec.Registrations[i];
                        var key = r.Table + "\n" + r.Key;
                        if (dispatchOwners.TryGetValue(key, out var owner) && owner.Protocol != spec.Id)
                        {
                            ModelValidator.Report(diagnostics, DiagnosticDescriptors.DuplicateDispatchKey, lookup.Get("register:" + i, "protocol"), r.Table, "0x" + r.Key.ToString("X", System.Globalization.CultureInfo.InvariantCulture), owner.Protocol, spec.Id);
                        }
                        else
                        {
                            dispatchOwners[key] = (spec.Id, lookup.Get("register:" + i));
                        }
                    }

                    var errorsBefore = diagnostics.Count;
                    spec = spec with { Fields = ShareDecodedFields(spec, protocolsById, lookup, diagnostics) };
                    var fields = ResolveFields(spec.Fields, spec.TypeName, enumsById, enumsByType, tlvs, "field:", lookup, diagnostics);
                    var usedEnums = new SortedDictionary<string, EnumSpec>(StringComparer.Ordinal);
                    var usedTlvs = new SortedDictionary<string, TlvSetSpec>(StringComparer.Ordinal);
                    CollectUses(fields, enumsById, tlvs, usedEnums, usedTlvs);
                    var resolved = spec with
                    {
                        Fields = fields,
                        Enums = usedEnums.Values.ToEquatableArray(),
                        TlvSets = usedTlvs.Values.ToEquatableArray(),
                    };

                    var before = diagnostics.Count;
                    TestVectorChecker.Check(resolved, lookup, diagnostics);
                    var usesBrokenTlv = resolved.TlvSets.Any(t => brokenTlvs.Contains(t.Id));
                    if (!unitHasErrors && !usesBrokenTlv && errorsBefore == before)
                    {
                        protocols.Add(resolved);
                    }
                }
            }

            protocols.Sort((a, b) => string.CompareOrdinal(a.Namespace + "." + a.TypeName, b.Namespace + "." + b.TypeName));

            var enumsToEmit = enumsById.Values
                .Where(e => !e.External)
                .OrderBy(e => e.Namespace + "." + e.TypeName, StringComparer.Ordinal)
                .ToEquatableArray();
            var tlvsToEmit = tlvs.Values.Where(t => !brokenTlvs.Contains(t.Id)).OrderBy(t => t.Namespace + "." + t.TypeName, StringComparer.Ordinal).ToEquatableArray();

            PackSpec? pack = null;
            if (protocols.Count > 0)
            {
                var packName = options.PackName.Length > 0 ? options.PackName : Naming.ToPascal(options.AssemblyName.Replace(".", "_")) + "Pack";
                pack = new PackSpec(
                    options.RootNamespace,
                    packName,
                    options.AssemblyName,
                    protocols.Select(p => (p.Namespace.Length > 0 ? "global::" + p.Namespace + "." : "global::") + p.TypeName).ToEquatableArray());
            }

            var all = new List<DiagnosticInfo>();
            foreach (var unit in ordered)
            {
                all.AddRange(unit.Diagnostics);
            }

            all.AddRange(diagnostics);
            return new ResolvedPack(protocols.ToEquatableArray(), enumsToEmit, tlvsToEmit, pack, all.ToEquatableArray());
        }

        private static EquatableArray<FieldSpec> ResolveFields(
            EquatableArray<FieldSpec> fields,
            string ownerType,
            Dictionary<string, EnumSpec> enumsById,
            Dictionary<string, EnumSpec> enumsByType,
            Dictionary<string, TlvSetSpec> tlvs,
            string prefix,
            LocationLookup lookup,
            List<DiagnosticInfo> diagnostics)
        {
            var result = new List<FieldSpec>(fields.Count);
            foreach (var f in fields)
            {
                var field = f;
                var key = prefix + f.Id;
                if (f.EnumId is { } enumId)
                {
                    EnumSpec? e;
                    if (enumId.StartsWith("@", StringComparison.Ordinal))
                    {
                        enumsByType.TryGetValue(enumId.Substring(1), out e);
                    }
                    else
                    {
                        enumsById.TryGetValue(enumId, out e);
                    }

                    if (e is null)
                    {
                        ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnknownReference, lookup.Get(key + ":enum", key + ":flags", key), "The field '" + f.Id + "'", "enum", enumId.TrimStart('@'));
                        field = field with { EnumId = null, ByteWidth = field.ByteWidth == 0 ? 1 : field.ByteWidth };
                    }
                    else
                    {
                        field = field with { EnumId = e.Id, ByteWidth = field.ByteWidth == 0 && field.Bits == 0 ? e.ByteWidth : field.ByteWidth };
                        var width = field.Bits > 0 ? field.Bits : field.ByteWidth * 8;
                        foreach (var m in e.Members)
                        {
                            if (!e.IsFlags && width < 64 && m.Value >> width != 0)
                            {
                                ModelValidator.Report(diagnostics, DiagnosticDescriptors.ValueDoesNotFit, lookup.Get(key + ":enum", key), m.Value, "'" + e.Id + "." + m.Id + "' used by '" + f.Id + "'", width + " bits");
                                break;
                            }
                        }
                    }
                }

                foreach (var alt in f.AltWhen)
                {
                    if (alt.Enum is { } altEnum && !enumsById.ContainsKey(altEnum))
                    {
                        ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnknownReference, lookup.Get(key + ":alt", key), "The alt '" + alt.Id + "' of '" + f.Id + "'", "enum", altEnum);
                        field = field with { AltWhen = field.AltWhen.Select(a => a == alt ? a with { Enum = null } : a).ToEquatableArray() };
                    }
                }

                if (f.NamesEnumId is { } namesId && !enumsById.ContainsKey(namesId))
                {
                    ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnknownReference, lookup.Get(key + ":names", key), "The field '" + f.Id + "'", "enum", namesId);
                    field = field with { NamesEnumId = null };
                }

                if (f.Type == FieldType.Variant)
                {
                    var switchField = result.FirstOrDefault(r => r.Id == f.SwitchField);
                    var switchEnum = switchField?.EnumId is { } se && enumsById.TryGetValue(se, out var sen) ? sen : null;
                    var cases = new List<VariantCaseSpec>();
                    foreach (var c in f.Cases)
                    {
                        var keys = c.Keys.ToList();
                        foreach (var name in c.KeyNames)
                        {
                            var member = switchEnum?.Members.FirstOrDefault(m => m.Id == name);
                            if (member is null)
                            {
                                ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnknownReference, lookup.Get(key + ":case:" + c.Id, key), "The case '" + c.Id + "'", "value of '" + f.SwitchField + "'", name);
                            }
                            else
                            {
                                keys.Add(member.Value);
                            }
                        }

                        cases.Add(c with
                        {
                            Keys = keys.ToEquatableArray(),
                            KeyNames = EquatableArray<string>.Empty,
                            Fields = ResolveFields(c.Fields, ownerType, enumsById, enumsByType, tlvs, key + ":case:" + c.Id + ":field:", lookup, diagnostics),
                        });
                    }

                    field = field with { Cases = cases.ToEquatableArray(), RepeatTypeName = field.RepeatTypeName ?? (ownerType + Naming.ToPascal(f.Id)) };
                }

                if (f.Type == FieldType.Tlv && f.TlvSetId is { } tlvId && !tlvs.ContainsKey(tlvId))
                {
                    ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnknownReference, lookup.Get(key + ":tlv", key), "The field '" + f.Id + "'", "TLV set", tlvId);
                    field = field with { Type = FieldType.Bytes, TlvSetId = null };
                }

                if (!f.Children.IsEmpty)
                {
                    field = field with { Children = ResolveFields(f.Children, ownerType, enumsById, enumsByType, tlvs, key + ":", lookup, diagnostics) };
                }

                result.Add(field);
            }

            // A bit group after a variable-size field has no constant offset; the view does not support that.
            var layout = Layout.Compute(result);
            foreach (var fl in layout.Fields)
            {
                if (fl.IsBits && fl.GroupOffset < 0)
                {
                    ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, lookup.Get(prefix + fl.Field.Id), fl.Field.Id, "a bit field after a variable-size field");
                }
            }

            return result.ToEquatableArray();
        }

        /// <summary><c>decode: { from: other }</c>: the decoded fields of the other protocol's field of the same id, so both hooks report the same fields.</summary>
        private static EquatableArray<FieldSpec> ShareDecodedFields(ProtocolSpec spec, Dictionary<string, ProtocolSpec> protocolsById, LocationLookup lookup, List<DiagnosticInfo> diagnostics)
        {
            if (!spec.Fields.Any(f => f.DecodeFrom is not null))
            {
                return spec.Fields;
            }

            var fields = new List<FieldSpec>();
            foreach (var f in spec.Fields)
            {
                if (f.DecodeFrom is not { } from)
                {
                    fields.Add(f);
                    continue;
                }

                var source = protocolsById.TryGetValue(from, out var other) ? other.Fields.FirstOrDefault(s => s.Id == f.Id && s.Decode && s.DecodeFrom is null) : null;
                if (source is null)
                {
                    ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnknownReference, lookup.Get("field:" + f.Id + ":decode", "field:" + f.Id), "The decode of '" + f.Id + "'", "protocol with a decoded field '" + f.Id + "'", from);
                    fields.Add(f with { Decode = false, DecodeFrom = null });
                }
                else
                {
                    fields.Add(f with { Children = source.Children });
                }
            }

            return fields.ToEquatableArray();
        }

        private static void CollectUses(
            EquatableArray<FieldSpec> fields,
            Dictionary<string, EnumSpec> enums,
            Dictionary<string, TlvSetSpec> tlvs,
            SortedDictionary<string, EnumSpec> usedEnums,
            SortedDictionary<string, TlvSetSpec> usedTlvs)
        {
            foreach (var f in fields)
            {
                if (f.EnumId is { } e && enums.TryGetValue(e, out var spec))
                {
                    usedEnums[e] = spec;
                }

                if (f.NamesEnumId is { } n && enums.TryGetValue(n, out var names))
                {
                    usedEnums[n] = names;
                }

                foreach (var alt in f.AltWhen)
                {
                    if (alt.Enum is { } a && enums.TryGetValue(a, out var altNames))
                    {
                        usedEnums[a] = altNames;
                    }
                }

                foreach (var c in f.Cases)
                {
                    CollectUses(c.Fields, enums, tlvs, usedEnums, usedTlvs);
                }

                if (f.Type == FieldType.Tlv && f.TlvSetId is { } t && tlvs.TryGetValue(t, out var tlv) && !usedTlvs.ContainsKey(t))
                {
                    usedTlvs[t] = tlv;
                    if (enums.TryGetValue(tlv.KindEnumId, out var kind))
                    {
                        usedEnums[kind.Id] = kind;
                    }

                    foreach (var c in tlv.Cases)
                    {
                        CollectUses(c.Fields, enums, tlvs, usedEnums, usedTlvs);
                    }
                }

                CollectUses(f.Children, enums, tlvs, usedEnums, usedTlvs);
            }
        }
    }
}
