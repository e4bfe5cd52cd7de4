using System.Collections.Generic;
using System.Linq;
using PcapKit.Generators.Model;

namespace PcapKit.Generators.Emit;

internal sealed partial class ProtocolEmitter
{
    /// <summary>The local holding where a checksum that follows a variable part was written.</summary>
    private const string WalkedChecksumOffset = "checksumOffset";

    private int PaddingScale => _headerSize?.SizeOf is { Scale: > 1 } s ? s.Scale : 1;

    private void EmitGetSize()
    {
        _w.Line("/// <summary>The number of bytes <see cref=\"TryWrite(" + WriteSignatureCref(false) + ")\"/> writes, header padding included.</summary>");
        _w.Line("/// <returns>The size in bytes.</returns>");
        _w.Line("public int GetSize() => MeasureHeader(pad: true)" + (_payload is { } p ? " + " + p.PropertyName + ".Length" : string.Empty) + ";");
        _w.Line();
        _w.Open("private int MeasureHeader(bool pad)");
        _w.Line("var length = FixedHeaderLength;");
        foreach (var fl in WalkedFields)
        {
            var f = fl.Field;
            switch (f.Type)
            {
                case FieldType.Payload:
                    break;
                case FieldType.Tlv:
                    var tlv = _code.Tlv(f)!;
                    _w.Line("length += " + FieldCode.Qualify(tlv.Namespace, tlv.TypeName) + ".GetSize(" + f.PropertyName + ") + " + f.PropertyName + "Trailing.Length;");
                    break;
                case FieldType.Repeat:
                    _w.Line("length += " + StructEmitter.ListSize(f) + ";");
                    break;
                case FieldType.Variant:
                    _w.Line("length += " + f.PropertyName + "?.GetSize() ?? 0;");
                    break;
                case FieldType.Bytes when IsVariableSize(fl):
                    _w.Line("length += " + f.PropertyName + ".Length;");
                    break;
                default:
                    _w.Line(f.When is not null
                        ? (f.Type == FieldType.Bytes ? "if (!" + f.PropertyName + ".IsEmpty) " : "if (" + f.PropertyName + " is not null) ") + "length += " + fl.Size + ";"
                        : "length += " + fl.Size + ";");
                    break;
            }
        }

        if (PaddingScale > 1)
        {
            _w.Open("if (pad)");
            _w.Line("length = (length + " + (PaddingScale - 1) + ") / " + PaddingScale + " * " + PaddingScale + ";");
            _w.Close();
            _w.Line();
        }
        else
        {
            _w.Line("_ = pad;");
        }

        _w.Line("return length;");
        _w.Close();
        _w.Line();
    }

    private string WriteSignatureCref(bool withFlags) =>
        "global::System.Span{byte}, " + (HasPseudo ? "in global::PcapKit.Buffers.IpPseudoHeader, " : string.Empty) + (withFlags ? "global::PcapKit.Buffers.WriteFlags, " : string.Empty) + "out int";

    private void EmitTryWrite()
    {
        _w.Line("/// <summary>Writes the unit, computing length fields, header padding" + (_checksum is null ? string.Empty : " and the checksum") + ".</summary>");
        _w.Line("/// <param name=\"destination\">Where to write.</param>");
        if (HasPseudo)
        {
            _w.Line("/// <param name=\"" + PseudoName + "\">The pseudo-header of the enclosing IP layer; <c>default</c> leaves the checksum as the record holds it.</param>");
        }

        _w.Line("/// <param name=\"written\">The number of bytes written.</param>");
        _w.Line("/// <returns><see cref=\"global::System.Buffers.OperationStatus.Done\"/>, <c>DestinationTooSmall</c>, or <c>InvalidData</c> when a value does not fit its field.</returns>");
        _w.Line("public global::System.Buffers.OperationStatus TryWrite(global::System.Span<byte> destination, " + PseudoParam + "out int written) =>");
        _w.Line("    TryWrite(destination, " + PseudoArg + "global::PcapKit.Buffers.WriteFlags.None, out written);");
        _w.Line();
        _w.Line("/// <summary>Writes the unit; <paramref name=\"flags\"/> say whether length fields and the checksum are computed or copied from the record.</summary>");
        _w.Line("/// <param name=\"destination\">Where to write.</param>");
        if (HasPseudo)
        {
            _w.Line("/// <param name=\"" + PseudoName + "\">The pseudo-header of the enclosing IP layer; <c>default</c> leaves the checksum as the record holds it.</param>");
        }

        _w.Line("/// <param name=\"flags\">What to copy from the record rather than compute.</param>");
        _w.Line("/// <param name=\"written\">The number of bytes written.</param>");
        _w.Line("/// <returns><see cref=\"global::System.Buffers.OperationStatus.Done\"/>, <c>DestinationTooSmall</c>, or <c>InvalidData</c> when a value does not fit its field.</returns>");
        _w.Open("public global::System.Buffers.OperationStatus TryWrite(global::System.Span<byte> destination, " + PseudoParam + "global::PcapKit.Buffers.WriteFlags flags, out int written)");
        _w.Line("written = 0;");
        _w.Line("var computeLengths = (flags & global::PcapKit.Buffers.WriteFlags.PreserveLengths) == 0;");
        _w.Line("var headerLength = MeasureHeader(pad: computeLengths);");
        _w.Line("var length = headerLength" + (_payload is { } pl ? " + " + pl.PropertyName + ".Length" : string.Empty) + ";");
        _w.Open("if (destination.Length < length)");
        _w.Line("return global::System.Buffers.OperationStatus.DestinationTooSmall;");
        _w.Close();
        _w.Line();
        _w.Line("destination = destination.Slice(0, length);");
        _w.Line("destination.Slice(0, headerLength).Clear();");
        _w.Line();

        // Length fields: computed from the record's contents unless preserved.
        var locals = new Dictionary<string, string>();
        foreach (var f in _spec.Fields)
        {
            string? measured = f.SizeOf?.Region switch
            {
                RegionKind.Header => "headerLength",
                RegionKind.Datagram => "length",
                RegionKind.Payload => "(length - headerLength)",
                RegionKind.Options => "(headerLength - FixedHeaderLength)",
                _ => null,
            };
            SizeOfSpec? scale = f.SizeOf;
            foreach (var other in _spec.Fields)
            {
                if (other.Length is { } len && len.FieldId == f.Id)
                {
                    // A list's length is its items' bytes (and the bytes after its last whole item); a byte string's, its own.
                    measured = other.Type == FieldType.Repeat
                        ? "(" + StructEmitter.ListSize(other) + ")"
                        : other.PropertyName + ".Length";
                    scale = new SizeOfSpec(RegionKind.Rest, len.Scale, len.Offset);
                }
            }

            if (measured is null || scale is null)
            {
                continue;
            }

            var local = Naming.ToCamel(f.PropertyName).TrimStart('@') + "Value";
            locals[f.Id] = local;
            _w.Line("var " + local + " = " + FieldCode.ToUlong(f, f.PropertyName) + ";");
            _w.Open("if (computeLengths)");
            var adjusted = scale.Offset == 0 ? measured : "(" + measured + (scale.Offset > 0 ? " - " : " + ") + System.Math.Abs(scale.Offset) + ")";
            if (scale.Scale != 1)
            {
                _w.Open("if (" + adjusted + " % " + scale.Scale + " != 0)");
                _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                _w.Close();
                _w.Line();
                _w.Line(local + " = (ulong)(" + adjusted + " / " + scale.Scale + ");");
            }
            else
            {
                _w.Line(local + " = (ulong)" + adjusted + ";");
            }

            _w.Close();
            _w.Line();
        }

        // Fixed fields, then bit groups.
        var groups = new List<List<FieldLayout>>();
        foreach (var fl in _layout.Fields)
        {
            if (!IsConstantScalar(fl))
            {
                continue;
            }

            if (fl.IsBits)
            {
                if (groups.Count == 0 || groups[groups.Count - 1][0].GroupOffset != fl.GroupOffset)
                {
                    groups.Add([]);
                }

                groups[groups.Count - 1].Add(fl);
                continue;
            }

            EmitWriteScalar(fl, ConstName(fl), locals.TryGetValue(fl.Field.Id, out var l) ? l : null);
        }

        foreach (var group in groups)
        {
            var name = "group" + group[0].GroupOffset;
            _w.Line("ulong " + name + " = 0;");
            foreach (var fl in group)
            {
                var value = locals.TryGetValue(fl.Field.Id, out var l) ? l : FieldCode.ToUlong(fl.Field, fl.Field.PropertyName);
                if (fl.Field.Type != FieldType.Bool)
                {
                    _w.Open("if (" + value + " > " + Naming.Hex(fl.Mask) + ")");
                    _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                    _w.Close();
                    _w.Line();
                }

                _w.Line(name + " |= " + value + (fl.Shift == 0 ? string.Empty : " << " + fl.Shift) + ";");
            }

            _w.Line(FieldCode.WriteUnsigned("destination", ConstName(group[0]), group[0].GroupBytes, group[0].Field.Endian, name));
            _w.Line();
        }

        var walked = WalkedFields.Where(fl => fl.Field.Type != FieldType.Payload).ToList();
        if (walked.Count > 0)
        {
            _w.Line("var position = FixedHeaderLength;");
        }

        var walkedChecksum = _checksum is { } sum && walked.Exists(fl => fl.Field.Id == sum.Id);
        if (walkedChecksum)
        {
            // After a variable part (a variant, a list) or present only on a condition: filled in where it was written.
            _w.Line("var " + WalkedChecksumOffset + " = -1;");
        }

        foreach (var fl in walked)
        {
            var f = fl.Field;
            switch (f.Type)
            {
                case FieldType.Tlv:
                    var tlv = _code.Tlv(f)!;
                    _w.Open("if (" + FieldCode.Qualify(tlv.Namespace, tlv.TypeName) + ".TryWrite(" + f.PropertyName + ", destination.Slice(position), out var " + Local(fl, "Written") + ") != global::System.Buffers.OperationStatus.Done)");
                    _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                    _w.Close();
                    _w.Line();
                    _w.Line("position += " + Local(fl, "Written") + ";");
                    _w.Line(f.PropertyName + "Trailing.Span.CopyTo(destination.Slice(position));");
                    _w.Line("position += " + f.PropertyName + "Trailing.Length;");
                    break;
                case FieldType.Repeat:
                    _w.Open("if (" + f.RepeatTypeName + "List.TryWrite(" + f.PropertyName + ", destination.Slice(position), out var " + Local(fl, "Written") + ") != global::System.Buffers.OperationStatus.Done)");
                    _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                    _w.Close();
                    _w.Line();
                    _w.Line("position += " + Local(fl, "Written") + ";");
                    if (StructEmitter.HasTrailing(f))
                    {
                        _w.Line(f.PropertyName + "Trailing.Span.CopyTo(destination.Slice(position));");
                        _w.Line("position += " + f.PropertyName + "Trailing.Length;");
                    }

                    break;
                case FieldType.Variant:
                    _w.Open("if (" + f.PropertyName + " is not null)");
                    _w.Open("if (" + f.PropertyName + ".TryWrite(destination.Slice(position), out var " + Local(fl, "Written") + ") != global::System.Buffers.OperationStatus.Done)");
                    _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                    _w.Close();
                    _w.Line();
                    _w.Line("position += " + Local(fl, "Written") + ";");
                    _w.Close();
                    break;
                case FieldType.Bytes when IsVariableSize(fl):
                    _w.Line(f.PropertyName + ".Span.CopyTo(destination.Slice(position));");
                    _w.Line("position += " + f.PropertyName + ".Length;");
                    break;
                default:
                    if (f.When is not null)
                    {
                        _w.Open(f.Type == FieldType.Bytes ? "if (!" + f.PropertyName + ".IsEmpty)" : "if (" + f.PropertyName + " is not null)");
                    }

                    if (walkedChecksum && _checksum!.Id == f.Id)
                    {
                        _w.Line(WalkedChecksumOffset + " = position;");
                    }

                    EmitWriteScalar(fl, "position", null, f.When is not null);
                    _w.Line("position += " + fl.Size + ";");
                    if (f.When is not null)
                    {
                        _w.Close();
                    }

                    break;
            }

            _w.Line();
        }

        if (walked.Count > 0)
        {
            _w.Line("_ = position;");
        }

        if (_payload is { } payload)
        {
            _w.Line(payload.PropertyName + ".Span.CopyTo(destination.Slice(headerLength));");
            _w.Line();
        }

        if (_checksum is { } cs)
        {
            var fl = _layout.Find(cs.Id)!;
            var spec = cs.Checksum!;
            var offset = walkedChecksum ? WalkedChecksumOffset : ConstName(fl);
            var covered = spec.CoversPayload ? "destination" : "destination.Slice(0, headerLength)";
            var usesPseudo = spec.PseudoHeaderParam is not null;
            // A coverage that stops before the end of the checksum field (illegal) leaves the checksum as it is.
            var legalCoverage = spec.CoverageField is { } coverageId
                ? " && (" + _spec.Fields.First(f => f.Id == coverageId).PropertyName + " == 0 || " + _spec.Fields.First(f => f.Id == coverageId).PropertyName + " >= " + offset + " + 2)"
                : string.Empty;
            _w.Open("if ((flags & global::PcapKit.Buffers.WriteFlags.PreserveChecksums) == 0" + (walkedChecksum ? " && " + WalkedChecksumOffset + " >= 0" : string.Empty) +
                    (usesPseudo ? " && " + PseudoName + ".IsPresent" : string.Empty) + legalCoverage + ")");
            var pseudoLength = covered + ".Length";
            if (spec.CoverageField is { } coverageField)
            {
                var cf = _spec.Fields.First(f => f.Id == coverageField);
                _w.Line("// The checksum covers the first " + coverageField + " bytes (0: all), the pseudo-header the whole length.");
                _w.Line("var covered = " + cf.PropertyName + " == 0 || " + cf.PropertyName + " > destination.Length ? destination : destination.Slice(0, " + cf.PropertyName + ");");
                covered = "covered";
            }

            _w.Line("var checksum = global::PcapKit.Buffers.Inet16.Compute(" + covered + ", " + offset + (usesPseudo ? ", " + PseudoName + ".Sum(" + pseudoLength + ")" : string.Empty) + ");");
            if (spec.ZeroMeansNone)
            {
                _w.Line("checksum = checksum == 0 ? (ushort)0xFFFF : checksum; // zero means \"no checksum\"");
            }

            _w.Line(FieldCode.Bp + ".WriteUInt16BigEndian(destination.Slice(" + offset + "), checksum);");
            _w.Close();
            _w.Line();
        }
        else if (HasPseudo)
        {
            _w.Line("_ = " + PseudoName + ";");
        }

        _w.Line("written = length;");
        _w.Line("return global::System.Buffers.OperationStatus.Done;");
        _w.Close();
        _w.Line();
    }

    private void EmitWriteScalar(FieldLayout fl, string offset, string? local, bool nullable = false)
    {
        var f = fl.Field;
        var access = nullable && f.Type != FieldType.Bytes ? f.PropertyName + ".Value" : f.PropertyName;
        switch (f.Type)
        {
            case FieldType.UInt:
                var bits = FieldCode.ValueBits(f);
                var natural = f.ByteWidth is 1 or 2 or 4 or 8;
                if (!natural || local is not null)
                {
                    var value = local ?? "(ulong)" + access;
                    _w.Open("if (" + value + " > " + Naming.Hex(bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1) + ")");
                    _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                    _w.Close();
                    _w.Line();
                    _w.Line(FieldCode.WriteUnsigned("destination", offset, f.ByteWidth, f.Endian, value));
                }
                else
                {
                    _w.Line(FieldCode.WriteUnsigned("destination", offset, f.ByteWidth, f.Endian, access, cast: _code.Enum(f) is not null || f.Signed));
                }

                break;
            case FieldType.Mac:
            case FieldType.Ipv4:
            case FieldType.Ipv6:
                _w.Line(access + ".WriteTo(destination.Slice(" + offset + "));");
                break;
            case FieldType.Bytes:
                _w.Line(access + ".Span.Slice(0, global::System.Math.Min(" + access + ".Length, " + fl.Size + ")).CopyTo(destination.Slice(" + offset + "));");
                break;
        }
    }

    private void EmitRecordJson()
    {
        _w.Line("/// <summary>Writes the record as JSON: the object <see cref=\"View.WriteJson\"/> writes for the bytes this record writes.</summary>");
        _w.Line("/// <param name=\"writer\">The writer.</param>");
        _w.Open("public void WriteJson(global::System.Text.Json.Utf8JsonWriter writer)");
        _w.Line("global::System.ArgumentNullException.ThrowIfNull(writer);");
        _w.Line("var buffer = global::System.Buffers.ArrayPool<byte>.Shared.Rent(GetSize() + MeasureHeader(pad: false));");
        _w.Open("try");
        _w.Line("// The record's own lengths first; when they do not describe its contents, the computed ones.");
        _w.Line("if ((TryWrite(buffer, " + (HasPseudo ? "default, " : string.Empty) + "global::PcapKit.Buffers.WriteFlags.Preserve, out var written) != global::System.Buffers.OperationStatus.Done ||");
        _w.Line("     !View.TryParse(global::System.MemoryExtensions.AsSpan(buffer, 0, written), out var view).IsOk) &&");
        _w.Line("    (TryWrite(buffer, " + (HasPseudo ? "default, " : string.Empty) + "global::PcapKit.Buffers.WriteFlags.PreserveChecksums, out written) != global::System.Buffers.OperationStatus.Done ||");
        _w.Line("     !View.TryParse(global::System.MemoryExtensions.AsSpan(buffer, 0, written), out view).IsOk))");
        _w.Line("{");
        _w.Line("    throw new global::System.InvalidOperationException(\"The record's fields do not make a valid " + _spec.Id + " unit.\");");
        _w.Line("}");
        _w.Line();
        _w.Line("view.WriteJson(writer);");
        _w.Close();
        _w.Open("finally");
        _w.Line("global::System.Buffers.ArrayPool<byte>.Shared.Return(buffer);");
        _w.Close();
        _w.Close();
        _w.Line();
    }

    private void EmitEquality()
    {
        var isVirtual = !_spec.IsSealed;
        _w.Line("/// <summary>Compares every field by value (byte strings by content).</summary>");
        _w.Line("/// <param name=\"other\">The other record.</param>");
        _w.Line("/// <returns>Whether they are equal.</returns>");
        _w.Open("public " + (isVirtual ? "virtual " : string.Empty) + "bool Equals(" + _spec.TypeName + "? other)");
        _w.Open("if (other is null)");
        _w.Line("return false;");
        _w.Close();
        _w.Line();
        var terms = new List<string>();
        if (isVirtual)
        {
            terms.Add("EqualityContract == other.EqualityContract");
        }

        foreach (var f in _spec.Fields)
        {
            terms.Add(f.Type is FieldType.Bytes or FieldType.Payload
                ? "global::System.MemoryExtensions.SequenceEqual(" + f.PropertyName + ".Span, other." + f.PropertyName + ".Span)"
                : f.PropertyName + " == other." + f.PropertyName);
            if (StructEmitter.HasTrailing(f))
            {
                terms.Add("global::System.MemoryExtensions.SequenceEqual(" + f.PropertyName + "Trailing.Span, other." + f.PropertyName + "Trailing.Span)");
            }
        }

        _w.Line("return ReferenceEquals(this, other) ||");
        _w.Line("    (" + string.Join(" &&\n" + new string(' ', (_w.Indent * 4) + 5), terms) + ");");
        _w.Close();
        _w.Line();
        _w.Line("/// <inheritdoc/>");
        _w.Open("public override int GetHashCode()");
        _w.Line("var hash = default(global::System.HashCode);");
        foreach (var f in _spec.Fields)
        {
            _w.Line(f.Type is FieldType.Bytes or FieldType.Payload
                ? "hash.AddBytes(" + f.PropertyName + ".Span);"
                : "hash.Add(" + f.PropertyName + ");");
        }

        _w.Line("return hash.ToHashCode();");
        _w.Close();
        _w.Line();
    }

    private void EmitFieldDescriptors()
    {
        _w.Line("/// <summary>Descriptors of the fields, in wire order, for output and <c>pcapkit fields</c>.</summary>");
        _w.Line(GeneratedCode);
        _w.Open("public static class Fields");
        var all = new List<string>();
        foreach (var f in _spec.Fields)
        {
            string? children = null;
            if (f.Type == FieldType.Tlv && _code.Tlv(f) is { } tlv)
            {
                children = FieldCode.Qualify(tlv.Namespace, tlv.TypeName) + ".ItemDescriptors";
            }
            else if (f.Type == FieldType.Repeat)
            {
                children = "[" + f.RepeatTypeName + ".Item]";
            }
            else if (f.Type == FieldType.Variant)
            {
                children = _code.ValueType(f) + ".ItemDescriptors";
            }
            else if (f.Decode)
            {
                children = "[" + string.Join(", ", EmitDecodedDescriptors(f.Children, string.Empty)) + "]";
            }

            var scaled = f.DisplayScaled ? f.SizeOf : null;
            _w.Line("/// <summary>The field <c>" + f.Id + "</c>.</summary>");
            _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + f.PropertyName + " = " + _code.Descriptor(f, _spec.Display, children, scaled) + ";");
            _w.Line();
            all.Add(f.PropertyName);
            if (f.Alt is { Size: > 0 } sized)
            {
                _w.Line("/// <summary>The field <c>" + f.Id + "</c> when it is " + sized.Size + " bytes long: an address, shown as <c>" + sized.Id + "</c>.</summary>");
                _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + f.PropertyName + "Alt = new(" + Naming.Literal(sized.Id) + ", " +
                        Naming.Literal(_spec.Display + "." + sized.Display) + ", " + FieldCode.Dissection + ".FieldKind.Address, " + (sized.Size * 8) + ");");
                _w.Line();
                all.Add(f.PropertyName + "Alt");
            }
            var n = 0;
            foreach (var named in f.AltWhen)
            {
                // The field under another name (and the names of its values) while a condition holds: a descriptor of its own.
                n++;
                var shown = f with { Id = named.Id, Display = named.Display, EnumId = named.Enum is null ? f.EnumId : null, NamesEnumId = named.Enum ?? f.NamesEnumId, AltWhen = EquatableArray<AltDisplaySpec>.Empty };
                _w.Line("/// <summary>The field <c>" + f.Id + "</c> while its condition " + n + " holds, shown as <c>" + named.Id + "</c>.</summary>");
                _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + f.PropertyName + "Alt" + n + " = " + _code.Descriptor(shown, _spec.Display) + ";");
                _w.Line();
                all.Add(f.PropertyName + "Alt" + n);
            }

            if (f.Alt is { Size: 0 } alt)
            {
                _w.Line("/// <summary>The field <c>" + f.Id + "</c> while its value is at most " + alt.Max + ", shown as <c>" + alt.Id + "</c>.</summary>");
                _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + f.PropertyName + "Alt = new(" + Naming.Literal(alt.Id) + ", " +
                        Naming.Literal(_spec.Display + "." + alt.Display) + ", " + FieldCode.Dissection + ".FieldKind.UInt, " + FieldCode.ValueBits(f) + ");");
                _w.Line();
                all.Add(f.PropertyName + "Alt");
            }

            if (StructEmitter.HasTrailing(f))
            {
                var d = (f.Display ?? f.Id) + "_trailing";
                _w.Line("/// <summary>Bytes after the " + (f.Type == FieldType.Tlv ? "options" : "whole items") + " of <c>" + f.Id + "</c>.</summary>");
                _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + f.PropertyName + "Trailing = new(" + Naming.Literal(f.Id + "_trailing") + ", " +
                        Naming.Literal(_spec.Display + "." + d) + ", " + FieldCode.Dissection + ".FieldKind.Bytes);");
                _w.Line();
                all.Add(f.PropertyName + "Trailing");
            }

        }

        var computed = new List<string>();
        foreach (var c in _spec.Computed)
        {
            var display = c.Display ?? c.Id;
            _w.Line("/// <summary>The computed field <c>" + c.Id + "</c>.</summary>");
            _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + c.PropertyName + " = new(" + Naming.Literal(c.Id) + ", " +
                    Naming.Literal(_spec.Display + "." + display) + ", " + FieldCode.Dissection + ".FieldKind.UInt, 32);");
            _w.Line();
            computed.Add(c.PropertyName);
        }

        _w.Line("internal static readonly " + FieldCode.Dissection + ".FieldDescriptor[] All = [" + string.Join(", ", all) + "];");
        _w.Line();
        _w.Line("internal static readonly " + FieldCode.Dissection + ".FieldDescriptor[] Computed = [" + string.Join(", ", computed) + "];");
        _w.Close();
        _w.Line();
    }

    /// <summary>Emits the descriptors of the fields a <c>decode:</c> hook reports (<c>QueriesName</c>); returns the top-level ones' names.</summary>
    private List<string> EmitDecodedDescriptors(IEnumerable<FieldSpec> fields, string parent)
    {
        var names = new List<string>();
        foreach (var (name, initializer, summary) in _code.DecodedDescriptors(fields, parent, string.Empty, _spec.Display, names))
        {
            _w.Line("/// <summary>" + summary + "</summary>");
            _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + name + " = " + initializer + ";");
            _w.Line();
        }

        return names;
    }

    private void EmitDescriptor()
    {
        var dispatch = _payload?.Dispatch;
        var tableNames = dispatch is null ? [] : dispatch.Tables.IsEmpty ? new List<string> { dispatch.Table } : dispatch.Tables.ToList();
        var tables = "[" + string.Join(", ", tableNames.Select(Naming.Literal)) + "]";
        var labelList = dispatch is null ? [] : tableNames.Select((_, i) => i < dispatch.ChainLabels.Count && dispatch.ChainLabels[i].Length > 0 ? Naming.Literal(dispatch.ChainLabels[i]) : "null").ToList();
        var labels = labelList.Any(l => l != "null") ? ", [" + string.Join(", ", labelList) + "]" : string.Empty;
        var registrations = "[" + string.Join(", ", _spec.Registrations.Select(r => "new(" + Naming.Literal(r.Table) + ", " + Naming.Hex(r.Key) + (r.Chain is null ? string.Empty : ", " + Naming.Literal(r.Chain)) + ")")) + "]";
        var layer = _spec.Layer switch { "link" => "Link", "internet" => "Internet", "transport" => "Transport", _ => "Application" };

        _w.Line();
        _w.Line(GeneratedCode);
        _w.Open("private sealed class " + _spec.TypeName + "Descriptor : " + FieldCode.Dissection + ".ProtocolDescriptor");
        _w.Line("public static readonly " + _spec.TypeName + "Descriptor Instance = new();");
        _w.Line();
        if (!_spec.Tests.IsEmpty)
        {
            _w.Line("private static readonly " + FieldCode.Dissection + ".ProtocolTestVector[] Vectors =");
            _w.Line("[");
            _w.Indent++;
            foreach (var t in _spec.Tests)
            {
                var pairs = string.Join(", ", t.Expect.Select(e => "new(" + Naming.Literal(e.FieldId) + ", " + Naming.Literal(e.Value) + ")"));
                _w.Line("new(" + Naming.Literal(t.Hex) + ", new global::System.Collections.Generic.KeyValuePair<string, string>[] { " + pairs + " }),");
            }

            _w.Indent--;
            _w.Line("];");
            _w.Line();
        }

        _w.Line("private " + _spec.TypeName + "Descriptor()");
        _w.Line("    : base(" + Naming.Literal(_spec.Id) + ", " + Naming.Literal(_spec.Title) + ", " + Naming.Literal(_spec.Rfc) + ", " + Naming.Literal(_spec.Display) + ", " +
                Naming.Literal(_spec.Chain) + ", " + FieldCode.Dissection + ".LayerKind." + layer + ", " + _type + ".Fields.All, " + registrations + ", " + tables + labels + ")");
        _w.Line("{");
        _w.Line("}");
        _w.Line();
        _w.Line("public override global::System.Collections.Generic.IReadOnlyList<" + FieldCode.Dissection + ".FieldDescriptor> ComputedFields => " + _type + ".Fields.Computed;");
        _w.Line();
        if (!_spec.HeuristicTables.IsEmpty)
        {
            _w.Line("public override global::System.Collections.Generic.IReadOnlyList<string> HeuristicTables { get; } = [" + string.Join(", ", _spec.HeuristicTables.Select(Naming.Literal)) + "];");
            _w.Line();
            _w.Line("public override bool IsHeuristicMatch(" + FieldCode.Span + " payload) => " + _type + ".IsHeuristicMatch(payload);");
            _w.Line();
        }

        if (!_spec.Tests.IsEmpty)
        {
            _w.Line("public override global::System.Collections.Generic.IReadOnlyList<" + FieldCode.Dissection + ".ProtocolTestVector> TestVectors => Vectors;");
            _w.Line();
        }

        _w.Line("public override void Dissect(" + FieldCode.Span + " data, ref " + FieldCode.Dissection + ".DissectionContext context, out " + FieldCode.Dissection + ".LayerResult result)");
        _w.Line("{");
        _w.Indent++;
        _w.Line("result = default;");
        _w.Line("result.NextTable = -1;");
        _w.Line("result.Parse = View.TryParse(data, context.ReportedLength, out var view);");
        _w.Open("if (!result.Parse.IsOk)");
        _w.Line("result.Length = data.Length;");
        _w.Line("result.ReportedLength = context.ReportedLength < 0 ? -1 : global::System.Math.Max(context.ReportedLength, data.Length);");
        _w.Line("return;");
        _w.Close();
        _w.Line();
        _w.Line("result.HeaderLength = view.HeaderSize;");
        _w.Line("result.Length = view.Size;");
        _w.Line("result.Truncated = view.IsTruncated;");
        _w.Line("result.ReportedLength = view.ReportedSize;");
        if (_checksum is { } cs)
        {
            _w.Open("if (context.VerifyChecksums)");
            var arg = cs.Checksum!.PseudoHeaderParam is null ? string.Empty : "context.PseudoHeader.WithProtocol((byte)context.DispatchKey)";
            _w.Line("var checksum = view.VerifyChecksum(" + arg + ");");
            _w.Line("result.Checksum = checksum.Status;");
            _w.Line("result.ChecksumVerified = true;");
            _w.Close();
        }

        if (_spec.Supplies is { } supplies)
        {
            var src = _spec.Fields.First(f => f.Id == supplies.SourceField);
            var dst = _spec.Fields.First(f => f.Id == supplies.DestinationField);
            var method = src.Type == FieldType.Ipv6 ? "ForIpv6" : "ForIpv4";
            _w.Line("context.PseudoHeader = global::PcapKit.Buffers.IpPseudoHeader." + method + "(view." + src.PropertyName + ", view." + dst.PropertyName + ", 0);");
        }

        if (dispatch?.FragmentWhen is { } fragment)
        {
            _w.Line("// A first fragment: the upper-layer unit's length is known only after reassembly.");
            _w.Line("result.PayloadIsFragment = " + ConditionOnView(fragment) + ";");
        }

        if (dispatch is { Hook: true })
        {
            var condition = dispatch.When is { } when ? ConditionOnView(when) : null;
            if (condition is not null)
            {
                _w.Open("if (" + condition + ")");
            }
            else
            {
                _w.Line("{");
                _w.Indent++;
            }

            _w.Line("var selection = new " + FieldCode.Dissection + ".DispatchSelection();");
            _w.Line("SelectDispatch(view, ref selection);");
            _w.Line("result.NextTable = selection.Table;");
            _w.Line("result.KeyCount = selection.KeyCount;");
            _w.Line("result.Key0 = selection.Key0;");
            _w.Line("result.Key1 = selection.Key1;");
            _w.Open("if (selection.Table >= 0 && selection.PayloadOffset >= 0 && selection.PayloadOffset <= result.Length)");
            _w.Line("result.HeaderLength = selection.PayloadOffset;");
            _w.Close();
            _w.Open("if (selection.PayloadLength >= 0 && result.HeaderLength + selection.PayloadLength < result.Length)");
            _w.Line("result.Length = result.HeaderLength + selection.PayloadLength;");
            _w.Line("result.Repeats = selection.Repeats;");
            _w.Close();
            if (dispatch.Quoted)
            {
                _w.Line("result.PayloadIsQuoted = selection.Table >= 0;");
            }

            _w.Close();
        }
        else if (dispatch is not null)
        {
            var keys = dispatch.Keys.Select(k => _spec.Fields.First(f => f.Id == k)).ToList();
            var condition = dispatch.When is { } when ? ConditionOnView(when) : null;
            if (condition is not null)
            {
                _w.Open("if (" + condition + ")");
            }
            else
            {
                _w.Line("{");
                _w.Indent++;
            }

            _w.Line("result.NextTable = 0;");
            if (keys.Count == 1)
            {
                _w.Line("result.KeyCount = 1;");
                _w.Line("result.Key0 = " + FieldCode.ToUlong(keys[0], "view." + keys[0].PropertyName) + ";");
            }
            else
            {
                _w.Line("var first = " + FieldCode.ToUlong(keys[0], "view." + keys[0].PropertyName) + ";");
                _w.Line("var second = " + FieldCode.ToUlong(keys[1], "view." + keys[1].PropertyName) + ";");
                _w.Line("result.KeyCount = 2;");
                if (dispatch.LowFirst)
                {
                    _w.Line("// The lower key first, as Wireshark tries ports.");
                    _w.Line("result.Key0 = first <= second ? first : second;");
                    _w.Line("result.Key1 = first <= second ? second : first;");
                }
                else
                {
                    _w.Line("result.Key0 = first;");
                    _w.Line("result.Key1 = second;");
                }
            }

            if (dispatch.Quoted)
            {
                _w.Line("result.PayloadIsQuoted = true;");
            }

            _w.Close();
        }

        _w.Close();
        _w.Line();
        _w.Line("public override object? CreateRecord(" + FieldCode.Span + " data) => View.TryParse(data, out var view).IsOk ? view.ToRecord() : null;");
        _w.Line();
        _w.Line("public override global::System.Buffers.OperationStatus WriteRecord(object record, global::System.Span<byte> destination, global::PcapKit.Buffers.WriteFlags flags, out int written) =>");
        _w.Line("    record is " + _type + " typed");
        _w.Line("        ? typed.TryWrite(destination, " + (HasPseudo ? "default, " : string.Empty) + "flags, out written)");
        _w.Line("        : throw new global::System.ArgumentException(\"The record is not a \" + Name + \" record.\", nameof(record));");
        _w.Line();
        _w.Open("public override void Accept(" + FieldCode.Span + " data, int reportedLength, " + FieldCode.Dissection + ".IFieldVisitor visitor)");
        _w.Line("var parse = View.TryParse(data, reportedLength, out var view);");
        _w.Open("if (parse.IsOk)");
        _w.Line("view.Accept(ref visitor);");
        _w.Close();
        _w.Open("else");
        _w.Line("View.AcceptAvailable(data, reportedLength, parse, ref visitor);");
        _w.Close();
        _w.Close();
        EmitRoles();
        _w.Close();
    }

    /// <summary>
    /// The descriptor's 5-tuple accessors, for fields with a <c>role</c> (read at their fixed offsets): the addresses, each
    /// other role's value, and every role at once (<c>ReadRoles</c>, one call per layer for flow tracking).
    /// </summary>
    private void EmitRoles()
    {
        // Each read once, for the three methods: the addresses (their length check, version and the two reads) and each
        // other role (its name, length check and raw read).
        FieldSpec? Role(string role) => _spec.Fields.FirstOrDefault(f => f.Role == role);
        (string End, int Version, string Source, string Destination)? addresses = null;
        if (Role("source_address") is { } sa && Role("destination_address") is { } da)
        {
            var v4 = sa.Type == FieldType.Ipv4;
            string Read(FieldSpec f) => v4
                ? "global::PcapKit.Net.FiveTuple.MapIpv4(global::PcapKit.Net.Ipv4Address.Read(data.Slice(" + f.PropertyName + "Offset)))"
                : "global::PcapKit.Net.Ipv6Address.Read(data.Slice(" + f.PropertyName + "Offset))";
            addresses = ("global::System.Math.Max(" + sa.PropertyName + "Offset, " + da.PropertyName + "Offset) + " + (v4 ? 4 : 16), v4 ? 4 : 6, Read(sa), Read(da));
        }

        var valued = new List<(string Role, int End, string Read)>();
        foreach (var f in _spec.Fields)
        {
            if (f.Role is { } r && r is not ("source_address" or "destination_address"))
            {
                var fl = _layout.Find(f.Id)!;
                valued.Add(("global::PcapKit.Annotations.FieldRole." + Naming.ToPascal(r), fl.IsBits ? fl.GroupOffset + fl.GroupBytes : fl.Offset + fl.Size, "(ulong)" + FieldCode.RawValue(fl, "data", ConstName(fl))));
            }
        }

        if (addresses is { } a)
        {
            _w.Line();
            _w.Open("public override bool TryGetAddresses(" + FieldCode.Span + " data, out byte version, out global::PcapKit.Net.Ipv6Address source, out global::PcapKit.Net.Ipv6Address destination)");
            _w.Open("if (data.Length < " + a.End + ")");
            _w.Line("version = 0;");
            _w.Line("source = default;");
            _w.Line("destination = default;");
            _w.Line("return false;");
            _w.Close();
            _w.Line();
            _w.Line("version = " + a.Version + ";");
            _w.Line("source = " + a.Source + ";");
            _w.Line("destination = " + a.Destination + ";");
            _w.Line("return true;");
            _w.Close();
        }

        if (valued.Count > 0)
        {
            _w.Line();
            _w.Open("public override bool TryGetRoleValue(" + FieldCode.Span + " data, global::PcapKit.Annotations.FieldRole role, out ulong value)");
            _w.Open("switch (role)");
            foreach (var v in valued)
            {
                _w.Line("case " + v.Role + " when data.Length >= " + v.End + ":");
                _w.Indent++;
                _w.Line("value = " + v.Read + ";");
                _w.Line("return true;");
                _w.Indent--;
            }

            _w.Close();
            _w.Line();
            _w.Line("value = 0;");
            _w.Line("return false;");
            _w.Close();
        }

        // The same reads as TryGetAddresses and TryGetRoleValue, with the same length checks, in one call — also when the
        // protocol has no roles (the base method would ask for each role in turn).
        _w.Line();
        _w.Open("public override void ReadRoles(" + FieldCode.Span + " data, ref " + FieldCode.Dissection + ".RoleValues values)");
        if (addresses is { } both)
        {
            _w.Open("if (data.Length >= " + both.End + ")");
            _w.Line("values.SetAddresses(" + both.Version + ", " + both.Source + ", " + both.Destination + ");");
            _w.Close();
        }

        for (var i = 0; i < valued.Count; i++)
        {
            if (i > 0 || addresses is not null)
            {
                _w.Line();
            }

            _w.Open("if (data.Length >= " + valued[i].End + ")");
            _w.Line("values.Set(" + valued[i].Role + ", " + valued[i].Read + ");");
            _w.Close();
        }

        _w.Close();
    }
}
