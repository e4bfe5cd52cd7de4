using System;
using System.IO;

namespace PcapKit.Output;

/// <summary>
/// Writes a document as an indented tree of text, in the manner of PyPCAPKit's tree output: one line per member,
/// <c>|-- name: value</c>, containers opening a deeper level, array items labelled by their name or <c>[index]</c>.
/// </summary>
/// <example>
/// <code>
/// Frame 1
/// |-- number: 1
/// |-- layers
/// |   |-- ethernet
/// |   |   |-- destination: ff:ff:ff:ff:ff:ff
/// </code>
/// </example>
public sealed class TreeDocumentWriter : TextDocumentWriter
{
    /// <summary>Writes to a text writer.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="leaveOpen">Whether to leave it open when disposed.</param>
    public TreeDocumentWriter(TextWriter writer, bool leaveOpen = false)
        : base(writer, leaveOpen)
    {
    }

    /// <inheritdoc/>
    public override bool UsesLabels => true;

    private void Label(string? name)
    {
        // The top-level container's name is a heading on a line of its own; members are indented under it.
        if (Depth == 0)
        {
            if (name is not null)
            {
                Writer.Write(name);
            }

            return;
        }

        for (var i = 1; i < Depth; i++)
        {
            Writer.Write("|   ");
        }

        Writer.Write("|-- ");
        if (name is not null)
        {
            Writer.Write(name);
        }
        else
        {
            Writer.Write('[');
            WriteInvariant(ItemIndex);
            Writer.Write(']');
        }
    }

    private void Scalar(string? name)
    {
        Label(name);
        Writer.Write(": ");
        Count();
    }

    /// <inheritdoc/>
    public override void StartObject(string? name)
    {
        if (Depth > 0 || name is not null)
        {
            Label(name);
            Writer.WriteLine();
        }

        Push(false);
    }

    /// <inheritdoc/>
    public override void EndObject() => Pop();

    /// <inheritdoc/>
    public override void StartArray(string? name) => StartObject(name);

    /// <inheritdoc/>
    public override void EndArray() => Pop();

    /// <inheritdoc/>
    public override void WriteNumber(string? name, ulong value)
    {
        Scalar(name);
        WriteInvariant(value);
        Writer.WriteLine();
    }

    /// <inheritdoc/>
    public override void WriteNumber(string? name, long value)
    {
        Scalar(name);
        WriteInvariant(value);
        Writer.WriteLine();
    }

    /// <inheritdoc/>
    public override void WriteString(string? name, ReadOnlySpan<char> value)
    {
        Scalar(name);
        Writer.Write(value);
        Writer.WriteLine();
    }

    /// <inheritdoc/>
    public override void WriteBoolean(string? name, bool value)
    {
        Scalar(name);
        Writer.WriteLine(value ? "true" : "false");
    }

    /// <inheritdoc/>
    public override void WriteBytes(string? name, ReadOnlySpan<byte> value)
    {
        Scalar(name);
        WriteHex(value);
        Writer.WriteLine();
    }

    /// <inheritdoc/>
    public override void WriteNull(string? name)
    {
        Scalar(name);
        Writer.WriteLine("(none)");
    }

    /// <inheritdoc/>
    public override void WriteEnum(string? name, ulong value, string? valueName)
    {
        Scalar(name);
        WriteInvariant(value);
        if (valueName is not null)
        {
            Writer.Write(" (");
            Writer.Write(valueName);
            Writer.Write(')');
        }

        Writer.WriteLine();
    }
}
