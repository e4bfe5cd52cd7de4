using System.Collections.Generic;
using PcapKit.Generators.Model;

namespace PcapKit.Generators.Emit;

/// <summary>C# snippets for reading, writing and typing fields, shared by protocols, TLV cases and repeated items.</summary>
internal sealed class FieldCode
{
    public const string Bp = "global::System.Buffers.Binary.BinaryPrimitives";
    public const string Wire = "global::PcapKit.Buffers.Wire";
    public const string Span = "global::System.ReadOnlySpan<byte>";
    public const string WritableSpan = "global::System.Span<byte>";
    public const string Memory = "global::System.ReadOnlyMemory<byte>";
    public const string Dissection = "global::PcapKit.Dissection";

    private readonly Dictionary<string, EnumSpec> _enums = new();
    private readonly Dictionary<string, TlvSetSpec> _tlvs = new();

    private readonly string _namespace;

    public FieldCode(IEnumerable<EnumSpec> enums, IEnumerable<TlvSetSpec> tlvs, string ns = "")
    {
        _namespace = ns;
        foreach (var e in enums)
        {
            _enums[e.Id] = e;
        }

        foreach (var t in tlvs)
        {
            _tlvs[t.Id] = t;
        }
    }

    public static string Qualify(string ns, string typeName) => ns.Length == 0 ? "global::" + typeName : "global::" + ns + "." + typeName;

    public EnumSpec? Enum(FieldSpec f) => f.EnumId is { } id && _enums.TryGetValue(id, out var e) ? e : null;

    public EnumSpec? EnumById(string id) => _enums.TryGetValue(id, out var e) ? e : null;

    public TlvSetSpec? Tlv(FieldSpec f) => f.TlvSetId is { } id && _tlvs.TryGetValue(id, out var t) ? t : null;

    /// <summary>The unsigned C# type holding <paramref name="bits"/> bits.</summary>
    public static string UnsignedType(int bits) => bits <= 8 ? "byte" : bits <= 16 ? "ushort" : bits <= 32 ? "uint" : "ulong";

    /// <summary>The signed C# type of <paramref name="bits"/> bits (8, 16, 32 or 64).</summary>
    public static string SignedType(int bits) => bits <= 8 ? "sbyte" : bits <= 16 ? "short" : bits <= 32 ? "int" : "long";

    /// <summary>The number of bits the field's value has.</summary>
    public static int ValueBits(FieldSpec f) => f.Bits > 0 ? f.Bits : f.ByteWidth * 8;

    /// <summary>The C# type of the field's value (not nullable).</summary>
    public string ValueType(FieldSpec f, string repeatOwner = "")
    {
        switch (f.Type)
        {
            case FieldType.Bool:
                return "bool";
            case FieldType.UInt when f.Signed:
                return SignedType(f.ByteWidth * 8);
            case FieldType.UInt:
                return Enum(f) is { } e ? Qualify(e.Namespace, e.TypeName) : UnsignedType(ValueBits(f));
            case FieldType.Mac:
                return "global::PcapKit.Net.MacAddress";
            case FieldType.Ipv4:
                return "global::PcapKit.Net.Ipv4Address";
            case FieldType.Ipv6:
                return "global::PcapKit.Net.Ipv6Address";
            case FieldType.Tlv:
                return Tlv(f) is { } t ? "global::PcapKit.ValueList<" + Qualify(t.Namespace, t.TypeName) + ">" : Memory;
            case FieldType.Repeat:
                return "global::PcapKit.ValueList<" + (repeatOwner.Length > 0 ? repeatOwner + "." : string.Empty) + f.RepeatTypeName + ">";
            case FieldType.Variant:
                return Qualify(_namespace, f.RepeatTypeName!);
            default:
                return Memory;
        }
    }

    /// <summary>The C# type of the record property (nullable when conditional).</summary>
    public string PropertyType(FieldSpec f, string repeatOwner = "") =>
        ValueType(f, repeatOwner) + ((f.When is not null && f.Type is not (FieldType.Bytes or FieldType.Payload or FieldType.Tlv or FieldType.Repeat)) || f.Type == FieldType.Variant ? "?" : string.Empty);

    /// <summary>The enum whose names are displayed for the field (its own enum, or a display-only one).</summary>
    public EnumSpec? DisplayEnum(FieldSpec f) => Enum(f) ?? (f.NamesEnumId is { } id && _enums.TryGetValue(id, out var e) ? e : null);

    /// <summary>An expression reading the raw unsigned integer of width <paramref name="bytes"/> at <paramref name="offset"/> of <paramref name="span"/>.</summary>
    public static string ReadUnsigned(string span, string offset, int bytes, EndianKind endian)
    {
        var e = endian == EndianKind.Big ? "BigEndian" : "LittleEndian";
        var slice = offset == "0" ? span : span + ".Slice(" + offset + ")";
        return bytes switch
        {
            1 => span + "[" + offset + "]",
            2 => Bp + ".ReadUInt16" + e + "(" + slice + ")",
            3 => Wire + ".ReadUInt24" + e + "(" + slice + ")",
            4 => Bp + ".ReadUInt32" + e + "(" + slice + ")",
            6 => Wire + ".ReadUInt48" + e + "(" + slice + ")",
            _ => Bp + ".ReadUInt64" + e + "(" + slice + ")",
        };
    }

    /// <summary>A statement writing <paramref name="value"/> (already of the right width) at <paramref name="offset"/>.</summary>
    public static string WriteUnsigned(string span, string offset, int bytes, EndianKind endian, string value, bool cast = true)
    {
        if (!cast && bytes != 1)
        {
            var en = endian == EndianKind.Big ? "BigEndian" : "LittleEndian";
            var sl = offset == "0" ? span : span + ".Slice(" + offset + ")";
            return bytes switch
            {
                2 => Bp + ".WriteUInt16" + en + "(" + sl + ", " + value + ");",
                4 => Bp + ".WriteUInt32" + en + "(" + sl + ", " + value + ");",
                _ => Bp + ".WriteUInt64" + en + "(" + sl + ", " + value + ");",
            };
        }

        if (!cast)
        {
            return span + "[" + offset + "] = " + value + ";";
        }

        var e = endian == EndianKind.Big ? "BigEndian" : "LittleEndian";
        var slice = offset == "0" ? span : span + ".Slice(" + offset + ")";
        return bytes switch
        {
            1 => span + "[" + offset + "] = " + Cast("byte", value) + ";",
            2 => Bp + ".WriteUInt16" + e + "(" + slice + ", " + Cast("ushort", value) + ");",
            3 => Wire + ".WriteUInt24" + e + "(" + slice + ", " + Cast("uint", value) + ");",
            4 => Bp + ".WriteUInt32" + e + "(" + slice + ", " + Cast("uint", value) + ");",
            6 => Wire + ".WriteUInt48" + e + "(" + slice + ", " + Cast("ulong", value) + ");",
            _ => Bp + ".WriteUInt64" + e + "(" + slice + ", " + Cast("ulong", value) + ");",
        };
    }

    /// <summary>Casts an expression, parenthesised unless it is a plain name.</summary>
    private static string Cast(string type, string value)
    {
        var simple = true;
        foreach (var c in value)
        {
            simple &= char.IsLetterOrDigit(c) || c is '_' or '.';
        }

        return "(" + type + ")" + (simple ? value : "(" + value + ")");
    }

    /// <summary>An expression of the field's raw unsigned value (bit fields extracted), reading from <paramref name="span"/>.</summary>
    public static string RawValue(FieldLayout fl, string span, string offset)
    {
        var f = fl.Field;
        if (fl.IsBits)
        {
            var group = ReadUnsigned(span, offset, fl.GroupBytes, f.Endian);
            var groupBits = fl.GroupBytes * 8;
            var expr = fl.Shift == 0 ? group : "(" + group + " >> " + fl.Shift + ")";
            if (fl.Shift + f.Bits < groupBits)
            {
                expr = "(" + expr + " & " + Naming.Hex(fl.Mask) + ")";
            }

            return expr;
        }

        return ReadUnsigned(span, offset, f.ByteWidth, f.Endian);
    }

    /// <summary>An expression of the field's typed value, reading from <paramref name="span"/> at <paramref name="offset"/>.</summary>
    public string TypedValue(FieldLayout fl, string span, string offset)
    {
        var f = fl.Field;
        switch (f.Type)
        {
            case FieldType.Bool:
                if (fl.IsBits)
                {
                    var group = ReadUnsigned(span, offset, fl.GroupBytes, f.Endian);
                    return "(" + group + " & " + Naming.Hex(fl.Mask << fl.Shift) + ") != 0";
                }

                return span + "[" + offset + "] != 0";
            case FieldType.UInt:
                var raw = RawValue(fl, span, offset);
                var type = ValueType(f);
                var natural = fl.IsBits ? null : UnsignedType(f.ByteWidth * 8);
                return natural == type && f.ByteWidth is 1 or 2 or 4 or 8 ? raw : "(" + type + ")" + raw;
            case FieldType.Mac:
                return "global::PcapKit.Net.MacAddress.Read(" + span + ".Slice(" + offset + "))";
            case FieldType.Ipv4:
                return "global::PcapKit.Net.Ipv4Address.Read(" + span + ".Slice(" + offset + "))";
            case FieldType.Ipv6:
                return "global::PcapKit.Net.Ipv6Address.Read(" + span + ".Slice(" + offset + "))";
            default:
                return span + ".Slice(" + offset + ", " + fl.Size + ")";
        }
    }

    /// <summary>Converts a typed value to <c>ulong</c> for a visitor.</summary>
    public static string ToUlong(FieldSpec f, string value) => f.Type == FieldType.Bool ? "(" + value + " ? 1UL : 0UL)" : "(ulong)" + value;

    /// <summary>The <c>FieldKind</c> a descriptor gets.</summary>
    public string Kind(FieldSpec f) => f.Type switch
    {
        FieldType.Bool => "Bool",
        FieldType.UInt when f.Signed => "Int",
        FieldType.UInt => DisplayEnum(f) is { IsFlags: true } ? "Flags" : DisplayEnum(f) is not null ? "Enum" : "UInt",
        FieldType.Mac => "Mac",
        FieldType.Ipv4 => "Ipv4",
        FieldType.Ipv6 => "Ipv6",
        FieldType.Tlv or FieldType.Repeat or FieldType.DecodedList => "List",
        FieldType.Text => "Text",
        FieldType.Variant => "Structure",
        _ => f.Text switch
        {
            TextKind.Text => "Text",
            TextKind.NulTerminated => "NulTerminatedText",
            _ => f.IsAddress ? "Address" : "Bytes",
        },
    };

    /// <summary>
    /// The descriptors of the fields a <c>decode:</c> hook reports, children before their lists (static fields
    /// initialize in order): each named <paramref name="parent"/>, its path and <paramref name="suffix"/> (a protocol's
    /// <c>QueriesName</c>, an option's <c>MultipathFlagsField</c>), a list's items <c>…Item</c>; <paramref name="names"/>
    /// gets the names of the top-level ones.
    /// </summary>
    public IEnumerable<(string Name, string Initializer, string Summary)> DecodedDescriptors(IEnumerable<FieldSpec> fields, string parent, string suffix, string displayPrefix, List<string> names)
    {
        foreach (var d in fields)
        {
            var name = parent + d.PropertyName;
            if (d.Type == FieldType.DecodedList)
            {
                var children = new List<string>();
                foreach (var child in DecodedDescriptors(d.Children, name, suffix, displayPrefix, children))
                {
                    yield return child;
                }

                yield return (name + "Item", "new(" + Naming.Literal(d.RepeatTypeName ?? d.Id) + ", null, " + Dissection + ".FieldKind.Structure, children: [" + string.Join(", ", children) + "])",
                    "An item of <c>" + d.Id + "</c> (decoded by the hook).");
                yield return (name + suffix, Descriptor(d, displayPrefix, "[" + name + "Item]"), "The list <c>" + d.Id + "</c> (decoded by the hook).");
            }
            else
            {
                yield return (name + suffix, Descriptor(d, displayPrefix), "The field <c>" + d.Id + "</c> (decoded by the hook).");
            }

            names.Add(name + suffix);
        }
    }

    /// <summary>Declares the hand-written hook that decodes <paramref name="decoded"/> (<c>Decode&lt;Field&gt;</c>) in the type being written.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="decoded">The field declared with <c>decode:</c>.</param>
    /// <param name="fields">Where the decoded fields' descriptors are, for the documentation.</param>
    /// <param name="view">What the view is, for the documentation.</param>
    public static void EmitDecodeHook(SourceWriter w, FieldSpec decoded, string fields, string view)
    {
        w.Line("/// <summary>");
        w.Line("/// Decodes <c>" + ProtocolEmitter.Xml(decoded.Id) + "</c> for <paramref name=\"visitor\"/>: a hook implemented by hand in a partial file, reporting");
        w.Line("/// the fields declared under the spec's <c>decode:</c> (" + fields + "). It must not throw: what it cannot decode it reports as bytes.");
        w.Line("/// </summary>");
        w.Line("/// <typeparam name=\"TVisitor\">The visitor type.</typeparam>");
        w.Line("/// <param name=\"view\">" + view + "</param>");
        w.Line("/// <param name=\"visitor\">The visitor.</param>");
        w.Line("private static partial void Decode" + decoded.PropertyName + "<TVisitor>(View view, ref TVisitor visitor)");
        w.Line("    where TVisitor : " + Dissection + ".IFieldVisitor, allows ref struct;");
        w.Line();
    }

    /// <summary>A <c>new FieldDescriptor(...)</c> expression.</summary>
    public string Descriptor(FieldSpec f, string displayPrefix, string? children = null, SizeOfSpec? scaled = null)
    {
        var display = f.Display ?? f.Id;
        var full = displayPrefix.Length > 0 ? displayPrefix + "." + display : display;
        var bits = f.Type is FieldType.UInt or FieldType.Bool ? ValueBits(f) : f.Type is FieldType.Mac or FieldType.Ipv4 or FieldType.Ipv6 ? f.ByteWidth * 8 : 0;
        var format = "global::PcapKit.Annotations.NumberFormat." + f.Format switch
        {
            NumberFormatKind.Hex => "Hex",
            NumberFormatKind.NtpTimestamp => "NtpTimestamp",
            _ => "Decimal",
        };
        var e = DisplayEnum(f);
        var enumExpr = e is null ? "null" : Qualify(e.Namespace, e.TypeName + "Extensions") + ".Descriptor";
        var text = "new(" + Naming.Literal(f.Id) + ", " + Naming.Literal(full) + ", " + Dissection + ".FieldKind." + Kind(f) +
                   ", " + bits + ", " + format + ", " + enumExpr;
        if (children is not null || scaled is not null)
        {
            text += ", " + (children ?? "null");
        }

        if (scaled is not null)
        {
            text += ", " + scaled.Scale + ", " + scaled.Offset;
        }

        if (f.HexDigits > 0)
        {
            text += ", hexDigits: " + f.HexDigits;
        }

        return text + ")";
    }
}
