using System.Collections.Generic;
using System.Linq;
using PcapKit.Generators.Model;

namespace PcapKit.Generators.Emit;

/// <summary>
/// Emits a variant: an abstract record with one sealed record per case (chosen by the value of an earlier field),
/// <c>Raw</c> when no case fits, and a <c>View</c> that measures, reads and visits the case in place.
/// </summary>
internal sealed class VariantEmitter
{
    private readonly SourceWriter _w;
    private readonly FieldSpec _field;
    private readonly FieldCode _code;
    private readonly string _displayPrefix;
    private readonly string _typeName;
    private readonly bool _declared;
    private readonly List<VariantCaseSpec> _cases;
    private readonly VariantCaseSpec? _default;

    public VariantEmitter(SourceWriter w, FieldSpec field, FieldCode code, string displayPrefix, bool declared)
    {
        _w = w;
        _field = field;
        _code = code;
        _displayPrefix = displayPrefix;
        _typeName = field.RepeatTypeName!;
        _declared = declared;
        _cases = field.Cases.Where(c => !c.Keys.IsEmpty).ToList();
        _default = field.Cases.FirstOrDefault(c => c.Keys.IsEmpty);
    }

    public static string TypeNameOf(FieldSpec field) => field.RepeatTypeName!;

    /// <summary>The field of the enclosing unit the cases' <c>and:</c> conditions read (the view's second key), if any.</summary>
    public static string? SecondKeyOf(FieldSpec field) =>
        field.Cases.SelectMany(c => c.And?.Links().Where(link => !c.IsOwn(link)) ?? []).Select(link => link.FieldId).FirstOrDefault();

    /// <summary>
    /// The case's own field that its <c>and:</c> reads (from the bytes where the case would start, before it is chosen),
    /// or null when it cannot be read so: it must be an unsigned number or flag, or a byte string of 1, 2, 3, 4, 6 or 8
    /// bytes (read big-endian), at an offset the case's fields fix.
    /// </summary>
    internal static FieldLayout? ReadableOwnField(VariantCaseSpec c, string id)
    {
        var own = Layout.Compute(c.Fields).Find(id);
        if (own is null || !own.IsConstant || own.Field.When is not null)
        {
            return null;
        }

        return ModelValidator.IsInteger(own.Field) || (own.Field.Type == FieldType.Bytes && own.Size is 1 or 2 or 3 or 4 or 6 or 8) ? own : null;
    }

    /// <summary>Whether a case is chosen by the bytes to the end of the region (<c>max_length</c>): the view then keeps that length.</summary>
    public static bool NeedsAvailable(FieldSpec field) => field.Cases.Any(c => c.MaxLength is not null);

    /// <summary>
    /// Whether case <paramref name="c"/> is chosen by these keys, the layout's bytes <paramref name="data"/> (read for a
    /// condition on one of the case's own fields) and <paramref name="available"/> bytes from the layout's start to the end
    /// of its region, before the cases that take precedence over it are ruled out. In the view, <paramref name="data"/> is
    /// the chosen layout's own bytes: a case with <c>min_length</c> never makes them shorter than it, and a case whose own
    /// field lies past them cannot have been chosen.
    /// </summary>
    private static string Matches(VariantCaseSpec c, string key, string key2, string data, string length, string available)
    {
        var text = "(" + key + " is " + string.Join(" or ", c.Keys.Select(k => Naming.Dec(k) + "UL")) + ")";
        if (c.And is not null)
        {
            var ownEnd = 0;
            var condition = ProtocolEmitter.Condition(c.And, link =>
            {
                if (!c.IsOwn(link))
                {
                    return key2;
                }

                var own = ReadableOwnField(c, link.FieldId)!;
                var offset = own.IsBits ? own.GroupOffset : own.Offset;
                ownEnd = System.Math.Max(ownEnd, offset + (own.IsBits ? own.GroupBytes : own.Size));
                var raw = own.Field.Type == FieldType.Bytes
                    ? FieldCode.ReadUnsigned(data, Naming.Dec(offset), own.Size, EndianKind.Big)
                    : FieldCode.RawValue(own, data, Naming.Dec(offset));
                return "(ulong)" + raw;
            });
            text += (ownEnd > 0 ? " && " + data + ".Length >= " + Naming.Dec((ulong)ownEnd) : string.Empty) + " && (" + condition + ")";
        }

        if (c.MinLength is { } minLength)
        {
            text += " && " + length + " >= " + Naming.Dec((ulong)minLength);
        }

        return c.MaxLength is { } maxLength ? text + " && " + available + " <= " + Naming.Dec((ulong)maxLength) : text;
    }

    /// <summary>
    /// The test that chooses case <paramref name="c"/>: a case without a condition yields to the cases with an <c>and:</c>,
    /// <c>min_length</c> or <c>max_length</c> condition that share one of its keys (only those can be chosen by the same key).
    /// </summary>
    private string Chooses(VariantCaseSpec c, string key, string key2, string data, string length, string available)
    {
        var rivals = c.IsConditional ? [] : _cases.Where(o => o.IsConditional && o.Keys.Any(k => c.Keys.Contains(k))).ToList();
        return rivals.Count == 0
            ? Matches(c, key, key2, data, length, available)
            : Matches(c, key, key2, data, length, available) + " && !(" +
              string.Join(" || ", rivals.Select(o => "(" + Matches(o, key, key2, data, length, available) + ")")) + ")";
    }

    public void Emit()
    {
        _w.Line("/// <summary>The layouts of <c>" + _field.Id + "</c>, chosen by <c>" + _field.SwitchField + "</c>.</summary>");
        _w.Line(ProtocolEmitter.GeneratedCode);
        if (_declared)
        {
            _w.Open("partial record " + _typeName);
        }
        else
        {
            _w.Open("public abstract partial record " + _typeName);
            _w.Line("private protected " + _typeName + "()");
            _w.Line("{");
            _w.Line("}");
            _w.Line();
        }

        _w.Line("/// <summary>The number of bytes the layout takes.</summary>");
        _w.Line("/// <returns>The size.</returns>");
        _w.Line("public abstract int GetSize();");
        _w.Line();
        _w.Line("/// <summary>Writes the layout.</summary>");
        _w.Line("/// <param name=\"destination\">Where to write.</param>");
        _w.Line("/// <param name=\"written\">The number of bytes written.</param>");
        _w.Line("/// <returns>The status.</returns>");
        _w.Line("public abstract global::System.Buffers.OperationStatus TryWrite(global::System.Span<byte> destination, out int written);");
        _w.Line();

        var all = _cases.Concat(_default is null ? [] : [_default]).ToList();
        var items = new List<string>();
        foreach (var c in all)
        {
            var structure = new StructEmitter(_w, _code, _displayPrefix, c.TypeName, c.Declared, c.Fields);
            foreach (var (name, initializer) in structure.Descriptors())
            {
                _w.Line("/// <summary>A field of the <c>" + c.Id + "</c> layout.</summary>");
                _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + name + " = " + initializer + ";");
                _w.Line();
            }

            _w.Line("/// <summary>The <c>" + c.Id + "</c> layout as a structure of fields.</summary>");
            _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + c.TypeName + "Item = new(" + Naming.Literal(c.Id) + ", null, " +
                    FieldCode.Dissection + ".FieldKind.Structure, children: [" + string.Join(", ", structure.DescriptorNames()) + "]);");
            _w.Line();
            items.Add(c.TypeName + "Item");
        }

        {
            _w.Line("/// <summary>The bytes of a layout no case describes, or whose bytes do not fit its case.</summary>");
            _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor RawDataField = new(" + Naming.Literal(_field.Id + "_data") + ", " +
                    Naming.Literal(_displayPrefix + "." + (_field.Display ?? _field.Id) + "_data") + ", " + FieldCode.Dissection + ".FieldKind.Bytes);");
            _w.Line();
            _w.Line("/// <summary>A layout no case describes, as a structure.</summary>");
            _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor RawItem = new(\"raw\", null, " + FieldCode.Dissection + ".FieldKind.Structure, children: [RawDataField]);");
            _w.Line();
            items.Add("RawItem");
        }

        _w.Line("/// <summary>Every layout as a structure, for the field's descriptor.</summary>");
        _w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor[] ItemDescriptors = [" + string.Join(", ", items) + "];");
        _w.Line();

        foreach (var c in all)
        {
            EmitCase(c);
        }

        EmitRaw();

        EmitView();
        _w.Close();
        _w.Line();
    }

    private void EmitCase(VariantCaseSpec c)
    {
        var structure = new StructEmitter(_w, _code, _displayPrefix, c.TypeName, c.Declared, c.Fields);
        var keys = c.Keys.IsEmpty ? "any other value" : string.Join(", ", c.Keys.Select(Naming.Dec));
        _w.Line("/// <summary>The <c>" + c.Id + "</c> layout (" + _field.SwitchField + ": " + keys + ").</summary>");
        _w.Line(ProtocolEmitter.GeneratedCode);
        _w.Open((c.Declared ? "partial record " : "public sealed partial record ") + c.TypeName + " : " + _typeName);
        _w.Line("/// <inheritdoc/>");
        _w.Line("public override int GetSize() => ComputeValueSize();");
        _w.Line();
        _w.Line("/// <inheritdoc/>");
        _w.Open("public override global::System.Buffers.OperationStatus TryWrite(global::System.Span<byte> destination, out int written)");
        _w.Line("var size = ComputeValueSize();");
        _w.Line("written = 0;");
        _w.Open("if (destination.Length < size)");
        _w.Line("return global::System.Buffers.OperationStatus.DestinationTooSmall;");
        _w.Close();
        _w.Line();
        _w.Line("var status = WriteFields(destination.Slice(0, size));");
        _w.Line("written = status == global::System.Buffers.OperationStatus.Done ? size : 0;");
        _w.Line("return status;");
        _w.Close();
        _w.Line();
        structure.EmitMembers(_typeName, newView: true);
        _w.Close();
        _w.Line();
    }

    private void EmitRaw()
    {
        _w.Line("/// <summary>A layout no case describes, kept as bytes.</summary>");
        _w.Line(ProtocolEmitter.GeneratedCode);
        _w.Open("public sealed partial record Raw : " + _typeName);
        _w.Line("/// <summary>The bytes.</summary>");
        _w.Line("public " + FieldCode.Memory + " Data { get; init; }");
        _w.Line();
        _w.Line("/// <inheritdoc/>");
        _w.Line("public override int GetSize() => Data.Length;");
        _w.Line();
        _w.Line("/// <inheritdoc/>");
        _w.Open("public override global::System.Buffers.OperationStatus TryWrite(global::System.Span<byte> destination, out int written)");
        _w.Line("written = 0;");
        _w.Open("if (destination.Length < Data.Length)");
        _w.Line("return global::System.Buffers.OperationStatus.DestinationTooSmall;");
        _w.Close();
        _w.Line();
        _w.Line("Data.Span.CopyTo(destination);");
        _w.Line("written = Data.Length;");
        _w.Line("return global::System.Buffers.OperationStatus.Done;");
        _w.Close();
        _w.Line();
        _w.Line("/// <summary>Compares the bytes.</summary>");
        _w.Line("/// <param name=\"other\">The other layout.</param>");
        _w.Line("/// <returns>Whether they are equal.</returns>");
        _w.Line("public bool Equals(Raw? other) => other is not null && global::System.MemoryExtensions.SequenceEqual(Data.Span, other.Data.Span);");
        _w.Line();
        _w.Line("/// <inheritdoc/>");
        _w.Open("public override int GetHashCode()");
        _w.Line("var hash = default(global::System.HashCode);");
        _w.Line("hash.AddBytes(Data.Span);");
        _w.Line("return hash.ToHashCode();");
        _w.Close();
        _w.Close();
        _w.Line();
    }

    private void EmitView()
    {
        _w.Line("/// <summary>The layout as it is on the wire, with the value that chose it.</summary>");
        _w.Line(ProtocolEmitter.GeneratedCode);
        _w.Open("public readonly ref struct View");
        _w.Line("private readonly " + FieldCode.Span + " _data;");
        var second = SecondKeyOf(_field) is not null;
        var needsAvailable = NeedsAvailable(_field);
        _w.Line("private readonly ulong _key;");
        if (second)
        {
            _w.Line("private readonly ulong _key2;");
        }

        if (needsAvailable)
        {
            _w.Line("private readonly int _available;");
        }

        _w.Line();
        _w.Open("internal View(" + FieldCode.Span + " data, ulong key, ulong key2 = 0" + (needsAvailable ? ", int available = -1" : string.Empty) + ")");
        _w.Line("_data = data;");
        _w.Line("_key = key;");
        _w.Line(second ? "_key2 = key2;" : "_ = key2;");
        if (needsAvailable)
        {
            // The bytes from the layout's start to the end of its region, which a case's max_length reads; the layout's own
            // bytes when the owner does not say (a variant that runs to the end of an option's value).
            _w.Line("_available = available < 0 ? data.Length : available;");
        }

        _w.Close();
        _w.Line();
        var viewAvailable = needsAvailable ? "_available" : "_data.Length";
        _w.Line("/// <summary>The layout's bytes.</summary>");
        _w.Line("public " + FieldCode.Span + " Bytes => _data;");
        _w.Line();
        _w.Line("/// <summary>The value of <c>" + _field.SwitchField + "</c> that chose the layout.</summary>");
        _w.Line("public ulong Key => _key;");
        _w.Line();
        foreach (var c in _cases)
        {
            _w.Line("/// <summary>Reads the layout as <c>" + c.Id + "</c> when the key selects it and the bytes fit.</summary>");
            _w.Line("/// <param name=\"layout\">The layout.</param>");
            _w.Line("/// <returns>Whether it is one.</returns>");
            _w.Open("public bool TryGet" + c.TypeName + "(out " + c.TypeName + ".View layout)");
            _w.Open("if (" + Chooses(c, "_key", "_key2", "_data", "_data.Length", viewAvailable) + " && " + c.TypeName + ".View.IsValid(_data))");
            _w.Line("layout = new(_data);");
            _w.Line("return true;");
            _w.Close();
            _w.Line();
            _w.Line("layout = default;");
            _w.Line("return false;");
            _w.Close();
            _w.Line();
        }

        if (_default is { } d)
        {
            _w.Line("/// <summary>Reads the layout as the default <c>" + d.Id + "</c> when no case's key matches.</summary>");
            _w.Line("/// <param name=\"layout\">The layout.</param>");
            _w.Line("/// <returns>Whether it is one.</returns>");
            _w.Open("public bool TryGet" + d.TypeName + "(out " + d.TypeName + ".View layout)");
            var others = _cases.Count == 0 ? "true" : "!(" + string.Join(" || ", _cases.Select(c => "(" + Matches(c, "_key", "_key2", "_data", "_data.Length", viewAvailable) + ")")) + ")";
            _w.Open("if (" + others + " && " + d.TypeName + ".View.IsValid(_data))");
            _w.Line("layout = new(_data);");
            _w.Line("return true;");
            _w.Close();
            _w.Line();
            _w.Line("layout = default;");
            _w.Line("return false;");
            _w.Close();
            _w.Line();
        }

        // Measure: how many bytes the key's layout takes from what is available.
        _w.Line("/// <summary>How many bytes the layout <paramref name=\"key\"/> selects takes from <paramref name=\"available\"/>, or -1 when they are not all there.</summary>");
        _w.Line("/// <param name=\"key\">The value of the switch field.</param>");
        _w.Line("/// <param name=\"available\">The bytes from the layout's start to the end of its region.</param>");
        _w.Line("/// <param name=\"key2\">The value of the field the cases' <c>and:</c> conditions read.</param>");
        _w.Line("/// <returns>The size, or -1.</returns>");
        _w.Open("public static int Measure(ulong key, " + FieldCode.Span + " available, ulong key2 = 0)");
        foreach (var c in _cases.Where(c => c.IsConditional))
        {
            _w.Open("if (" + Matches(c, "key", "key2", "available", "available.Length", "available.Length") + ")");
            _w.Line("return " + SizeFor(c) + ";");
            _w.Close();
            _w.Line();
        }

        if (!second)
        {
            _w.Line("_ = key2;");
        }

        _w.Open("switch (key)");
        foreach (var c in _cases.Where(c => !c.IsConditional))
        {
            foreach (var k in c.Keys)
            {
                _w.Line("case " + Naming.Dec(k) + "UL:");
            }

            _w.Indent++;
            _w.Line("return " + SizeFor(c) + ";");
            _w.Indent--;
        }

        _w.Line("default:");
        _w.Indent++;
        _w.Line("return " + (_default is { } dc ? SizeFor(dc) : "available.Length") + ";");
        _w.Indent--;
        _w.Close();
        _w.Close();
        _w.Line();

        _w.Line("/// <summary>Copies the layout into its record: the case's when its bytes fit, else the raw bytes.</summary>");
        _w.Line("/// <returns>The record.</returns>");
        _w.Open("public " + _typeName + " ToRecord()");
        foreach (var c in _cases.Concat(_default is null ? [] : [_default]))
        {
            var local = Naming.ToCamel(c.TypeName).TrimStart('@') + "Layout";
            _w.Open("if (TryGet" + c.TypeName + "(out var " + local + "))");
            _w.Line("return " + local + ".ToRecord();");
            _w.Close();
            _w.Line();
        }

        _w.Line("return new Raw { Data = _data.ToArray() };");
        _w.Close();
        _w.Line();

        _w.Line("/// <summary>Hands the layout's fields to <paramref name=\"visitor\"/>, as fields of the enclosing unit.</summary>");
        _w.Line("/// <typeparam name=\"TVisitor\">The visitor type.</typeparam>");
        _w.Line("/// <param name=\"visitor\">The visitor.</param>");
        _w.Line("public void Accept<TVisitor>(ref TVisitor visitor)");
        _w.Line("    where TVisitor : " + FieldCode.Dissection + ".IFieldVisitor, allows ref struct");
        _w.Line("{");
        _w.Indent++;
        foreach (var c in _cases.Concat(_default is null ? [] : [_default]))
        {
            var local = Naming.ToCamel(c.TypeName).TrimStart('@') + "Layout";
            _w.Open("if (TryGet" + c.TypeName + "(out var " + local + "))");
            _w.Line(local + ".Accept(ref visitor);");
            _w.Line("return;");
            _w.Close();
            _w.Line();
        }

        _w.Open("if (!_data.IsEmpty)");
        _w.Line("visitor.Bytes(RawDataField, _data);");
        _w.Close();
        _w.Close();
        _w.Close();
    }

    private static string SizeFor(VariantCaseSpec c)
    {
        var layout = Layout.Compute(c.Fields);
        var variable = layout.Fields.Any(fl => fl.Size < 0);
        return variable
            ? c.TypeName + ".View.Measure(available)"
            : "available.Length >= " + c.TypeName + ".FixedValueSize ? " + c.TypeName + ".FixedValueSize : -1";
    }
}
