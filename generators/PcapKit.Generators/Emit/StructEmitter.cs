using System.Collections.Generic;
using System.Linq;
using PcapKit.Generators.Model;

namespace PcapKit.Generators.Emit;

/// <summary>
/// Emits the members of a record that holds a fixed layout followed by at most one variable-size field (a TLV case,
/// a variant case): properties, sizes, the field writer, equality and a zero-copy <c>View</c>. Field descriptors
/// live in <c>descriptorOwner</c> as <c>&lt;Type&gt;&lt;Field&gt;Field</c>.
/// </summary>
internal sealed class StructEmitter
{
    private readonly SourceWriter _w;
    private readonly FieldCode _code;
    private readonly string _displayPrefix;
    private readonly string _typeName;
    private readonly bool _declared;
    private readonly IReadOnlyList<FieldSpec> _fields;
    private readonly Layout _layout;
    private readonly FieldLayout? _variable;
    private readonly List<FieldLayout> _variables;
    private readonly bool _hasRecordBase;

    /// <param name="hasRecordBase">Whether the record derives from another record (a TLV set's, a variant's), whose equality the case's extends; a repeated item's record does not.</param>
    public StructEmitter(SourceWriter w, FieldCode code, string displayPrefix, string typeName, bool declared, IReadOnlyList<FieldSpec> fields, bool hasRecordBase = true)
    {
        _hasRecordBase = hasRecordBase;
        _w = w;
        _code = code;
        _displayPrefix = displayPrefix;
        _typeName = typeName;
        _declared = declared;
        _fields = fields;
        _layout = Layout.Compute(fields);
        _variables = _layout.Fields.Where(fl => fl.Size < 0).ToList();
        _variable = _variables.LastOrDefault();
    }

    /// <summary>The bytes a list takes in a record: its items', and those after the last whole item.</summary>
    internal static string ListSize(FieldSpec f) =>
        f.RepeatTypeName + "List.GetSize(" + f.PropertyName + ")" + (HasTrailing(f) ? " + " + f.PropertyName + "Trailing.Length" : string.Empty);

    /// <summary>
    /// Whether the field keeps the bytes after its last whole item (<c>&lt;Field&gt;Trailing</c>): an option list's, and a list
    /// of measured items', so a record written back loses nothing of a value cut or damaged inside the list.
    /// </summary>
    internal static bool HasTrailing(FieldSpec f) => f.Type == FieldType.Tlv || (f.Type == FieldType.Repeat && RepeatEmitter.IsVariable(f));

    /// <summary>The length of a variable field given by another field (<c>length:</c>), read from <paramref name="span"/>.</summary>
    private string LengthFrom(FieldSpec f, string span)
    {
        var spec = f.Length!;
        var lengthField = _layout.Find(spec.FieldId)!;
        var text = "(int)((long)" + FieldCode.RawValue(lengthField, span, Naming.Dec(lengthField.IsBits ? lengthField.GroupOffset : lengthField.Offset));
        if (spec.Scale != 1)
        {
            text += " * " + spec.Scale;
        }

        if (spec.Offset != 0)
        {
            text += (spec.Offset > 0 ? " + " : " - ") + System.Math.Abs(spec.Offset);
        }

        return text + ")";
    }

    /// <summary>The offset of a variable field in the view: the fixed part, then the lengths of the variable fields before it.</summary>
    private string OffsetOf(FieldLayout fl, string span)
    {
        var text = "FixedValueSize";
        foreach (var v in _variables)
        {
            if (ReferenceEquals(v, fl))
            {
                break;
            }

            text += " + " + LengthFrom(v.Field, span);
        }

        return text;
    }

    public int FixedSize => _layout.FixedLength;

    public bool HasVariable => _variable is not null;

    /// <summary>The descriptor field names this struct needs in its owner, with their initialisers.</summary>
    public IEnumerable<(string Name, string Initializer)> Descriptors()
    {
        foreach (var f in _fields)
        {
            var decoded = new List<string>();
            if (f.Decode)
            {
                // An option's value decoded by a hook: the fields it reports, children before their lists.
                foreach (var (name, initializer, _) in _code.DecodedDescriptors(f.Children, _typeName, "Field", _displayPrefix, decoded))
                {
                    yield return (name, initializer);
                }
            }

            string? children = f.Type switch
            {
                FieldType.Bytes when f.Decode => "[" + string.Join(", ", decoded) + "]",
                FieldType.Repeat => "[" + _typeName + "." + f.RepeatTypeName + ".Item]",
                FieldType.Tlv when _code.Tlv(f) is { } tlv => FieldCode.Qualify(tlv.Namespace, tlv.TypeName) + ".ItemDescriptors",
                FieldType.Variant => _code.ValueType(f) + ".ItemDescriptors",
                _ => null,
            };
            yield return (_typeName + f.PropertyName + "Field", _code.Descriptor(f, _displayPrefix, children));
            if (f.Alt is { Size: > 0 } sized)
            {
                // The same bytes shown as an address while they have its length (DHCP's client identifier).
                yield return (_typeName + f.PropertyName + "AltField",
                    "new(" + Naming.Literal(sized.Id) + ", " + Naming.Literal(_displayPrefix + "." + sized.Display) + ", " + FieldCode.Dissection + ".FieldKind.Address, " + (sized.Size * 8) + ")");
            }
            else if (f.Alt is { } alt)
            {
                yield return (_typeName + f.PropertyName + "AltField",
                    "new(" + Naming.Literal(alt.Id) + ", " + Naming.Literal(_displayPrefix + "." + alt.Display) + ", " + FieldCode.Dissection + ".FieldKind.UInt, " + FieldCode.ValueBits(f) + ")");
            }

            if (HasTrailing(f))
            {
                yield return (_typeName + f.PropertyName + "TrailingField",
                    "new(" + Naming.Literal(f.Id + "_trailing") + ", " + Naming.Literal(_displayPrefix + "." + (f.Display ?? f.Id) + "_trailing") + ", " + FieldCode.Dissection + ".FieldKind.Bytes)");
            }
        }
    }

    /// <summary>The field descriptor names, in wire order, for the case's structure descriptor.</summary>
    public IEnumerable<string> DescriptorNames() =>
        _fields.SelectMany(f => f.Alt is null ? [_typeName + f.PropertyName + "Field"] : new[] { _typeName + f.PropertyName + "Field", _typeName + f.PropertyName + "AltField" });

    /// <summary>Emits properties (unless declared), repeat types, sizes, the writer, equality and the View.</summary>
    public void EmitMembers(string owner, bool newView)
    {
        if (!_declared)
        {
            foreach (var f in _fields)
            {
                _w.Line("/// <summary>" + ProtocolEmitter.Xml(ProtocolEmitter.Describe(f)) + "</summary>");
                _w.Line("public " + (f.Type == FieldType.Variant ? _code.PropertyType(f) : _code.ValueType(f)) + " " + f.PropertyName + " { get; init; }");
                _w.Line();
            }
        }

        foreach (var f in _fields)
        {
            if (HasTrailing(f))
            {
                _w.Line("/// <summary>Bytes of <see cref=\"" + f.PropertyName + "\"/>'s region " + (f.Type == FieldType.Tlv ? "that are not options" : "after its last whole item") + ".</summary>");
                _w.Line("public " + FieldCode.Memory + " " + f.PropertyName + "Trailing { get; init; }");
                _w.Line();
            }

            if (f.Type == FieldType.Repeat)
            {
                RepeatEmitter.Emit(_w, f, _code, _displayPrefix, declareProperties: !_declared);
            }
        }

        foreach (var decoded in _fields.Where(f => f.Decode))
        {
            FieldCode.EmitDecodeHook(_w, decoded, "<c>" + owner + "." + _typeName + "…Field</c>", "The option's value.");
        }

        _w.Line("/// <summary>The size of the fixed part.</summary>");
        _w.Line("public const int FixedValueSize = " + _layout.FixedLength + ";");
        _w.Line();
        _w.Line("internal int ComputeValueSize() => " + SizeExpression() + ";");
        _w.Line();
        EmitWriter();
        if (_fields.Any(f => f.Type is FieldType.Bytes || HasTrailing(f)))
        {
            EmitEquality();
        }

        EmitView(owner, newView);
    }

    private string SizeExpression()
    {
        var text = "FixedValueSize";
        foreach (var v in _variables)
        {
            var f = v.Field;
            text += f.Type switch
            {
                FieldType.Repeat => " + " + ListSize(f),
                FieldType.Tlv when _code.Tlv(f) is { } tlv => " + " + FieldCode.Qualify(tlv.Namespace, tlv.TypeName) + ".GetSize(" + f.PropertyName + ") + " + f.PropertyName + "Trailing.Length",
                FieldType.Variant => " + (" + f.PropertyName + "?.GetSize() ?? 0)",
                _ => " + " + f.PropertyName + ".Length",
            };
        }

        return text;
    }

    private void EmitWriter()
    {
        _w.Open("internal global::System.Buffers.OperationStatus WriteFields(global::System.Span<byte> destination)");
        var groups = new HashSet<int>();
        foreach (var fl in _layout.Fields)
        {
            var f = fl.Field;
            if (fl.IsBits)
            {
                if (!groups.Add(fl.GroupOffset))
                {
                    continue;
                }

                var name = "group" + fl.GroupOffset;
                _w.Line("ulong " + name + " = 0;");
                foreach (var g in _layout.Fields.Where(x => x.IsBits && x.GroupOffset == fl.GroupOffset))
                {
                    var value = FieldCode.ToUlong(g.Field, g.Field.PropertyName);
                    if (g.Field.Type != FieldType.Bool)
                    {
                        _w.Open("if (" + value + " > " + Naming.Hex(g.Mask) + ")");
                        _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                        _w.Close();
                        _w.Line();
                    }

                    _w.Line(name + " |= " + value + (g.Shift == 0 ? string.Empty : " << " + g.Shift) + ";");
                }

                _w.Line(FieldCode.WriteUnsigned("destination", Naming.Dec(fl.GroupOffset), fl.GroupBytes, f.Endian, name));
                continue;
            }

            var offset = fl.Offset >= 0 ? Naming.Dec(fl.Offset) : "position";
            if (fl.Size < 0 && ReferenceEquals(fl, _variables[0]))
            {
                _w.Line("var position = FixedValueSize;");
            }

            switch (f.Type)
            {
                case FieldType.UInt:
                    if (f.ByteWidth is 3 or 6)
                    {
                        _w.Open("if ((ulong)" + f.PropertyName + " > " + Naming.Hex((1UL << (f.ByteWidth * 8)) - 1) + ")");
                        _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                        _w.Close();
                        _w.Line();
                    }

                    _w.Line(FieldCode.WriteUnsigned("destination", offset, f.ByteWidth, f.Endian, "(ulong)" + f.PropertyName));
                    break;
                case FieldType.Mac:
                case FieldType.Ipv4:
                case FieldType.Ipv6:
                    _w.Line(f.PropertyName + ".WriteTo(destination.Slice(" + offset + "));");
                    break;
                case FieldType.Bytes when fl.Size >= 0:
                    _w.Line(f.PropertyName + ".Span.Slice(0, global::System.Math.Min(" + f.PropertyName + ".Length, " + fl.Size + ")).CopyTo(destination.Slice(" + offset + "));");
                    break;
                case FieldType.Bytes:
                    _w.Line(f.PropertyName + ".Span.CopyTo(destination.Slice(position));");
                    _w.Line("position += " + f.PropertyName + ".Length;");
                    break;
                case FieldType.Repeat:
                    var items = Naming.ToCamel(f.PropertyName).TrimStart('@') + "Written";
                    _w.Open("if (" + f.RepeatTypeName + "List.TryWrite(" + f.PropertyName + ", destination.Slice(position), out var " + items + ") != global::System.Buffers.OperationStatus.Done)");
                    _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                    _w.Close();
                    _w.Line();
                    _w.Line("position += " + items + ";");
                    if (HasTrailing(f))
                    {
                        _w.Line(f.PropertyName + "Trailing.Span.CopyTo(destination.Slice(position));");
                        _w.Line("position += " + f.PropertyName + "Trailing.Length;");
                    }

                    break;
                case FieldType.Tlv when _code.Tlv(f) is { } tlv:
                    _w.Open("if (" + FieldCode.Qualify(tlv.Namespace, tlv.TypeName) + ".TryWrite(" + f.PropertyName + ", destination.Slice(position), out var " + Naming.ToCamel(f.PropertyName).TrimStart('@') + "Written) != global::System.Buffers.OperationStatus.Done)");
                    _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                    _w.Close();
                    _w.Line();
                    _w.Line("position += " + Naming.ToCamel(f.PropertyName).TrimStart('@') + "Written;");
                    _w.Line(f.PropertyName + "Trailing.Span.CopyTo(destination.Slice(position));");
                    _w.Line("position += " + f.PropertyName + "Trailing.Length;");
                    break;
                case FieldType.Variant:
                    var written = Naming.ToCamel(f.PropertyName).TrimStart('@') + "Written";
                    _w.Open("if (" + f.PropertyName + " is not null)");
                    _w.Open("if (" + f.PropertyName + ".TryWrite(destination.Slice(position), out var " + written + ") != global::System.Buffers.OperationStatus.Done)");
                    _w.Line("return global::System.Buffers.OperationStatus.InvalidData;");
                    _w.Close();
                    _w.Line();
                    _w.Line("position += " + written + ";");
                    _w.Close();
                    _w.Line();
                    break;
            }
        }

        if (_variables.Count > 0)
        {
            _w.Line("_ = position;");
        }

        _w.Line("return global::System.Buffers.OperationStatus.Done;");
        _w.Close();
        _w.Line();
    }

    private void EmitEquality()
    {
        _w.Line("/// <summary>Compares every field by value (byte strings by content).</summary>");
        _w.Line("/// <param name=\"other\">The other record.</param>");
        _w.Line("/// <returns>Whether they are equal.</returns>");
        _w.Open("public bool Equals(" + _typeName + "? other)");
        var terms = new List<string> { "other is not null", _hasRecordBase ? "base.Equals(other)" : "EqualityContract == other.EqualityContract" };
        foreach (var f in _fields)
        {
            terms.Add(f.Type == FieldType.Bytes
                ? "global::System.MemoryExtensions.SequenceEqual(" + f.PropertyName + ".Span, other." + f.PropertyName + ".Span)"
                : f.PropertyName + " == other." + f.PropertyName);
            if (HasTrailing(f))
            {
                terms.Add("global::System.MemoryExtensions.SequenceEqual(" + f.PropertyName + "Trailing.Span, other." + f.PropertyName + "Trailing.Span)");
            }
        }

        _w.Line("return " + string.Join(" && ", terms) + ";");
        _w.Close();
        _w.Line();
        _w.Line("/// <inheritdoc/>");
        _w.Open("public override int GetHashCode()");
        _w.Line("var hash = default(global::System.HashCode);");
        _w.Line(_hasRecordBase ? "hash.Add(base.GetHashCode());" : "hash.Add(EqualityContract);");
        foreach (var f in _fields)
        {
            _w.Line(f.Type == FieldType.Bytes ? "hash.AddBytes(" + f.PropertyName + ".Span);" : "hash.Add(" + f.PropertyName + ");");
        }

        _w.Line("return hash.ToHashCode();");
        _w.Close();
        _w.Line();
    }

    /// <summary>A display condition read from the value's bytes.</summary>
    private string ShowCondition(ConditionSpec c) => ProtocolEmitter.Condition(c, link =>
    {
        var target = _layout.Find(link.FieldId)!;
        var raw = FieldCode.RawValue(target, "_value", Naming.Dec(target.IsBits ? target.GroupOffset : target.Offset));
        return link.AnyOf.IsEmpty ? raw : "(ulong)" + raw;
    });

    private void EmitView(string owner, bool newView)
    {
        _w.Line("/// <summary>A zero-copy view of the value.</summary>");
        _w.Open("public " + (newView ? "new " : string.Empty) + "readonly ref struct View");
        _w.Line("private readonly " + FieldCode.Span + " _value;");
        _w.Line();
        _w.Line("internal View(" + FieldCode.Span + " value) => _value = value;");
        _w.Line();
        _w.Line("/// <summary>The value's bytes.</summary>");
        _w.Line("public " + FieldCode.Span + " Bytes => _value;");
        _w.Line();
        foreach (var fl in _layout.Fields)
        {
            var f = fl.Field;
            _w.Line("/// <summary>" + ProtocolEmitter.Xml(ProtocolEmitter.Describe(f)) + "</summary>");
            var offset = fl.Size < 0 ? OffsetOf(fl, "_value") : Naming.Dec(fl.IsBits ? fl.GroupOffset : fl.Offset);
            var slice = fl.Size >= 0 ? "_value.Slice(" + offset + ", " + fl.Size + ")"
                : f.Length is not null ? "_value.Slice(" + offset + ", " + LengthFrom(f, "_value") + ")"
                : "_value.Slice(" + offset + ")";
            switch (f.Type)
            {
                case FieldType.Repeat:
                    _w.Line("public " + f.RepeatTypeName + "List " + f.PropertyName + " => new(" + slice + ");");
                    break;
                case FieldType.Tlv when _code.Tlv(f) is { } tlv:
                    _w.Line("public " + FieldCode.Qualify(tlv.Namespace, tlv.TypeName) + ".List " + f.PropertyName + " => new(" + slice + ");");
                    break;
                case FieldType.Bytes:
                    _w.Line("public " + FieldCode.Span + " " + f.PropertyName + " => " + slice + ";");
                    break;
                case FieldType.Variant:
                    var key = _layout.Find(f.SwitchField!)!;
                    _w.Line("public " + _code.ValueType(f) + ".View " + f.PropertyName + " => new(" + slice + ", (ulong)" +
                            FieldCode.RawValue(key, "_value", Naming.Dec(key.IsBits ? key.GroupOffset : key.Offset)) +
                            (VariantEmitter.SecondKeyOf(f) is { } secondId && _layout.Find(secondId) is { } second
                                ? ", (ulong)" + FieldCode.RawValue(second, "_value", Naming.Dec(second.IsBits ? second.GroupOffset : second.Offset))
                                : string.Empty) + ");");
                    break;
                default:
                    _w.Line("public " + _code.ValueType(f) + " " + f.PropertyName + " => " + _code.TypedValue(fl, "_value", offset) + ";");
                    break;
            }

            _w.Line();
        }

        _w.Line("/// <summary>Whether <paramref name=\"value\"/> has the length this layout needs.</summary>");
        _w.Line("/// <param name=\"value\">The value's bytes.</param>");
        _w.Line("/// <returns>Whether it does.</returns>");
        if (_variables.Any(v => v.Field.Length is not null))
        {
            // Variable fields sized by other fields must fit, in order; a final field without a length takes the rest.
            _w.Open("public static bool IsValid(" + FieldCode.Span + " value)");
            _w.Open("if (value.Length < FixedValueSize)");
            _w.Line("return false;");
            _w.Close();
            _w.Line();
            _w.Line("long end = FixedValueSize;");
            foreach (var v in _variables.Where(v => v.Field.Length is not null))
            {
                _w.Line("end += " + LengthFrom(v.Field, "value") + ";");
            }

            _w.Line("return " + (_variables[^1].Field.Length is null ? "end <= value.Length" : "end == value.Length") + ";");
            _w.Close();
        }
        else
        {
            _w.Line("public static bool IsValid(" + FieldCode.Span + " value) => value.Length " + (_variable is null ? "==" : ">=") + " FixedValueSize" +
                    (_variable?.Field.Type == FieldType.Repeat && !RepeatEmitter.IsVariable(_variable.Field) ? " && (value.Length - FixedValueSize) % " + _variable.Field.RepeatTypeName + ".Size == 0" : string.Empty) + ";");
        }
        _w.Line();
        if (_variable is not null)
        {
            _w.Line("/// <summary>The length of the value at the start of <paramref name=\"value\"/>: its length fields' sum, or everything when its last field takes the rest; -1 when it does not fit.</summary>");
            _w.Line("/// <param name=\"value\">The bytes available.</param>");
            _w.Line("/// <returns>The length, or -1.</returns>");
            _w.Open("public static int Measure(" + FieldCode.Span + " value)");
            _w.Open("if (value.Length < FixedValueSize)");
            _w.Line("return -1;");
            _w.Close();
            _w.Line();
            if (_variables[^1].Field.Length is null)
            {
                _w.Line("return value.Length;");
            }
            else
            {
                _w.Line("long end = FixedValueSize;");
                foreach (var v in _variables)
                {
                    _w.Line("end += " + LengthFrom(v.Field, "value") + ";");
                }

                _w.Line("return end <= value.Length ? (int)end : -1;");
            }

            _w.Close();
            _w.Line();
        }

        _w.Line("/// <summary>Copies the value into its record.</summary>");
        _w.Line("/// <returns>The record.</returns>");
        _w.Open("public " + _typeName + " ToRecord() => new()");
        foreach (var f in _fields)
        {
            switch (f.Type)
            {
                case FieldType.Bytes:
                    _w.Line(f.PropertyName + " = " + f.PropertyName + ".ToArray(),");
                    break;
                case FieldType.Repeat:
                case FieldType.Tlv:
                    _w.Line(f.PropertyName + " = " + f.PropertyName + ".ToValueList(),");
                    if (HasTrailing(f))
                    {
                        _w.Line(f.PropertyName + "Trailing = " + f.PropertyName + ".Trailing.ToArray(),");
                    }

                    break;
                case FieldType.Variant:
                    _w.Line(f.PropertyName + " = " + f.PropertyName + ".ToRecord(),");
                    break;
                default:
                    _w.Line(f.PropertyName + " = " + f.PropertyName + ",");
                    break;
            }
        }

        _w.Close(";");
        _w.Line();
        _w.Line("/// <summary>Hands the value's fields to <paramref name=\"visitor\"/>.</summary>");
        _w.Line("/// <typeparam name=\"TVisitor\">The visitor type.</typeparam>");
        _w.Line("/// <param name=\"visitor\">The visitor.</param>");
        _w.Line("public void Accept<TVisitor>(ref TVisitor visitor)");
        _w.Line("    where TVisitor : " + FieldCode.Dissection + ".IFieldVisitor, allows ref struct");
        _w.Line("{");
        _w.Indent++;
        foreach (var fl in _layout.Fields)
        {
            var f = fl.Field;
            var d = owner + "." + _typeName + f.PropertyName + "Field";
            if (!f.ShowWhen.IsEmpty)
            {
                // Shown only while a condition on a field at a constant offset holds (the validator checks the offset).
                _w.Open("if (" + string.Join(" || ", f.ShowWhen.Select(c => "(" + ShowCondition(c) + ")")) + ")");
            }

            switch (f.Type)
            {
                case FieldType.UInt when f.Alt is { } alt:
                    _w.Line("visitor.Value(" + FieldCode.ToUlong(f, f.PropertyName) + " <= " + Naming.Dec(alt.Max) + " ? " + owner + "." + _typeName + f.PropertyName + "AltField" + " : " + d + ", " + FieldCode.ToUlong(f, f.PropertyName) + ");");
                    break;
                case FieldType.UInt:
                case FieldType.Bool:
                    _w.Line("visitor.Value(" + d + ", " + FieldCode.ToUlong(f, f.PropertyName) + ");");
                    break;
                case FieldType.Repeat when !HasTrailing(f):
                    _w.Line(f.PropertyName + ".Accept(ref visitor, " + d + ");");
                    break;
                case FieldType.Repeat:
                case FieldType.Tlv:
                    _w.Line(f.PropertyName + ".Accept(ref visitor, " + d + ");");
                    _w.Open("if (!" + f.PropertyName + ".Trailing.IsEmpty)");
                    _w.Line("visitor.Bytes(" + owner + "." + _typeName + f.PropertyName + "TrailingField, " + f.PropertyName + ".Trailing);");
                    _w.Close();
                    break;
                case FieldType.Bytes when f.Decode:
                    // A hand-written hook decodes the value into the fields declared under decode: (MPTCP's subtypes).
                    _w.Line("Decode" + f.PropertyName + "(this, ref visitor);");
                    break;
                case FieldType.Bytes when f.Alt is { Size: > 0 } sized:
                    _w.Line("visitor.Bytes(" + f.PropertyName + ".Length == " + sized.Size + " ? " + owner + "." + _typeName + f.PropertyName + "AltField : " + d + ", " + f.PropertyName + ");");
                    break;
                case FieldType.Bytes:
                    _w.Line("visitor.Bytes(" + d + ", " + f.PropertyName + ");");
                    break;
                case FieldType.Variant:
                    // The layout's fields are the option's own (ip.opt.time_stamp, not ip.opt.entries.time_stamp).
                    _w.Line(f.PropertyName + ".Accept(ref visitor);");
                    break;
                default:
                    _w.Line("visitor.Bytes(" + d + ", _value.Slice(" + Naming.Dec(fl.Offset) + ", " + fl.Size + "));");
                    break;
            }

            if (!f.ShowWhen.IsEmpty)
            {
                _w.Close();
            }
        }

        if (_layout.Fields.Count == 0)
        {
            _w.Line("_ = visitor;");
        }

        _w.Close();
        _w.Close();
    }
}
