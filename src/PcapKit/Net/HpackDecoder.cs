using System;
using System.Collections.Generic;
using System.Text;

namespace PcapKit.Net;

/// <summary>
/// HPACK (RFC 7541): decodes HTTP/2 header blocks with the static table, a dynamic table of bounded size, and the
/// Huffman code of Appendix B. One decoder per connection and direction, fed the header blocks in the order they were
/// sent (§2.2). A block that breaks the rules (§4.2, §5, §6) is a decoding error: <see cref="Decode"/> returns the reason
/// and the decoder keeps failing, since its dynamic table no longer matches the encoder's (RFC 9113 §4.3).
/// </summary>
public sealed class HpackDecoder
{
    /// <summary>The dynamic table's size limit before the decoding endpoint says otherwise (RFC 9113 §6.5.2, SETTINGS_HEADER_TABLE_SIZE).</summary>
    public const int DefaultTableSize = 4096;

    // §5.1: integers beyond this are not sizes or indexes any implementation uses; refusing them bounds the work.
    private const int MaxInteger = 1 << 24;

    // Appendix A: the static table, index 1 to 61.
    private static readonly (string Name, string Value)[] StaticTable =
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
        (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
        (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
        ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
        ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""), ("etag", ""),
        ("expect", ""), ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""), ("if-modified-since", ""),
        ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""), ("last-modified", ""), ("link", ""),
        ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""), ("proxy-authorization", ""), ("range", ""),
        ("referer", ""), ("refresh", ""), ("retry-after", ""), ("server", ""), ("set-cookie", ""),
        ("strict-transport-security", ""), ("transfer-encoding", ""), ("user-agent", ""), ("vary", ""), ("via", ""),
        ("www-authenticate", ""),
    ];

    // Newest first, as §2.3.3 numbers them (index 62 is the newest).
    private readonly LinkedList<(string Name, string Value)> _dynamic = new();
    private readonly List<byte> _text = [];
    private int _allowedSize;
    private int _maxSize;
    private string? _failed;

    /// <summary>Creates a decoder whose table may grow to <paramref name="allowedTableSize"/> octets.</summary>
    /// <param name="allowedTableSize">The limit the decoding endpoint advertised.</param>
    public HpackDecoder(int allowedTableSize = DefaultTableSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(allowedTableSize);
        _allowedSize = allowedTableSize;
        _maxSize = allowedTableSize;
    }

    /// <summary>
    /// The limit the decoding endpoint advertised (SETTINGS_HEADER_TABLE_SIZE): a dynamic table size update (§6.3) may
    /// not exceed it. Lowering it below the current maximum shrinks the table at once.
    /// </summary>
    public int AllowedTableSize
    {
        get => _allowedSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _allowedSize = value;
            if (_maxSize > value)
            {
                _maxSize = value;
                Evict(0);
            }
        }
    }

    /// <summary>The dynamic table's current maximum size in octets (§4.2).</summary>
    public int MaxTableSize => _maxSize;

    /// <summary>The dynamic table's size: the sum of its entries' sizes (name, value and 32 octets each, §4.1).</summary>
    public int TableSize { get; private set; }

    /// <summary>The number of entries in the dynamic table.</summary>
    public int TableCount => _dynamic.Count;

    /// <summary>Why an earlier block could not be decoded, or null while the decoder is in step with the encoder.</summary>
    public string? Error => _failed;

    /// <summary>Decodes one header block (the fragments of a HEADERS or PUSH_PROMISE frame and its CONTINUATIONs, joined).</summary>
    /// <param name="block">The header block.</param>
    /// <param name="headers">Receives the header fields in order (names and values as Latin-1, so every octet is kept).</param>
    /// <returns>Null, or why the block breaks RFC 7541 (the fields before that point were added).</returns>
    public string? Decode(ReadOnlySpan<byte> block, List<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (_failed is not null)
        {
            return "an earlier header block failed: " + _failed;
        }

        var p = 0;
        var fieldSeen = false;
        while (p < block.Length)
        {
            var first = block[p];
            string? error;
            if ((first & 0x80) != 0)
            {
                // §6.1: indexed header field.
                error = ReadInteger(block, ref p, 7, out var index);
                if (error is null)
                {
                    error = Lookup(index, out var name, out var value);
                    if (error is null)
                    {
                        headers.Add(new(name, value));
                    }
                }

                fieldSeen = true;
            }
            else if ((first & 0xC0) == 0x40)
            {
                // §6.2.1: literal with incremental indexing.
                error = Literal(block, ref p, 6, headers, index: true);
                fieldSeen = true;
            }
            else if ((first & 0xE0) == 0x20)
            {
                // §6.3: dynamic table size update, only at the start of a block (§4.2).
                error = ReadInteger(block, ref p, 5, out var size);
                if (error is null && fieldSeen)
                {
                    error = "a dynamic table size update after a header field";
                }
                else if (error is null && size > _allowedSize)
                {
                    error = $"a dynamic table size update to {size} octets, above the {_allowedSize} allowed";
                }
                else if (error is null)
                {
                    _maxSize = size;
                    Evict(0);
                }
            }
            else
            {
                // §6.2.2 without indexing (0000) and §6.2.3 never indexed (0001): the same layout.
                error = Literal(block, ref p, 4, headers, index: false);
                fieldSeen = true;
            }

            if (error is not null)
            {
                _failed = error;
                return error;
            }
        }

        return null;
    }

    private string? Literal(ReadOnlySpan<byte> block, ref int p, int prefix, List<KeyValuePair<string, string>> headers, bool index)
    {
        var error = ReadInteger(block, ref p, prefix, out var nameIndex);
        if (error is not null)
        {
            return error;
        }

        string name;
        if (nameIndex == 0)
        {
            error = ReadString(block, ref p, out name);
            if (error is not null)
            {
                return error;
            }
        }
        else
        {
            error = Lookup(nameIndex, out name, out _);
            if (error is not null)
            {
                return error;
            }
        }

        error = ReadString(block, ref p, out var value);
        if (error is not null)
        {
            return error;
        }

        headers.Add(new(name, value));
        if (index)
        {
            Add(name, value);
        }

        return null;
    }

    // §4.4: adding an entry evicts from the end until it fits; an entry larger than the table empties it.
    private void Add(string name, string value)
    {
        var size = Size(name, value);
        if (size > _maxSize)
        {
            _dynamic.Clear();
            TableSize = 0;
            return;
        }

        Evict(size);
        _dynamic.AddFirst((name, value));
        TableSize += size;
    }

    private void Evict(int room)
    {
        while (TableSize + room > _maxSize && _dynamic.Last is { } oldest)
        {
            TableSize -= Size(oldest.Value.Name, oldest.Value.Value);
            _dynamic.RemoveLast();
        }
    }

    private static int Size(string name, string value) => name.Length + value.Length + 32;

    private string? Lookup(int index, out string name, out string value)
    {
        name = value = string.Empty;
        if (index == 0)
        {
            return "index 0 (§6.1)";
        }

        if (index <= StaticTable.Length)
        {
            (name, value) = StaticTable[index - 1];
            return null;
        }

        var position = index - StaticTable.Length - 1;
        if (position >= _dynamic.Count)
        {
            return $"index {index} beyond the {_dynamic.Count} entries of the dynamic table";
        }

        var node = _dynamic.First!;
        for (var i = 0; i < position; i++)
        {
            node = node.Next!;
        }

        (name, value) = node.Value;
        return null;
    }

    // §5.1: an N-bit prefix, then 7 bits per octet while the top bit is set.
    private static string? ReadInteger(ReadOnlySpan<byte> block, ref int p, int prefix, out int value)
    {
        var mask = (1 << prefix) - 1;
        value = block[p++] & mask;
        if (value < mask)
        {
            return null;
        }

        for (var shift = 0; ; shift += 7)
        {
            if (p >= block.Length)
            {
                return "an integer cut by the end of the block";
            }

            var b = block[p++];
            var add = (long)(b & 0x7F) << shift;
            if (shift > 21 || value + add >= MaxInteger)
            {
                return "an integer too large (§5.1)";
            }

            value += (int)add;
            if ((b & 0x80) == 0)
            {
                return null;
            }
        }
    }

    // §5.2: the H bit, a 7-bit-prefix length, then the octets, Huffman-coded when H is set.
    private string? ReadString(ReadOnlySpan<byte> block, ref int p, out string text)
    {
        text = string.Empty;
        if (p >= block.Length)
        {
            return "a string literal missing at the end of the block";
        }

        var huffman = (block[p] & 0x80) != 0;
        var error = ReadInteger(block, ref p, 7, out var length);
        if (error is not null)
        {
            return error;
        }

        if (length > block.Length - p)
        {
            return $"a string literal of {length} octets runs past the end of the block";
        }

        var octets = block.Slice(p, length);
        p += length;
        if (!huffman)
        {
            text = Encoding.Latin1.GetString(octets);
            return null;
        }

        _text.Clear();
        error = HpackHuffman.Decode(octets, _text);
        if (error is not null)
        {
            return error;
        }

        text = Encoding.Latin1.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_text));
        return null;
    }
}

/// <summary>The HPACK Huffman code (RFC 7541 Appendix B), a canonical code: built from each symbol's code length.</summary>
internal static class HpackHuffman
{
    /// <summary>The end-of-string symbol, which must not appear in a string (§5.2).</summary>
    public const int EndOfString = 256;

    // Appendix B: the code length in bits of symbols 0–255, then EOS (256). Codes of the same length are consecutive and
    // ordered by symbol, and shorter codes precede longer ones, so the lengths determine the codes.
    private static readonly byte[] Lengths =
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    ];

    private const int MaxLength = 30;

    // Canonical decoding tables: per length, the first code, how many codes, and where their symbols start in Symbols.
    private static readonly int[] FirstCode = new int[MaxLength + 2];
    private static readonly int[] Count = new int[MaxLength + 2];
    private static readonly int[] Start = new int[MaxLength + 2];
    private static readonly short[] Symbols = new short[Lengths.Length];

    static HpackHuffman()
    {
        foreach (var length in Lengths)
        {
            Count[length]++;
        }

        var code = 0;
        var index = 0;
        for (var length = 1; length <= MaxLength; length++)
        {
            FirstCode[length] = code;
            Start[length] = index;
            for (var symbol = 0; symbol < Lengths.Length; symbol++)
            {
                if (Lengths[symbol] == length)
                {
                    Symbols[index++] = (short)symbol;
                }
            }

            code = (code + Count[length]) << 1;
        }
    }

    /// <summary>The code of <paramref name="symbol"/> and its length (for tests and encoders).</summary>
    public static (uint Code, int Length) CodeOf(int symbol)
    {
        var length = Lengths[symbol];
        var rank = Array.IndexOf(Symbols, (short)symbol, Start[length], Count[length]) - Start[length];
        return ((uint)(FirstCode[length] + rank), length);
    }

    /// <summary>Decodes <paramref name="octets"/> into <paramref name="output"/>; null, or why the string is not valid (§5.2).</summary>
    public static string? Decode(ReadOnlySpan<byte> octets, List<byte> output)
    {
        var code = 0;
        var length = 0;
        foreach (var octet in octets)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                code = (code << 1) | ((octet >> bit) & 1);
                length++;
                var rank = code - FirstCode[length];
                if (rank >= 0 && rank < Count[length])
                {
                    var symbol = Symbols[Start[length] + rank];
                    if (symbol == EndOfString)
                    {
                        return "the end-of-string symbol inside a string (§5.2)";
                    }

                    output.Add((byte)symbol);
                    code = 0;
                    length = 0;
                }
                else if (length == MaxLength)
                {
                    return "a bit sequence that is no Huffman code";
                }
            }
        }

        // §5.2: at most 7 bits of padding, all ones (the start of EOS).
        if (length > 7)
        {
            return "Huffman padding longer than 7 bits (§5.2)";
        }

        if (code != (1 << length) - 1)
        {
            return "Huffman padding that is not the end-of-string code's first bits (§5.2)";
        }

        return null;
    }
}
