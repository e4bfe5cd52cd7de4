using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace PcapKit.Capture;

/// <summary>
/// A lease on the bytes of a capture file read through a memory mapping: they stay mapped until the lease is
/// released, even after the reader is disposed, so a record's bytes can be kept past the frame and written later without
/// being copied (the flow splitter hands them to its writer threads this way). Each lease is released once.
/// </summary>
internal sealed unsafe class MappedInput
{
    private readonly SafeHandle _handle;
    private int _released;

    /// <param name="handle">The mapping's handle, with a reference added for this lease (released by <see cref="Release"/>).</param>
    /// <param name="start">The file's first byte in the mapping.</param>
    /// <param name="length">The file's length.</param>
    internal MappedInput(SafeHandle handle, byte* start, long length)
    {
        _handle = handle;
        Start = start;
        Length = length;
    }

    /// <summary>The file's first byte.</summary>
    public byte* Start { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Length { get; }

    /// <summary>Whether <paramref name="bytes"/> lie in the file's mapping.</summary>
    public bool Contains(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            return p >= Start && p + bytes.Length <= Start + Length;
        }
    }

    /// <summary>Whether the bytes just before <paramref name="bytes"/>, in the file, are <paramref name="before"/> (a record's header as the input has it).</summary>
    /// <param name="before">The bytes expected before them.</param>
    /// <param name="bytes">Bytes in the mapping (<see cref="Contains"/>).</param>
    public bool Precedes(ReadOnlySpan<byte> before, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            return p - before.Length >= Start && new ReadOnlySpan<byte>(p - before.Length, before.Length).SequenceEqual(before);
        }
    }

    /// <summary>Ends the lease: the mapping goes once the reader is disposed too (and every other lease released).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _handle.DangerousRelease();
        }
    }
}
