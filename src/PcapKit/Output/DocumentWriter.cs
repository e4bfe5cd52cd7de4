using System;

namespace PcapKit.Output;

/// <summary>
/// A structured document — objects, arrays and typed values — written as it goes, so extraction never holds more
/// than one frame. JSON, tree text and plist XML are implementations; <see cref="DocumentFieldVisitor"/> writes a
/// protocol's fields into any of them. A <c>name</c> is the member's key inside an object and null inside an array.
/// </summary>
public abstract class DocumentWriter : IDisposable
{
    private bool _disposed;

    /// <summary>Whether the format shows the names of array items and of the top-level object (tree text does; JSON and plist drop them).</summary>
    public virtual bool UsesLabels => false;

    /// <summary>Starts an object.</summary>
    /// <param name="name">Its key, or null inside an array or at the top.</param>
    public abstract void StartObject(string? name);

    /// <summary>Ends the current object.</summary>
    public abstract void EndObject();

    /// <summary>Starts an array.</summary>
    /// <param name="name">Its key, or null inside an array or at the top.</param>
    public abstract void StartArray(string? name);

    /// <summary>Ends the current array.</summary>
    public abstract void EndArray();

    /// <summary>Writes an unsigned integer.</summary>
    /// <param name="name">The key, or null inside an array.</param>
    /// <param name="value">The value.</param>
    public abstract void WriteNumber(string? name, ulong value);

    /// <summary>Writes a signed integer.</summary>
    /// <param name="name">The key, or null inside an array.</param>
    /// <param name="value">The value.</param>
    public abstract void WriteNumber(string? name, long value);

    /// <summary>Writes a string.</summary>
    /// <param name="name">The key, or null inside an array.</param>
    /// <param name="value">The text.</param>
    public abstract void WriteString(string? name, ReadOnlySpan<char> value);

    /// <summary>Writes a Boolean.</summary>
    /// <param name="name">The key, or null inside an array.</param>
    /// <param name="value">The value.</param>
    public abstract void WriteBoolean(string? name, bool value);

    /// <summary>Writes a byte string (JSON and tree: lower-case hex; plist: <c>&lt;data&gt;</c>).</summary>
    /// <param name="name">The key, or null inside an array.</param>
    /// <param name="value">The bytes.</param>
    public abstract void WriteBytes(string? name, ReadOnlySpan<byte> value);

    /// <summary>Writes an absent value.</summary>
    /// <param name="name">The key, or null inside an array.</param>
    public abstract void WriteNull(string? name);

    /// <summary>Writes an enumerated value with its name (<c>{ "value": 6, "name": "tcp" }</c>; tree: <c>6 (tcp)</c>).</summary>
    /// <param name="name">The key, or null inside an array.</param>
    /// <param name="value">The value.</param>
    /// <param name="valueName">Its name, or null when the value has none.</param>
    public virtual void WriteEnum(string? name, ulong value, string? valueName)
    {
        StartObject(name);
        WriteNumber("value", value);
        if (valueName is null)
        {
            WriteNull("name");
        }
        else
        {
            WriteString("name", valueName);
        }

        EndObject();
    }

    /// <summary>Pushes what is buffered to the underlying stream.</summary>
    public abstract void Flush();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Dispose(true);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Flushes and releases the underlying writer.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Writes <paramref name="value"/> as lower-case hex into <paramref name="destination"/>.</summary>
    /// <param name="value">The bytes.</param>
    /// <param name="destination">At least twice as long.</param>
    /// <returns>The characters written.</returns>
    protected static int FormatHex(ReadOnlySpan<byte> value, Span<char> destination)
    {
        _ = Convert.TryToHexStringLower(value, destination, out var written);
        return written;
    }
}
