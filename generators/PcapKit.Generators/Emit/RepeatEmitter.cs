using System.Linq;
using PcapKit.Generators.Model;

namespace PcapKit.Generators.Emit;

/// <summary>
/// Emits a repeated item and a zero-copy list over the wire bytes: a fixed-size item (a SACK block) as a record struct,
/// an item with fields sized by its own fields (an MLDv2 multicast address record: its sources and auxiliary data) as
/// a record with a view, measured item by item.
/// </summary>
internal static class RepeatEmitter
{
    /// <summary>Whether the items have fields sized by other fields, so each item is measured.</summary>
    public static bool IsVariable(FieldSpec field) => field.Children.Any(Layout.IsVariableSize);

    public static void Emit(SourceWriter w, FieldSpec field, FieldCode code, string displayPrefix, bool declareProperties)
    {
        if (IsVariable(field))
        {
            EmitVariable(w, field, code, displayPrefix, declareProperties);
            return;
        }

        var layout = Layout.Compute(field.Children);
        var item = field.RepeatTypeName!;
        w.Line("/// <summary>One item of <c>" + field.Id + "</c>.</summary>");
        w.Line(ProtocolEmitter.GeneratedCode);
        w.Open("public readonly partial record struct " + item);
        if (declareProperties)
        {
            foreach (var c in field.Children)
            {
                w.Line("/// <summary>" + ProtocolEmitter.Xml(ProtocolEmitter.Describe(c)) + "</summary>");
                w.Line("public " + code.ValueType(c) + " " + c.PropertyName + " { get; init; }");
                w.Line();
            }
        }

        w.Line("/// <summary>The size of one item on the wire.</summary>");
        w.Line("public const int Size = " + layout.FixedLength + ";");
        w.Line();
        foreach (var c in field.Children)
        {
            w.Line("/// <summary>The field <c>" + c.Id + "</c>.</summary>");
            w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + c.PropertyName + "Field = " + code.Descriptor(c, displayPrefix) + ";");
            w.Line();
        }

        w.Line("/// <summary>The item as a structure of fields.</summary>");
        w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor Item = new(" + Naming.Literal(Naming.ToSnake(item)) + ", null, " + FieldCode.Dissection +
               ".FieldKind.Structure, children: [" + string.Join(", ", field.Children.Select(c => c.PropertyName + "Field")) + "]);");
        w.Line();
        w.Line("/// <summary>Reads an item from the first <see cref=\"Size\"/> bytes of <paramref name=\"source\"/>.</summary>");
        w.Line("/// <param name=\"source\">The bytes.</param>");
        w.Line("/// <returns>The item.</returns>");
        w.Open("public static " + item + " Read(" + FieldCode.Span + " source) => new()");
        foreach (var fl in layout.Fields)
        {
            w.Line(fl.Field.PropertyName + " = " + code.TypedValue(fl, "source", Naming.Dec(fl.IsBits ? fl.GroupOffset : fl.Offset)) + ",");
        }

        w.Close(";");
        w.Line();
        w.Line("/// <summary>Writes the item to the first <see cref=\"Size\"/> bytes of <paramref name=\"destination\"/>.</summary>");
        w.Line("/// <param name=\"destination\">The bytes.</param>");
        w.Open("public void WriteTo(global::System.Span<byte> destination)");
        var group = -1;
        foreach (var fl in layout.Fields)
        {
            var f = fl.Field;
            var offset = Naming.Dec(fl.IsBits ? fl.GroupOffset : fl.Offset);
            if (fl.IsBits)
            {
                if (group != fl.GroupOffset)
                {
                    group = fl.GroupOffset;
                    w.Line("ulong group" + group + " = 0;");
                    foreach (var g in layout.Fields.Where(x => x.IsBits && x.GroupOffset == group))
                    {
                        w.Line("group" + group + " |= (" + FieldCode.ToUlong(g.Field, g.Field.PropertyName) + " & " + Naming.Hex(g.Mask) + ")" + (g.Shift == 0 ? string.Empty : " << " + g.Shift) + ";");
                    }

                    w.Line(FieldCode.WriteUnsigned("destination", offset, fl.GroupBytes, f.Endian, "group" + group));
                }

                continue;
            }

            switch (f.Type)
            {
                case FieldType.UInt:
                    w.Line(FieldCode.WriteUnsigned("destination", offset, f.ByteWidth, f.Endian, "(ulong)" + f.PropertyName));
                    break;
                case FieldType.Mac:
                case FieldType.Ipv4:
                case FieldType.Ipv6:
                    w.Line(f.PropertyName + ".WriteTo(destination.Slice(" + offset + "));");
                    break;
            }
        }

        w.Close();
        w.Line();
        w.Line("/// <summary>Hands the item's fields to <paramref name=\"visitor\"/>.</summary>");
        w.Line("/// <typeparam name=\"TVisitor\">The visitor type.</typeparam>");
        w.Line("/// <param name=\"visitor\">The visitor.</param>");
        w.Line("public void Accept<TVisitor>(ref TVisitor visitor)");
        w.Line("    where TVisitor : " + FieldCode.Dissection + ".IFieldVisitor, allows ref struct");
        w.Line("{");
        w.Indent++;
        foreach (var c in field.Children)
        {
            if (c.Type is FieldType.UInt or FieldType.Bool)
            {
                w.Line("visitor.Value(" + c.PropertyName + "Field, " + FieldCode.ToUlong(c, c.PropertyName) + ");");
            }
            else
            {
                w.Line("global::System.Span<byte> " + Naming.ToCamel(c.PropertyName).TrimStart('@') + "Bytes = stackalloc byte[" + c.ByteWidth + "];");
                w.Line(c.PropertyName + ".WriteTo(" + Naming.ToCamel(c.PropertyName).TrimStart('@') + "Bytes);");
                w.Line("visitor.Bytes(" + c.PropertyName + "Field, " + Naming.ToCamel(c.PropertyName).TrimStart('@') + "Bytes);");
            }
        }

        w.Close();
        w.Close();
        w.Line();

        OpenList(w, field, item, "; a partial item at the end is ignored");
        w.Line("/// <summary>The number of whole items.</summary>");
        w.Line("public int Count => _data.Length / " + item + ".Size;");
        w.Line();
        w.Line("/// <summary>The item at <paramref name=\"index\"/>.</summary>");
        w.Line("/// <param name=\"index\">The index.</param>");
        w.Line("public " + item + " this[int index] => " + item + ".Read(_data.Slice(index * " + item + ".Size, " + item + ".Size));");
        w.Line();
        w.Line("/// <summary>Returns an enumerator.</summary>");
        w.Line("/// <returns>The enumerator.</returns>");
        w.Line("public Enumerator GetEnumerator() => new(this);");
        w.Line();
        w.Line("/// <summary>Copies the items into a list.</summary>");
        w.Line("/// <returns>The list.</returns>");
        w.Open("public global::PcapKit.ValueList<" + item + "> ToValueList()");
        w.Line("var items = new " + item + "[Count];");
        w.Open("for (var i = 0; i < items.Length; i++)");
        w.Line("items[i] = this[i];");
        w.Close();
        w.Line();
        w.Line("return new(items);");
        w.Close();
        w.Line();
        EmitWriters(w, item, measured: false);
        EmitAccept(w, item);
        w.Line("/// <summary>Enumerates the items.</summary>");
        w.Open("public ref struct Enumerator");
        w.Line("private readonly " + item + "List _list;");
        w.Line("private int _index;");
        w.Line();
        w.Open("internal Enumerator(" + item + "List list)");
        w.Line("_list = list;");
        w.Line("_index = -1;");
        w.Close();
        w.Line();
        w.Line("/// <summary>The current item.</summary>");
        w.Line("public readonly " + item + " Current => _list[_index];");
        w.Line();
        w.Line("/// <summary>Moves to the next item.</summary>");
        w.Line("/// <returns>Whether there is one.</returns>");
        w.Line("public bool MoveNext() => ++_index < _list.Count;");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>Opens the list's ref struct over the items' bytes: its summary, field and constructor.</summary>
    private static void OpenList(SourceWriter w, FieldSpec field, string item, string how)
    {
        w.Line("/// <summary>The items of <c>" + field.Id + "</c> as they are on the wire" + how + ".</summary>");
        w.Line(ProtocolEmitter.GeneratedCode);
        w.Open("public readonly ref struct " + item + "List");
        w.Line("private readonly " + FieldCode.Span + " _data;");
        w.Line();
        w.Line("/// <summary>Creates a list over <paramref name=\"data\"/>.</summary>");
        w.Line("/// <param name=\"data\">The bytes of the items.</param>");
        w.Line("public " + item + "List(" + FieldCode.Span + " data) => _data = data;");
        w.Line();
    }

    /// <summary>The list's <c>Accept</c>: each item (a record struct or a view) as an item of the list field.</summary>
    private static void EmitAccept(SourceWriter w, string item)
    {
        w.Line("/// <summary>Hands the items to <paramref name=\"visitor\"/> as a list.</summary>");
        w.Line("/// <typeparam name=\"TVisitor\">The visitor type.</typeparam>");
        w.Line("/// <param name=\"visitor\">The visitor.</param>");
        w.Line("/// <param name=\"field\">The list field.</param>");
        w.Line("public void Accept<TVisitor>(ref TVisitor visitor, " + FieldCode.Dissection + ".FieldDescriptor field)");
        w.Line("    where TVisitor : " + FieldCode.Dissection + ".IFieldVisitor, allows ref struct");
        w.Line("{");
        w.Indent++;
        w.Line("visitor.BeginList(field);");
        w.Open("foreach (var item in this)");
        w.Line("visitor.BeginItem(" + item + ".Item);");
        w.Line("item.Accept(ref visitor);");
        w.Line("visitor.EndItem(" + item + ".Item);");
        w.Close();
        w.Line();
        w.Line("visitor.EndList(field);");
        w.Close();
        w.Line();
    }

    /// <summary>The list's static <c>GetSize</c> and <c>TryWrite</c> over a record's items, which the owner's writer calls.</summary>
    /// <param name="measured">Whether each item has a size of its own (a record with <c>GetSize</c> and <c>WriteFields</c>) rather than the struct's <c>Size</c>.</param>
    private static void EmitWriters(SourceWriter w, string item, bool measured)
    {
        w.Line("/// <summary>The number of bytes <paramref name=\"items\"/> take on the wire.</summary>");
        w.Line("/// <param name=\"items\">The items.</param>");
        w.Line("/// <returns>The size.</returns>");
        if (measured)
        {
            w.Open("public static int GetSize(global::PcapKit.ValueList<" + item + "> items)");
            w.Line("var size = 0;");
            w.Open("foreach (var item in items)");
            w.Line("size += item.GetSize();");
            w.Close();
            w.Line();
            w.Line("return size;");
            w.Close();
        }
        else
        {
            w.Line("public static int GetSize(global::PcapKit.ValueList<" + item + "> items) => items.Count * " + item + ".Size;");
        }

        w.Line();
        w.Line("/// <summary>Writes <paramref name=\"items\"/> one after the other.</summary>");
        w.Line("/// <param name=\"items\">The items.</param>");
        w.Line("/// <param name=\"destination\">Where to write.</param>");
        w.Line("/// <param name=\"written\">The number of bytes written.</param>");
        w.Line("/// <returns>The status.</returns>");
        w.Open("public static global::System.Buffers.OperationStatus TryWrite(global::PcapKit.ValueList<" + item + "> items, global::System.Span<byte> destination, out int written)");
        w.Line("written = 0;");
        w.Open("if (destination.Length < GetSize(items))");
        w.Line("return global::System.Buffers.OperationStatus.DestinationTooSmall;");
        w.Close();
        w.Line();
        w.Line("var position = 0;");
        w.Open("foreach (var item in items)");
        if (measured)
        {
            w.Line("var size = item.GetSize();");
            w.Line("var status = item.WriteFields(destination.Slice(position, size));");
            w.Open("if (status != global::System.Buffers.OperationStatus.Done)");
            w.Line("return status;");
            w.Close();
            w.Line("position += size;");
        }
        else
        {
            w.Line("item.WriteTo(destination.Slice(position));");
            w.Line("position += " + item + ".Size;");
        }

        w.Close();
        w.Line();
        w.Line("written = position;");
        w.Line("return global::System.Buffers.OperationStatus.Done;");
        w.Close();
        w.Line();
    }

    /// <summary>An item whose fields are sized by its own fields: a record with the members of a structure, and a list that measures each item.</summary>
    private static void EmitVariable(SourceWriter w, FieldSpec field, FieldCode code, string displayPrefix, bool declareProperties)
    {
        var item = field.RepeatTypeName!;
        var structure = new StructEmitter(w, code, displayPrefix, item, !declareProperties, field.Children, hasRecordBase: false);
        w.Line("/// <summary>One item of <c>" + field.Id + "</c>; its size depends on its own fields.</summary>");
        w.Line(ProtocolEmitter.GeneratedCode);
        w.Open("public sealed partial record " + item);
        foreach (var (name, initializer) in structure.Descriptors())
        {
            w.Line("/// <summary>A field of the item.</summary>");
            w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor " + name + " = " + initializer + ";");
            w.Line();
        }

        w.Line("/// <summary>The item as a structure of fields.</summary>");
        w.Line("public static readonly " + FieldCode.Dissection + ".FieldDescriptor Item = new(" + Naming.Literal(Naming.ToSnake(item)) + ", null, " + FieldCode.Dissection +
               ".FieldKind.Structure, children: [" + string.Join(", ", structure.DescriptorNames()) + "]);");
        w.Line();
        w.Line("/// <summary>The number of bytes the item takes on the wire.</summary>");
        w.Line("/// <returns>The size.</returns>");
        w.Line("public int GetSize() => ComputeValueSize();");
        w.Line();
        structure.EmitMembers(item, newView: false);
        w.Close();
        w.Line();

        OpenList(w, field, item, ", each measured by its own fields; the bytes after the last whole item are <c>Trailing</c>");
        w.Line("/// <summary>The list's bytes.</summary>");
        w.Line("public " + FieldCode.Span + " Bytes => _data;");
        w.Line();
        w.Line("/// <summary>The number of whole items (counted by measuring them).</summary>");
        w.Open("public int Count");
        w.Open("get");
        w.Line("var count = 0;");
        w.Open("foreach (var unused in this)");
        w.Line("count++;");
        w.Close();
        w.Line();
        w.Line("return count;");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>The bytes after the last whole item (an item the list's bytes cut short).</summary>");
        w.Open("public " + FieldCode.Span + " Trailing");
        w.Open("get");
        w.Line("var rest = _data;");
        w.Open("while (true)");
        w.Line("var size = " + item + ".View.Measure(rest);");
        w.Open("if (size <= 0)");
        w.Line("return rest;");
        w.Close();
        w.Line();
        w.Line("rest = rest.Slice(size);");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Returns an enumerator of the items' views.</summary>");
        w.Line("/// <returns>The enumerator.</returns>");
        w.Line("public Enumerator GetEnumerator() => new(_data);");
        w.Line();
        w.Line("/// <summary>Copies the items into a list of records.</summary>");
        w.Line("/// <returns>The list.</returns>");
        w.Open("public global::PcapKit.ValueList<" + item + "> ToValueList()");
        w.Line("var items = new " + item + "[Count];");
        w.Line("var i = 0;");
        w.Open("foreach (var view in this)");
        w.Line("items[i++] = view.ToRecord();");
        w.Close();
        w.Line();
        w.Line("return new(items);");
        w.Close();
        w.Line();
        EmitWriters(w, item, measured: true);
        EmitAccept(w, item);
        w.Line("/// <summary>Enumerates the items, measuring each.</summary>");
        w.Open("public ref struct Enumerator");
        w.Line("private " + FieldCode.Span + " _rest;");
        w.Line("private " + item + ".View _current;");
        w.Line();
        w.Open("internal Enumerator(" + FieldCode.Span + " data)");
        w.Line("_rest = data;");
        w.Line("_current = default;");
        w.Close();
        w.Line();
        w.Line("/// <summary>The current item.</summary>");
        w.Line("public readonly " + item + ".View Current => _current;");
        w.Line();
        w.Line("/// <summary>Moves to the next whole item.</summary>");
        w.Line("/// <returns>Whether there is one.</returns>");
        w.Open("public bool MoveNext()");
        w.Line("var size = " + item + ".View.Measure(_rest);");
        w.Open("if (size <= 0)");
        w.Line("return false;");
        w.Close();
        w.Line();
        w.Line("_current = new(_rest.Slice(0, size));");
        w.Line("_rest = _rest.Slice(size);");
        w.Line("return true;");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }
}
