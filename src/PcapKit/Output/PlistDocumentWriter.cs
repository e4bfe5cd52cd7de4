using System;
using System.IO;

namespace PcapKit.Output;

/// <summary>
/// Writes a document as an XML property list (Apple's PropertyList-1.0 DTD): objects are <c>&lt;dict&gt;</c>,
/// arrays <c>&lt;array&gt;</c>, integers <c>&lt;integer&gt;</c>, text <c>&lt;string&gt;</c>, Booleans
/// <c>&lt;true/&gt;</c>/<c>&lt;false/&gt;</c>, byte strings <c>&lt;data&gt;</c> (base64). A plist has no null: absent
/// values are left out. The header is written first and the closing tag when the writer is disposed.
/// </summary>
public sealed class PlistDocumentWriter : TextDocumentWriter
{
    /// <summary>The XML declaration, the DTD and the opening <c>&lt;plist&gt;</c> tag.</summary>
    internal const string Header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n" +
        "<plist version=\"1.0\">\n";

    private readonly bool _fragments;
    private bool _closed;

    /// <summary>Writes to a text writer.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="leaveOpen">Whether to leave it open when disposed.</param>
    public PlistDocumentWriter(TextWriter writer, bool leaveOpen = false)
        : this(writer, leaveOpen, fragments: false)
    {
    }

    /// <summary>Writes to a text writer; with <paramref name="fragments"/>, values only, with neither header nor closing tag (the caller frames them).</summary>
    internal PlistDocumentWriter(TextWriter writer, bool leaveOpen, bool fragments)
        : base(writer, leaveOpen)
    {
        _fragments = fragments;
        WriteHeader();
    }

    /// <inheritdoc/>
    public override void Reset(TextWriter writer)
    {
        base.Reset(writer);
        _closed = false;
        WriteHeader();
    }

    private void WriteHeader()
    {
        if (!_fragments)
        {
            Writer.Write(Header);
        }
    }

    /// <summary>Writes the closing <c>&lt;/plist&gt;</c> tag (also done when disposed).</summary>
    public void Close()
    {
        if (!_closed && !_fragments)
        {
            _closed = true;
            Writer.WriteLine("</plist>");
        }
    }

    private void Indent()
    {
        for (var i = 0; i < Depth; i++)
        {
            Writer.Write('\t');
        }
    }

    private void Key(string? name)
    {
        if (Depth > 0 && !InArray)
        {
            Indent();
            Writer.Write("<key>");
            Escape(name ?? string.Empty);
            Writer.WriteLine("</key>");
        }

        Indent();
    }

    private void Escape(ReadOnlySpan<char> text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                // XML 1.0 cannot carry other control characters, even escaped.
                < ' ' and not ('\t' or '\n' or '\r') => "\uFFFD",
                '\uFFFE' or '\uFFFF' => "\uFFFD",
                _ => null,
            };
            if (replacement is not null)
            {
                Writer.Write(text[start..i]);
                Writer.Write(replacement);
                start = i + 1;
            }
        }

        Writer.Write(text[start..]);
    }

    /// <inheritdoc/>
    public override void StartObject(string? name)
    {
        Key(name);
        Writer.WriteLine("<dict>");
        Push(false);
    }

    /// <inheritdoc/>
    public override void EndObject()
    {
        Pop();
        Indent();
        Writer.WriteLine("</dict>");
    }

    /// <inheritdoc/>
    public override void StartArray(string? name)
    {
        Key(name);
        Writer.WriteLine("<array>");
        Push(true);
    }

    /// <inheritdoc/>
    public override void EndArray()
    {
        Pop();
        Indent();
        Writer.WriteLine("</array>");
    }

    /// <inheritdoc/>
    public override void WriteNumber(string? name, ulong value)
    {
        Key(name);
        Writer.Write("<integer>");
        WriteInvariant(value);
        Writer.WriteLine("</integer>");
        Count();
    }

    /// <inheritdoc/>
    public override void WriteNumber(string? name, long value)
    {
        Key(name);
        Writer.Write("<integer>");
        WriteInvariant(value);
        Writer.WriteLine("</integer>");
        Count();
    }

    /// <inheritdoc/>
    public override void WriteString(string? name, ReadOnlySpan<char> value)
    {
        Key(name);
        Writer.Write("<string>");
        Escape(value);
        Writer.WriteLine("</string>");
        Count();
    }

    /// <inheritdoc/>
    public override void WriteBoolean(string? name, bool value)
    {
        Key(name);
        Writer.WriteLine(value ? "<true/>" : "<false/>");
        Count();
    }

    /// <inheritdoc/>
    public override void WriteBytes(string? name, ReadOnlySpan<byte> value)
    {
        Key(name);
        Writer.Write("<data>");
        Span<char> chunk = stackalloc char[256];
        while (!value.IsEmpty)
        {
            // 189 bytes (a multiple of 3) encode to 252 characters without padding.
            var n = Math.Min(value.Length, 189);
            _ = Convert.TryToBase64Chars(value[..n], chunk, out var written);
            Writer.Write(chunk[..written]);
            value = value[n..];
        }

        Writer.WriteLine("</data>");
        Count();
    }

    /// <inheritdoc/>
    public override void WriteNull(string? name)
    {
        // A plist cannot say null: the member is left out.
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close();
        }

        base.Dispose(disposing);
    }
}
