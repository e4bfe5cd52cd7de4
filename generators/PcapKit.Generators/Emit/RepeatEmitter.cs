using System.Linq;
using PcapKit.Generators.Model;

namespace PcapKit.Generators.Emit;

/// <summary>Emits a repeated fixed-size item (a SACK block): the item struct and a zero-copy list over the wire bytes.</summary>
internal static class RepeatEmitter
{
    public static void Emit(SourceWriter w, FieldSpec field, FieldCode code, string displayPrefix, bool declareProperties)
    {
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

        w.Line("/// <summary>The items of <c>" + field.Id + "</c> as they are on the wire; a partial item at the end is ignored.</summary>");
        w.Line(ProtocolEmitter.GeneratedCode);
        w.Open("public readonly ref struct " + item + "List");
        w.Line("private readonly " + FieldCode.Span + " _data;");
        w.Line();
        w.Line("/// <summary>Creates a list over <paramref name=\"data\"/>.</summary>");
        w.Line("/// <param name=\"data\">The bytes of the items.</param>");
        w.Line("public " + item + "List(" + FieldCode.Span + " data) => _data = data;");
        w.Line();
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
}
