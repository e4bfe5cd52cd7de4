using System;
using System.Collections.Generic;
using System.Linq;
using PcapKit.Generators.Diagnostics;
using PcapKit.Generators.Model;

namespace PcapKit.Generators;

/// <summary>Finds where a part of a spec was written.</summary>
internal sealed class LocationLookup
{
    private readonly Dictionary<string, List<LocationInfo>> _map = new(StringComparer.Ordinal);
    private readonly LocationInfo? _fallback;

    public LocationLookup(IEnumerable<LocatedKey> locations, LocationInfo? fallback)
    {
        foreach (var l in locations)
        {
            if (!_map.TryGetValue(l.Key, out var list))
            {
                _map.Add(l.Key, list = []);
            }

            list.Add(l.Location);
        }

        _fallback = fallback;
    }

    /// <summary>The location of the first key that exists, else the fallback.</summary>
    public LocationInfo? Get(params string[] keys)
    {
        foreach (var key in keys)
        {
            if (_map.TryGetValue(key, out var list))
            {
                return list[0];
            }
        }

        return _fallback;
    }

    /// <summary>The location of the <paramref name="occurrence"/>-th use of <paramref name="key"/> (for duplicates).</summary>
    public LocationInfo? GetOccurrence(string key, int occurrence) =>
        _map.TryGetValue(key, out var list) ? list[Math.Min(occurrence, list.Count - 1)] : _fallback;
}

/// <summary>Checks the rules one spec can be checked against on its own: both front ends call it.</summary>
internal static class ModelValidator
{
    public static void ValidateProtocol(ProtocolSpec spec, LocationLookup locations, List<DiagnosticInfo> diagnostics)
    {
        ValidateFields(spec.Fields, "field:", spec.Id, locations, diagnostics, allowPayload: true);

        var byId = new Dictionary<string, FieldSpec>(StringComparer.Ordinal);
        foreach (var f in spec.Fields)
        {
            byId[f.Id] = f;
        }

        ValidateRoles(spec, locations, diagnostics);
        CheckDecodedNames(spec, locations, diagnostics);
        CheckConditionalAlts(spec.Fields, spec.Id, locations, diagnostics);
        foreach (var f in spec.Fields)
        {
            if (ProtocolMembers.Contains(f.PropertyName))
            {
                Report(diagnostics, DiagnosticDescriptors.NameClash, locations.Get("field:" + f.Id), "field", f.Id, f.PropertyName, "a member every protocol's record or view has");
            }
        }

        foreach (var f in spec.Fields)
        {
            var key = "field:" + f.Id;
            if (f.Checksum is { PseudoHeaderParam: { } param })
            {
                var found = false;
                foreach (var p in spec.Params)
                {
                    found |= p.Name == param;
                }

                if (!found)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":checksum", key), "The checksum '" + f.Id + "'", "parameter", param);
                }
            }

            if (f.Dispatch is { } dispatch)
            {
                foreach (var dw in dispatch.When?.Links() ?? [])
                {
                    if (!byId.TryGetValue(dw.FieldId, out var dwf) || !IsInteger(dwf))
                    {
                        Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":dispatch", key), "The dispatch condition of '" + f.Id + "'", "integer field", dw.FieldId);
                    }
                }

                foreach (var fw in dispatch.FragmentWhen?.Links() ?? [])
                {
                    if (!byId.TryGetValue(fw.FieldId, out var fwf) || !IsInteger(fwf))
                    {
                        Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":dispatch", key), "The fragment condition of '" + f.Id + "'", "integer field", fw.FieldId);
                    }
                }

                foreach (var k in dispatch.Keys)
                {
                    if (!byId.TryGetValue(k, out var kf) || !IsInteger(kf))
                    {
                        Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":dispatch", key), "The dispatch of '" + f.Id + "'", "integer field", k);
                    }
                }

            }
        }

        if (spec.Supplies is { } supplies)
        {
            foreach (var name in new[] { supplies.SourceField, supplies.DestinationField })
            {
                if (!byId.TryGetValue(name, out var af) || af.Type is not (FieldType.Ipv4 or FieldType.Ipv6))
                {
                    Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get("supplies"), "The pseudo-header", "address field", name);
                }
            }
        }

        var computedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in spec.Computed)
        {
            if (byId.ContainsKey(c.Id) || !computedIds.Add(c.Id))
            {
                Report(diagnostics, DiagnosticDescriptors.DuplicateField, locations.Get("protocol"), c.Id, spec.Id);
            }
        }

        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Registrations.Count; i++)
        {
            var r = spec.Registrations[i];
            if (!seenKeys.Add(r.Table + "\n" + r.Key))
            {
                Report(diagnostics, DiagnosticDescriptors.DuplicateDispatchKey, locations.Get("register:" + i), r.Table, r.Key, spec.Id, spec.Id);
            }
        }
    }

    private static readonly string[] Roles =
    [
        "source_address", "destination_address", "source_port", "destination_port", "protocol", "fragment_id", "fragment_offset", "more_fragments", "tcp_flags", "vlan_id",
        "sequence_number", "acknowledgment_number",
    ];

    /// <summary>Roles name fields at fixed offsets: two addresses of one IP family, or two 16-bit ports, in pairs.</summary>
    private static void ValidateRoles(ProtocolSpec spec, LocationLookup locations, List<DiagnosticInfo> diagnostics)
    {
        var fixedSoFar = true;
        var seen = new Dictionary<string, FieldSpec>(StringComparer.Ordinal);
        foreach (var f in spec.Fields)
        {
            if (f.Role is { } role)
            {
                var key = "field:" + f.Id;
                var isAddress = role is "source_address" or "destination_address";
                var isPort = role is "source_port" or "destination_port";
                var fits = isAddress ? f.Type is FieldType.Ipv4 or FieldType.Ipv6
                    : isPort ? f.Type == FieldType.UInt && f.Bits == 0 && f.ByteWidth == 2
                    : f.Type is FieldType.UInt or FieldType.Bool;
                if (Array.IndexOf(Roles, role) < 0)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key), f.Id, "the role must be one of " + string.Join(", ", Roles));
                }
                else if (!fits || f.When is not null || !fixedSoFar)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key), f.Id, "the role '" + role + "' needs " + (isAddress ? "an ipv4 or ipv6 field" : isPort ? "a u16 field" : "an integer field") + " at a fixed offset");
                }
                else if (seen.ContainsKey(role))
                {
                    Report(diagnostics, DiagnosticDescriptors.DuplicateField, locations.Get(key), "role " + role, spec.Id);
                }
                else
                {
                    seen[role] = f;
                }
            }

            fixedSoFar &= f.When is null && f.Type is not (FieldType.Bytes or FieldType.Tlv or FieldType.Repeat or FieldType.Variant or FieldType.Payload);
        }

        foreach (var (a, b) in new[] { ("source_address", "destination_address"), ("source_port", "destination_port") })
        {
            var hasA = seen.TryGetValue(a, out var fa);
            var hasB = seen.TryGetValue(b, out var fb);
            if (hasA != hasB || (hasA && fa!.Type != fb!.Type))
            {
                var f = fa ?? fb!;
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get("field:" + f.Id), f.Id, "roles come in pairs of the same type: '" + a + "' and '" + b + "'");
            }
        }
    }

    public static void ValidateTlv(TlvSetSpec spec, LocationLookup locations, List<DiagnosticInfo> diagnostics)
    {
        var kinds = new HashSet<ulong>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in spec.Cases)
        {
            var key = "case:" + c.Id;
            if (!ids.Add(c.Id))
            {
                Report(diagnostics, DiagnosticDescriptors.DuplicateProtocol, locations.Get(key), "case", c.Id);
            }

            if (c.Kind != ulong.MaxValue)
            {
                if (!kinds.Add(c.Kind))
                {
                    Report(diagnostics, DiagnosticDescriptors.DuplicateProtocol, locations.Get(key), "kind", c.Kind);
                }

                if (spec.KindWidth < 8 && c.Kind >> (spec.KindWidth * 8) != 0)
                {
                    Report(diagnostics, DiagnosticDescriptors.ValueDoesNotFit, locations.Get(key), c.Kind, "the kind of '" + c.Id + "'", (spec.KindWidth * 8) + " bits");
                }
            }

            if (c.SingleByte && !c.Fields.IsEmpty)
            {
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key), c.Id, "a single-byte kind has no value fields");
            }

            ValidateFields(c.Fields, key + ":field:", spec.Id + "." + c.Id, locations, diagnostics, allowPayload: false, allowDecode: true);
            CheckStructure(c.Fields, key + ":field:", locations, diagnostics);
            CheckCaseNames(c.Id, c.TypeName, c.Fields, spec.Cases.Where(o => o.Id != c.Id).SelectMany(o => o.Fields).Select(o => o.PropertyName), locations.Get(key), diagnostics);
            CheckDecodedOptionNames(c, key + ":field:", locations, diagnostics);
        }
    }

    /// <summary>
    /// The fields an option's <c>decode:</c> hook reports get descriptors beside the case's own, named after the case
    /// and their path (<c>MultipathFlagsField</c>; a list's items <c>…Item</c>): no two may spell the same name.
    /// </summary>
    private static void CheckDecodedOptionNames(TlvCaseSpec c, string prefix, LocationLookup locations, List<DiagnosticInfo> diagnostics)
    {
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in c.Fields)
        {
            taken[f.PropertyName + "Field"] = f.Id;
            taken[f.PropertyName + "AltField"] = f.Id;
            taken[f.PropertyName + "TrailingField"] = f.Id + "_trailing";
        }

        CheckDecodedNames(c.Fields, prefix, taken, "Field", c.TypeName, locations, diagnostics);
    }

    private static void ValidateFields(
        EquatableArray<FieldSpec> fields,
        string prefix,
        string owner,
        LocationLookup locations,
        List<DiagnosticInfo> diagnostics,
        bool allowPayload,
        bool allowDecode = false)
    {
        var seen = new Dictionary<string, FieldSpec>(StringComparer.Ordinal);
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        var groupBits = 0;
        var groupNames = new List<string>();
        FieldSpec? payload = null;
        FieldSpec? groupFirst = null;

        void CloseGroup()
        {
            if (groupBits % 8 != 0 && groupFirst is not null)
            {
                Report(diagnostics, DiagnosticDescriptors.BitGroupNotByteAligned, locations.Get(prefix + groupFirst.Id), string.Join(", ", groupNames), groupBits);
            }
            else if (groupBits > 64 && groupFirst is not null)
            {
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(prefix + groupFirst.Id), groupFirst.Id, "a bit group wider than 64 bits");
            }

            groupBits = 0;
            groupNames.Clear();
            groupFirst = null;
        }

        foreach (var f in fields)
        {
            var key = prefix + f.Id;
            if (payload is not null)
            {
                Report(diagnostics, DiagnosticDescriptors.PayloadNotLast, locations.Get(key), f.Id, payload.Id);
            }

            if (seen.ContainsKey(f.Id))
            {
                occurrences.TryGetValue(f.Id, out var n);
                occurrences[f.Id] = n + 1;
                Report(diagnostics, DiagnosticDescriptors.DuplicateField, locations.GetOccurrence(key, n + 1), f.Id, owner);
            }

            if (f.Bits > 0)
            {
                groupFirst ??= f;
                groupBits += f.Bits;
                groupNames.Add(f.Id);
                if (groupBits % 8 == 0)
                {
                    CloseGroup();
                }
            }
            else
            {
                CloseGroup();
            }

            var width = f.Bits > 0 ? f.Bits : f.ByteWidth * 8;
            if (f.Valid is { } valid && IsInteger(f))
            {
                foreach (var v in Values(valid))
                {
                    CheckFits(v, width, "'" + f.Id + "'", locations.Get(key + ":valid", key), diagnostics);
                }
            }

            if (f.Reserved is { } reserved && IsInteger(f))
            {
                CheckFits(reserved, width, "'" + f.Id + "'", locations.Get(key + ":reserved", key), diagnostics);
            }

            if (f.Checksum is not null && (f.Type != FieldType.UInt || f.ByteWidth != 2 || f.Bits != 0))
            {
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key), f.Id, "an inet16 checksum is a u16 field");
            }

            if (f.SizeOf is not null && !IsInteger(f))
            {
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key), f.Id, "only an integer field can hold a length");
            }

            if (f.Length is { } length)
            {
                if (!seen.TryGetValue(length.FieldId, out var lf) || !IsInteger(lf))
                {
                    Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":length", key), "The length of '" + f.Id + "'", "earlier integer field", length.FieldId);
                }
                else if (lf.When is not null)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":length", key), f.Id, "a length cannot come from a conditional field");
                }
            }

            if (!allowPayload && !f.AltWhen.IsEmpty)
            {
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":alt", key), f.Id, "names by condition ('alt' with 'when') apply to a protocol's own unsigned integer");
            }

            // A structure's (an option's value, a variant's case, an item's) display condition is read at a constant offset
            // of the structure, and may also hide a byte string (an empty auxiliary data field tshark does not show).
            var structureLayout = !f.ShowWhen.IsEmpty && !allowPayload ? Emit.Layout.Compute(fields) : null;
            foreach (var show in f.ShowWhen.SelectMany(c => c.Links()))
            {
                var sw = show.FieldId == f.Id ? f : seen.TryGetValue(show.FieldId, out var earlier) ? earlier : null;
                var atConstantOffset = structureLayout?.Find(show.FieldId) is not { } target || (target.IsBits ? target.GroupOffset >= 0 : target.Offset >= 0);
                if (sw is null || !IsInteger(sw) || sw.When is not null || !atConstantOffset)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":show_when", key), "The display condition of '" + f.Id + "'", "earlier unconditional integer field", show.FieldId);
                }
                else if ((allowPayload ? f.Type is not (FieldType.UInt or FieldType.Bool) : f.Type is not (FieldType.UInt or FieldType.Bool or FieldType.Bytes)) || f.When is not null)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":show_when", key), f.Id,
                        allowPayload ? "'show_when' applies to an unconditional integer or flag" : "'show_when' applies to an integer, flag or byte string");
                }
            }

            foreach (var when in f.When?.Links() ?? [])
            {
                if (!seen.TryGetValue(when.FieldId, out var wf) || !IsInteger(wf))
                {
                    Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":when", key), "The condition of '" + f.Id + "'", "earlier integer field", when.FieldId);
                }
                else if (wf.When is not null)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":when", key), f.Id, "a condition cannot test a field that is itself conditional");
                }
            }

            if (f.When is not null)
            {

                if (f.Bits > 0)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":when", key), f.Id, "a bit field cannot be conditional; make its whole group a conditional integer");
                }
            }

            if (f.Type == FieldType.Bytes && f.ByteWidth == 0 && f.Length is null && f.Region is null)
            {
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key), f.Id, "a byte string needs 'size', 'length' or 'region'");
            }

            if (f.Decode && !allowPayload && (!allowDecode || f.DecodeFrom is not null))
            {
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":decode", key), f.Id,
                    allowDecode ? "an option's value is decoded by a hook of its own ('decode:' with fields), not by another protocol's ('decode: { from: … }')"
                                : "only a protocol's own fields and an option's value can be decoded by a hook, not a variant case's or an item's");
            }

            if (f.Type == FieldType.Payload)
            {
                if (!allowPayload)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key), f.Id, "an option's value has no payload");
                }

                payload = f;
            }

            if (f.Type == FieldType.Variant)
            {
                if (f.SwitchField is null || !seen.TryGetValue(f.SwitchField, out var sf) || !IsInteger(sf))
                {
                    Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":switch", key), "The switch of '" + f.Id + "'", "earlier integer field", f.SwitchField ?? string.Empty);
                }
                else if (sf.When is not null)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key, key), f.Id, "a variant cannot switch on a conditional field");
                }

                if (f.When is not null)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key, key), f.Id, "a variant cannot be conditional");
                }

                var keys = new HashSet<ulong>();
                var defaults = 0;
                string? secondKey = null;
                foreach (var c in f.Cases)
                {
                    defaults += c.Keys.IsEmpty && c.KeyNames.IsEmpty ? 1 : 0;
                    foreach (var link in c.And?.Links() ?? [])
                    {
                        if (c.IsOwn(link))
                        {
                            // A value inside the layout itself, read from its bytes before the case is chosen.
                            if (seen.ContainsKey(link.FieldId))
                            {
                                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":case:" + c.Id, key), f.Id,
                                    "the case '" + c.Id + "' is chosen by '" + link.FieldId + "', which names one of its own fields and a field of the unit; rename one");
                            }
                            else if (Emit.VariantEmitter.ReadableOwnField(c, link.FieldId) is null)
                            {
                                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":case:" + c.Id, key), f.Id,
                                    "the case '" + c.Id + "' is chosen by its own field '" + link.FieldId + "', which must be an unsigned number or flag, or a byte " +
                                    "string of 1, 2, 3, 4, 6 or 8 bytes, at an offset its fields fix");
                            }

                            continue;
                        }

                        // The view carries one more value than the switch's: every case's 'and' on the unit reads the same field.
                        secondKey ??= link.FieldId;
                        if (link.FieldId != secondKey || !seen.TryGetValue(link.FieldId, out var af) || !IsInteger(af) || af.When is not null)
                        {
                            Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":case:" + c.Id, key), "The case '" + c.Id + "'",
                                "earlier unconditional integer field (the same for every case's 'and')", link.FieldId);
                        }
                    }

                    var fixedLength = Emit.Layout.Compute(c.Fields).FixedLength;
                    if (c.MinLength is { } minLength && (minLength < 1 || minLength > fixedLength))
                    {
                        // Chosen by the bytes available, the case must take at least that many itself: its view is its own bytes.
                        Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":case:" + c.Id, key), f.Id,
                            "the case '" + c.Id + "' has min_length " + minLength + ", which must be at least 1 and at most the " +
                            fixedLength + " bytes its fields take before any of variable size");
                    }

                    if (c.MaxLength is { } maxLength && (maxLength < 1 || maxLength < fixedLength))
                    {
                        // Chosen only when at most that many bytes are there, the case must still fit in them (and so exceed a
                        // valid min_length, which is at most those bytes).
                        Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":case:" + c.Id, key), f.Id,
                            "the case '" + c.Id + "' has max_length " + maxLength + ", which must be at least 1, its min_length and the " + fixedLength +
                            " bytes its fields take before any of variable size");
                    }

                    foreach (var k in c.Keys)
                    {
                        // A case with 'and', 'min_length' or 'max_length' is chosen before the case of the same value without one.
                        if (!c.IsConditional && !keys.Add(k))
                        {
                            Report(diagnostics, DiagnosticDescriptors.DuplicateProtocol, locations.Get(key + ":case:" + c.Id, key), "switch value", k);
                        }
                    }

                    ValidateFields(c.Fields, key + ":case:" + c.Id + ":field:", owner + "." + f.Id + "." + c.Id, locations, diagnostics, allowPayload: false);
                    foreach (var inner in c.Fields)
                    {
                        if (inner.Type == FieldType.Variant)
                        {
                            // A case's layout is emitted as a structure of fields; its own variants would need types nested in it.
                            Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":case:" + c.Id + ":field:" + inner.Id, key), inner.Id,
                                "a variant's case cannot switch again; give the outer variant one case per combination, or keep the bytes");
                        }
                    }

                    CheckStructure(c.Fields, key + ":case:" + c.Id + ":field:", locations, diagnostics);
                    CheckCaseNames(c.Id, c.TypeName, c.Fields, f.Cases.Where(o => o.Id != c.Id).SelectMany(o => o.Fields).Select(o => o.PropertyName), locations.Get(key + ":case:" + c.Id, key), diagnostics);
                }

                if (defaults > 1)
                {
                    Report(diagnostics, DiagnosticDescriptors.DuplicateProtocol, locations.Get(key), "default case of", f.Id);
                }
            }

            if (f.Type == FieldType.Repeat)
            {
                foreach (var child in f.Children)
                {
                    // An item is measured by its own fields: byte strings and lists in it need a length from them.
                    var sized = child.Type switch
                    {
                        FieldType.Bytes => Emit.Layout.FixedSize(child) >= 0 || child.Length is not null,
                        FieldType.Repeat => child.Length is not null && child.RepeatUntil is null && !Emit.RepeatEmitter.IsVariable(child),
                        FieldType.Tlv or FieldType.Payload or FieldType.Variant => false,
                        _ => true,
                    };
                    if (!sized || child.When is not null)
                    {
                        Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":" + child.Id, key), child.Id,
                            "a repeated item holds fixed-size fields, and byte strings or lists of fixed-size items sized by its own fields ('length:')");
                    }
                }

                if (f.RepeatTypeName is { } itemType && fields.FirstOrDefault(other => other.PropertyName == itemType) is { } clash)
                {
                    // The item type is nested beside the structure's properties: the same name is a compile error.
                    Report(diagnostics, DiagnosticDescriptors.NameClash, locations.Get(key, key), "item type of", f.Id, itemType, "the field '" + clash.Id + "'");
                }

                if (f.RepeatTypeName is { } typeName && (ItemMembers.Contains(typeName) || f.Children.Any(c => c.PropertyName == typeName || c.PropertyName + "Field" == typeName)))
                {
                    // A type's members may not be named as the type (its static descriptor is 'Item', each field's 'NameField').
                    Report(diagnostics, DiagnosticDescriptors.NameClash, locations.Get(key, key), "item type of", f.Id, typeName, "a member of the item type");
                }

                foreach (var child in f.Children)
                {
                    if (ItemMembers.Contains(child.PropertyName) || f.Children.Any(c => c.PropertyName + "Field" == child.PropertyName))
                    {
                        Report(diagnostics, DiagnosticDescriptors.NameClash, locations.Get(key + ":" + child.Id, key), "field", child.Id, child.PropertyName, "a member every item type has");
                    }
                }

                if (f.RepeatUntil is not null && Emit.RepeatEmitter.IsVariable(f))
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key, key), f.Id, "a repeat up to a marker holds fixed-size items");
                }

                if (f.RepeatUntil is { } until && !f.Children.Any(c => c.Id == until && IsInteger(c)))
                {
                    Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key, key), "The repeat of '" + f.Id + "'", "integer field of the item", until);
                }

                ValidateFields(f.Children, key + ":", owner + "." + f.Id, locations, diagnostics, allowPayload: false);
            }

            seen[f.Id] = f;
        }

        CloseGroup();
    }

    /// <summary>
    /// Names by condition (<c>alt: [{ when: …, id, display }]</c>): on a protocol's own unsigned integer, each condition on
    /// an earlier integer field that is unconditional or present on the same condition as this one (LLC's protocol id by
    /// its OUI, both present only after a SNAP header).
    /// </summary>
    private static void CheckConditionalAlts(EquatableArray<FieldSpec> fields, string owner, LocationLookup locations, List<DiagnosticInfo> diagnostics)
    {
        var seen = new Dictionary<string, FieldSpec>(StringComparer.Ordinal);
        var names = new HashSet<string>(fields.Select(f => f.Id), StringComparer.Ordinal);
        foreach (var f in fields)
        {
            var key = "field:" + f.Id;
            if (!f.AltWhen.IsEmpty)
            {
                if (f.Type != FieldType.UInt || f.Signed || f.Alt is not null || !f.ShowWhen.IsEmpty)
                {
                    Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(key + ":alt", key), f.Id, "names by condition ('alt' with 'when') apply to a protocol's own unsigned integer without another alt or a display condition");
                }

                foreach (var alt in f.AltWhen)
                {
                    if (!names.Add(alt.Id))
                    {
                        Report(diagnostics, DiagnosticDescriptors.DuplicateField, locations.Get(key + ":alt", key), alt.Id, owner);
                    }

                    foreach (var link in alt.When!.Links())
                    {
                        if (!seen.TryGetValue(link.FieldId, out var target) || !IsInteger(target) || (target.When is not null && target.When != f.When))
                        {
                            Report(diagnostics, DiagnosticDescriptors.UnknownReference, locations.Get(key + ":alt", key), "The alt '" + alt.Id + "' of '" + f.Id + "'",
                                "earlier integer field, unconditional or present on the same condition", link.FieldId);
                        }
                    }
                }
            }

            seen[f.Id] = f;
        }
    }

    /// <summary>Names a protocol's own field cannot have: the members the generated record and its view have besides the fields.</summary>
    private static readonly HashSet<string> ProtocolMembers = new(StringComparer.Ordinal)
    {
        "Descriptor", "Fields", "View", "FixedHeaderLength", "GetSize", "MeasureHeader", "TryParse", "TryWrite", "WriteJson", "Accept", "AcceptAvailable",
        "Bytes", "ComputedFields", "FieldAt", "HeaderBytes", "HeaderSize", "IsTruncated", "ReportedSize", "Size", "TestVectors", "ToRecord",
        "Equals", "GetHashCode", "ToString", "GetType", "Deconstruct", "EqualityContract", "PrintMembers",
    };

    /// <summary>Names a repeated item's type and its fields cannot have: the members every generated item type has.</summary>
    private static readonly HashSet<string> ItemMembers = new(StringComparer.Ordinal)
    {
        "Item", "Size", "Read", "WriteTo", "Accept", "GetSize", "Equals", "GetHashCode", "ToString", "GetType", "Deconstruct",
    };

    /// <summary>Names a case type cannot have: the members its base and generated code give it.</summary>
    private static readonly HashSet<string> ReservedCaseNames = new(StringComparer.Ordinal)
    {
        "View", "List", "Enumerator", "Unknown", "Raw", "Kind", "Data", "Length", "Value", "Bytes", "Item", "ItemDescriptors", "KindField", "LengthField", "DataField",
    };

    /// <summary>A case's type must not share a name with its own fields or with the members of the type that holds it.</summary>
    public static void CheckCaseNames(string caseId, string caseType, EquatableArray<FieldSpec> fields, IEnumerable<string> siblingFields, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (ReservedCaseNames.Contains(caseType))
        {
            Report(diagnostics, DiagnosticDescriptors.NameClash, location, "case", caseId, caseType, "a member every case type has");
        }

        foreach (var f in fields)
        {
            if (f.PropertyName == caseType)
            {
                Report(diagnostics, DiagnosticDescriptors.NameClash, location, "case", caseId, caseType, "its field '" + f.Id + "'");
            }
        }

        foreach (var name in siblingFields)
        {
            if (name == caseType)
            {
                Report(diagnostics, DiagnosticDescriptors.NameClash, location, "case", caseId, caseType, "the field '" + Naming.ToSnake(name) + "' of another case");
            }
        }
    }

    /// <summary>
    /// A case of a TLV set or a variant: fixed fields, then variable ones, each sized by an earlier field, except the
    /// last, which may take the rest.
    /// </summary>
    public static void CheckStructure(EquatableArray<FieldSpec> fields, string prefix, LocationLookup locations, List<DiagnosticInfo> diagnostics)
    {
        FieldSpec? open = null;
        foreach (var f in fields)
        {
            var variable = Emit.Layout.IsVariableSize(f);
            if (open is not null)
            {
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(prefix + f.Id), f.Id, "it follows '" + open.Id + "', which has no length; only the last field may take the rest");
            }

            if (variable && f.Length is null)
            {
                open = f;
            }

            if (f.When is not null)
            {
                Report(diagnostics, DiagnosticDescriptors.UnsupportedLayout, locations.Get(prefix + f.Id), f.Id, "a case's fields cannot be conditional");
            }
        }
    }

    private static IEnumerable<ulong> Values(ValidationSpec valid)
    {
        if (valid.Eq is { } eq)
        {
            yield return eq;
        }

        if (valid.Min is { } min)
        {
            yield return min;
        }

        if (valid.Max is { } max)
        {
            yield return max;
        }

        foreach (var v in valid.AnyOf)
        {
            yield return v;
        }
    }

    private static void CheckFits(ulong value, int bits, string what, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (bits > 0 && bits < 64 && value >> bits != 0)
        {
            Report(diagnostics, DiagnosticDescriptors.ValueDoesNotFit, location, value, what, bits + " bits");
        }
    }

    // The descriptors of decoded fields are named by their path (a list's name, then its field's: QueriesName); two
    // paths that spell the same name (a field extensions_length beside a list extensions holding length) would not
    // compile, so they are reported here.
    private static void CheckDecodedNames(ProtocolSpec spec, LocationLookup locations, List<DiagnosticInfo> diagnostics)
    {
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in spec.Fields)
        {
            taken[f.PropertyName] = f.Id;
        }

        CheckDecodedNames(spec.Fields, "field:", taken, string.Empty, string.Empty, locations, diagnostics);
    }

    /// <summary>
    /// The descriptors of the fields each <c>decode:</c> of <paramref name="fields"/> reports are named by their path and
    /// <paramref name="suffix"/> (<c>QueriesName</c>; <c>MultipathFlagsField</c>, beside the case's own): none may take a
    /// name in <paramref name="taken"/> or another's. <paramref name="owner"/> prefixes the C# name in the message.
    /// </summary>
    private static void CheckDecodedNames(
        EquatableArray<FieldSpec> fields, string prefix, Dictionary<string, string> taken, string suffix, string owner, LocationLookup locations, List<DiagnosticInfo> diagnostics)
    {
        foreach (var f in fields)
        {
            if (f.Decode)
            {
                Walk(f.Children, string.Empty, string.Empty, locations.Get(prefix + f.Id + ":decode", prefix + f.Id));
            }
        }

        void Walk(EquatableArray<FieldSpec> decoded, string parent, string path, LocationInfo? location)
        {
            foreach (var d in decoded)
            {
                var name = parent + d.PropertyName;
                var id = path.Length == 0 ? d.Id : path + "." + d.Id;
                foreach (var candidate in d.Type == FieldType.DecodedList ? new[] { name + suffix, name + "Item" } : [name + suffix])
                {
                    if (taken.TryGetValue(candidate, out var other))
                    {
                        Report(diagnostics, DiagnosticDescriptors.NameClash, location, "decoded field", id, owner + candidate, "'" + other + "'");
                    }
                    else
                    {
                        taken[candidate] = id;
                    }
                }

                if (d.Type == FieldType.DecodedList)
                {
                    Walk(d.Children, name, id, location);
                }
            }
        }
    }

    public static bool IsInteger(FieldSpec f) => (f.Type is FieldType.UInt && !f.Signed) || f.Type is FieldType.Bool;

    public static void Report(List<DiagnosticInfo> diagnostics, Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params object?[] args) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));
}
