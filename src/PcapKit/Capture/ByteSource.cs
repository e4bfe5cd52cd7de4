using System;

namespace PcapKit.Capture;

/// <summary>
/// Sequential access to a file's bytes for the format readers: look ahead, then consume. Spans returned by
/// <see cref="Peek"/> stay valid until the next call to <see cref="Peek"/> or <see cref="Advance"/>.
/// </summary>
internal abstract class ByteSource : IDisposable
{
    /// <summary>The offset of the next byte from the start of the input.</summary>
    public abstract long Position { get; }

    /// <summary>The input's length, when known (files).</summary>
    public abstract long? Length { get; }

    /// <summary>Up to <paramref name="count"/> bytes from the current position; fewer only at the end of the input.</summary>
    /// <param name="count">The number of bytes wanted.</param>
    /// <returns>The bytes.</returns>
    public abstract ReadOnlySpan<byte> Peek(int count);

    /// <summary>Consumes <paramref name="count"/> bytes (at most what the last <see cref="Peek"/> returned).</summary>
    /// <param name="count">The number of bytes.</param>
    public abstract void Advance(int count);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
