using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace PcapKit.Output;

/// <summary>
/// Writes a <see cref="DocumentWriter"/> document as JSON with <see cref="Utf8JsonWriter"/>: names become keys
/// (dropped inside arrays), byte strings lower-case hex, enums <c>{ "value": …, "name": … }</c>.
/// </summary>
public sealed class JsonDocumentWriter : DocumentWriter
{
    private const int MaxDepth = 64;
    private readonly Utf8JsonWriter _writer;
    private readonly Stream? _owned;
    // Whether the container at each depth of the writer is an array; depths opened by a caller count as objects.
    private readonly bool[] _inArray = new bool[MaxDepth + 2];

    // Keys are the fields' names: a few hundred constant strings, encoded to UTF-8 once each.
    private readonly Dictionary<string, JsonEncodedText> _keys = new(ReferenceEqualityComparer.Instance);

    /// <summary>Writes to a stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="indented">Whether to indent.</param>
    /// <param name="leaveOpen">Whether to leave the stream open when disposed.</param>
    public JsonDocumentWriter(Stream stream, bool indented = false, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, SkipValidation = false, MaxDepth = MaxDepth });
        _owned = leaveOpen ? null : stream;
    }

    /// <summary>Writes to a buffer (parallel extraction formats each frame into one, then copies it out in order).</summary>
    /// <param name="output">The buffer.</param>
    /// <param name="indented">Whether to indent.</param>
    public JsonDocumentWriter(IBufferWriter<byte> output, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, SkipValidation = false, MaxDepth = MaxDepth });
    }

    /// <summary>
    /// Writes through an existing <see cref="Utf8JsonWriter"/> (not disposed with this writer), continuing inside
    /// the objects the caller has opened.
    /// </summary>
    /// <param name="writer">The writer.</param>
    public JsonDocumentWriter(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <summary>Starts over on a new stream, reusing the writer's buffers (one file per frame).</summary>
    /// <param name="stream">The stream.</param>
    public void Reset(Stream stream)
    {
        _writer.Reset(stream);
        Array.Clear(_inArray);
    }

    /// <summary>Starts over on a new buffer, reusing the writer's state: the next value is a new document.</summary>
    /// <param name="output">The buffer.</param>
    public void Reset(IBufferWriter<byte> output)
    {
        _writer.Reset(output);
        Array.Clear(_inArray);
    }

    private bool Named(string? name) => name is not null && _writer.CurrentDepth > 0 && !_inArray[_writer.CurrentDepth];

    private JsonEncodedText Key(string name)
    {
        if (!_keys.TryGetValue(name, out var key))
        {
            key = JsonEncodedText.Encode(name);
            if (_keys.Count < 4096)
            {
                _keys[name] = key;
            }
        }

        return key;
    }

    private void Push(bool array) => _inArray[_writer.CurrentDepth] = array;

    private void Pop() => _inArray[_writer.CurrentDepth] = false;

    /// <inheritdoc/>
    public override void StartObject(string? name)
    {
        if (Named(name))
        {
            _writer.WriteStartObject(Key(name!));
        }
        else
        {
            _writer.WriteStartObject();
        }

        Push(false);
    }

    /// <inheritdoc/>
    public override void EndObject()
    {
        Pop();
        _writer.WriteEndObject();
        FlushIfFull();
    }

    /// <summary>Hands buffered bytes to the stream once they pass 64 KiB, so a document of any size streams to disk.</summary>
    private void FlushIfFull()
    {
        if (_writer.BytesPending > 1 << 16)
        {
            _writer.Flush();
        }
    }

    /// <inheritdoc/>
    public override void StartArray(string? name)
    {
        if (Named(name))
        {
            _writer.WriteStartArray(Key(name!));
        }
        else
        {
            _writer.WriteStartArray();
        }

        Push(true);
    }

    /// <inheritdoc/>
    public override void EndArray()
    {
        Pop();
        _writer.WriteEndArray();
    }

    /// <inheritdoc/>
    public override void WriteNumber(string? name, ulong value)
    {
        if (Named(name))
        {
            _writer.WriteNumber(Key(name!), value);
        }
        else
        {
            _writer.WriteNumberValue(value);
        }
    }

    /// <inheritdoc/>
    public override void WriteNumber(string? name, long value)
    {
        if (Named(name))
        {
            _writer.WriteNumber(Key(name!), value);
        }
        else
        {
            _writer.WriteNumberValue(value);
        }
    }

    /// <inheritdoc/>
    public override void WriteString(string? name, ReadOnlySpan<char> value)
    {
        if (Named(name))
        {
            _writer.WriteString(Key(name!), value);
        }
        else
        {
            _writer.WriteStringValue(value);
        }
    }

    /// <inheritdoc/>
    public override void WriteBoolean(string? name, bool value)
    {
        if (Named(name))
        {
            _writer.WriteBoolean(Key(name!), value);
        }
        else
        {
            _writer.WriteBooleanValue(value);
        }
    }

    /// <inheritdoc/>
    public override void WriteBytes(string? name, ReadOnlySpan<byte> value)
    {
        // Hex is plain ASCII: write the quoted UTF-8 text as a raw value, skipping the writer's transcoding and escaping.
        var length = (value.Length * 2) + 2;
        byte[]? rented = null;
        var utf8 = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            utf8[0] = (byte)'"';
            _ = Convert.TryToHexStringLower(value, utf8[1..], out var written);
            utf8[written + 1] = (byte)'"';
            if (Named(name))
            {
                _writer.WritePropertyName(Key(name!));
            }

            _writer.WriteRawValue(utf8[..(written + 2)], skipInputValidation: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc/>
    public override void WriteNull(string? name)
    {
        if (Named(name))
        {
            _writer.WriteNull(Key(name!));
        }
        else
        {
            _writer.WriteNullValue();
        }
    }

    /// <inheritdoc/>
    public override void Flush() => _writer.Flush();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writer.Flush();
            if (_owned is not null)
            {
                _writer.Dispose();
                _owned.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
