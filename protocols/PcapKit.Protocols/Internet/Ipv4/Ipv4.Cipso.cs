using System;
using System.Buffers.Binary;
using System.Buffers.Text;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>CIPSO tags' categories as the numbers they stand for (FIPS 188 §2.4, §2.6; draft-ietf-cipso-ipsecurity-01 §3.4).</summary>
public abstract partial record CipsoTag
{
    /// <summary>The most text a bitmap octet's categories take: eight numbers of up to four digits (a tag holds at most 251 octets, 2,008 categories), each with a comma.</summary>
    private const int TextPerBitmapOctet = 8 * 5;

    /// <summary>The most text a range takes: two numbers of up to five digits, a comma and a dash.</summary>
    private const int TextPerRange = 12;

    /// <summary>A restrictive bitmap tag (tag type 1).</summary>
    /// <remarks>Why a hook: the categories are the positions of the bitmap's set bits (bit 0 the first octet's high bit), which no field layout spells.</remarks>
    public sealed partial record RestrictiveBitmap
    {
        private static partial void DecodeBitmap<TVisitor>(View view, ref TVisitor visitor)
            where TVisitor : IFieldVisitor, allows ref struct
        {
            var bitmap = view.Bitmap;
            visitor.Bytes(RestrictiveBitmapBitmapField, bitmap);
            if (bitmap.IsEmpty)
            {
                return; // no categories at all (tshark shows none)
            }

            // Sized by the bitmap (at most 251 octets: 10,040 bytes), so a short tag does not clear 10 KB of stack.
            Span<byte> text = stackalloc byte[bitmap.Length * TextPerBitmapOctet];
            var length = 0;
            for (var i = 0; i < bitmap.Length * 8; i++)
            {
                if ((bitmap[i >> 3] & (0x80 >> (i & 7))) != 0)
                {
                    Append(text, ref length, (uint)i, length > 0 ? (byte)',' : (byte)0);
                }
            }

            visitor.Bytes(RestrictiveBitmapCategoriesField, text[..length]);
        }
    }

    /// <summary>A ranged tag (tag type 5).</summary>
    /// <remarks>Why a hook: the last range may omit its low end, so the ranges are not whole items of one size.</remarks>
    public sealed partial record Ranged
    {
        private static partial void DecodeRanges<TVisitor>(View view, ref TVisitor visitor)
            where TVisitor : IFieldVisitor, allows ref struct
        {
            var ranges = view.Ranges;
            visitor.Bytes(RangedRangesField, ranges);
            if (ranges.Length < 2)
            {
                return;
            }

            // "high-low" per range, "high" alone when both ends are one category, as tshark writes them.
            Span<byte> text = stackalloc byte[(ranges.Length + 3) / 4 * TextPerRange];
            var length = 0;
            for (var p = 0; p + 2 <= ranges.Length; p += 4)
            {
                var high = BinaryPrimitives.ReadUInt16BigEndian(ranges[p..]);
                var low = p + 4 <= ranges.Length ? BinaryPrimitives.ReadUInt16BigEndian(ranges[(p + 2)..]) : (ushort)0;
                Append(text, ref length, high, length > 0 ? (byte)',' : (byte)0);
                if (low != high)
                {
                    Append(text, ref length, low, (byte)'-');
                }
            }

            visitor.Bytes(RangedCategoriesField, text[..length]);
        }
    }

    /// <summary>Writes a separator (unless 0) and a number.</summary>
    private static void Append(Span<byte> text, ref int length, uint value, byte separator)
    {
        if (separator != 0)
        {
            text[length++] = separator;
        }

        Utf8Formatter.TryFormat(value, text[length..], out var written);
        length += written;
    }
}
