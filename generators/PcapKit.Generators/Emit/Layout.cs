using System.Collections.Generic;
using PcapKit.Generators.Model;

namespace PcapKit.Generators.Emit;

/// <summary>Where one field sits: a constant offset, or an offset the parser computes and the view stores.</summary>
internal sealed class FieldLayout
{
    public FieldLayout(FieldSpec field) => Field = field;

    public FieldSpec Field { get; }

    /// <summary>The constant offset, or -1 when it is computed while parsing.</summary>
    public int Offset { get; set; } = -1;

    /// <summary>The constant size in bytes, or -1 when it varies.</summary>
    public int Size { get; set; } = -1;

    /// <summary>For a bit field: the offset, size and value of its group, and its place in it.</summary>
    public int GroupOffset { get; set; } = -1;

    public int GroupBytes { get; set; }

    public int Shift { get; set; }

    public ulong Mask { get; set; }

    public bool IsBits => Field.Bits > 0;

    public bool IsConstant => Offset >= 0 || (IsBits && GroupOffset >= 0);

    /// <summary>The name of the view's member that stores a computed offset.</summary>
    public string OffsetMember => "_" + Naming.ToCamel(Field.PropertyName).TrimStart('@') + "Offset";

    /// <summary>The name of the view's member that stores a computed length.</summary>
    public string LengthMember => "_" + Naming.ToCamel(Field.PropertyName).TrimStart('@') + "Length";
}

/// <summary>The layout of a field list: which fields have constant offsets and how long the constant prefix is.</summary>
internal sealed class Layout
{
    private Layout(List<FieldLayout> fields, int fixedLength)
    {
        Fields = fields;
        FixedLength = fixedLength;
    }

    public List<FieldLayout> Fields { get; }

    /// <summary>Bytes from the start through the last field at a constant offset and of constant size.</summary>
    public int FixedLength { get; }

    public FieldLayout? Find(string id)
    {
        foreach (var f in Fields)
        {
            if (f.Field.Id == id)
            {
                return f;
            }
        }

        return null;
    }

    /// <summary>Whether a field's size is not fixed by the spec (a byte string, list or variant sized on the wire); bit fields and flags are not.</summary>
    public static bool IsVariableSize(FieldSpec f) => FixedSize(f) < 0 && f.Bits == 0 && f.Type != FieldType.Bool;

    public static int FixedSize(FieldSpec f) => f.Type switch
    {
        FieldType.UInt or FieldType.Mac or FieldType.Ipv4 or FieldType.Ipv6 => f.ByteWidth,
        FieldType.Bytes when f.Length is null && f.Region is null => f.ByteWidth,
        _ => -1,
    };

    public static Layout Compute(IReadOnlyList<FieldSpec> fields)
    {
        var result = new List<FieldLayout>(fields.Count);
        var position = 0;
        var constant = true;
        var fixedLength = 0;

        for (var i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            if (f.Bits > 0)
            {
                // A run of bit fields is one group, read as one integer, most significant bit first.
                var total = 0;
                var j = i;
                // A conditional bit field (reported by the validator) still takes its place, so the loop moves on.
                while (j < fields.Count && fields[j].Bits > 0 && (j == i || fields[j].When is null))
                {
                    total += fields[j].Bits;
                    j++;
                    if (total % 8 == 0)
                    {
                        break;
                    }
                }

                var groupBytes = (total + 7) / 8;
                var used = 0;
                for (var k = i; k < j; k++)
                {
                    var g = fields[k];
                    var layout = new FieldLayout(g)
                    {
                        GroupOffset = constant ? position : -1,
                        GroupBytes = groupBytes,
                        Shift = total - used - g.Bits,
                        Mask = g.Bits >= 64 ? ulong.MaxValue : (1UL << g.Bits) - 1,
                        Size = groupBytes,
                    };
                    used += g.Bits;
                    result.Add(layout);
                }

                position += groupBytes;
                if (constant)
                {
                    fixedLength = position;
                }

                i = j - 1;
                continue;
            }

            var size = FixedSize(f);
            var fl = new FieldLayout(f) { Size = size };
            if (constant && f.When is null)
            {
                fl.Offset = position;
            }

            result.Add(fl);
            if (size >= 0 && f.When is null && constant)
            {
                position += size;
                fixedLength = position;
            }
            else
            {
                constant = false;
            }
        }

        return new Layout(result, fixedLength);
    }
}
