using System;
using System.Globalization;
using System.IO;

namespace PcapKit.Output;

/// <summary>
/// The base of the text formats (tree, plist): a <see cref="TextWriter"/>, the nesting of containers and the number
/// of items written in each, and number formatting without allocation.
/// </summary>
public abstract class TextDocumentWriter : DocumentWriter
{
    private const int MaxDepth = 64;
    private readonly bool _leaveOpen;
    private readonly bool[] _inArray = new bool[MaxDepth + 1];
    private readonly int[] _items = new int[MaxDepth + 1];

    /// <summary>Writes to a text writer.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="leaveOpen">Whether to leave it open when disposed.</param>
    protected TextDocumentWriter(TextWriter writer, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Writer = writer;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The text writer.</summary>
    protected TextWriter Writer { get; private set; }

    /// <summary>The current nesting depth (0 at the top).</summary>
    protected int Depth { get; private set; }

    /// <summary>Whether the current container is an array.</summary>
    protected bool InArray => _inArray[Depth];

    /// <summary>How many members the current container has had so far (before the one being written).</summary>
    protected int ItemIndex => _items[Depth];

    /// <summary>Starts over on a new writer (one file per frame).</summary>
    /// <param name="writer">The writer.</param>
    public virtual void Reset(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Writer = writer;
        Depth = 0;
        _items[0] = 0;
    }

    /// <summary>Enters a container.</summary>
    /// <param name="array">Whether it is an array.</param>
    protected void Push(bool array)
    {
        _items[Depth]++;
        Depth++;
        if (Depth > MaxDepth)
        {
            throw new InvalidOperationException($"The document is nested deeper than {MaxDepth} levels.");
        }

        _inArray[Depth] = array;
        _items[Depth] = 0;
    }

    /// <summary>Leaves the current container.</summary>
    protected void Pop() => Depth--;

    /// <summary>Counts a scalar member of the current container.</summary>
    protected void Count() => _items[Depth]++;

    /// <summary>Writes a number without allocating.</summary>
    /// <typeparam name="T">The number type.</typeparam>
    /// <param name="value">The number.</param>
    protected void WriteInvariant<T>(T value)
        where T : ISpanFormattable => Writer.WriteInvariant(value);

    /// <summary>Writes bytes as lower-case hex without allocating (in chunks).</summary>
    /// <param name="value">The bytes.</param>
    protected void WriteHex(ReadOnlySpan<byte> value)
    {
        Span<char> chunk = stackalloc char[256];
        while (!value.IsEmpty)
        {
            var n = Math.Min(value.Length, 128);
            Writer.Write(chunk[..FormatHex(value[..n], chunk)]);
            value = value[n..];
        }
    }

    /// <inheritdoc/>
    public override void Flush() => Writer.Flush();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Writer.Flush();
            if (!_leaveOpen)
            {
                Writer.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}

/// <summary>Numbers written to a <see cref="TextWriter"/> in the invariant culture, formatted on the stack.</summary>
internal static class InvariantText
{
    /// <summary>Writes a number without allocating.</summary>
    /// <typeparam name="T">The number type (at most 24 characters formatted).</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The number.</param>
    public static void WriteInvariant<T>(this TextWriter writer, T value)
        where T : ISpanFormattable
    {
        Span<char> text = stackalloc char[24];
        if (!value.TryFormat(text, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A number is longer than its buffer.");
        }

        writer.Write(text[..written]);
    }
}
