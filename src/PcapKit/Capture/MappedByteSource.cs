using System;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace PcapKit.Capture;

/// <summary>A file mapped into memory: records are spans of the mapping, never copied. Works for files larger than 4 GB.</summary>
internal sealed unsafe class MappedByteSource : ByteSource
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _length;
    private long _position;

    private MappedByteSource(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        _length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
    }

    /// <summary>Maps <paramref name="path"/>, or returns null for an empty or unmappable file (the caller then streams it).</summary>
    public static MappedByteSource? TryOpen(string path)
    {
        var length = new FileInfo(path).Length;
        if (length == 0)
        {
            return null;
        }

        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new MappedByteSource(file, view, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public override long Position => _position;

    public override long? Length => _length;

    public override ReadOnlySpan<byte> Peek(int count) =>
        new(_base + _position, (int)Math.Min(count, _length - _position));

    public override void Advance(int count) => _position += count;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }
}
