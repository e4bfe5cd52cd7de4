using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace PcapKit.Capture;

/// <summary>A file mapped into memory: records are spans of the mapping, never copied. Works for files larger than 4 GB.</summary>
/// <remarks>
/// Reading a mapped file costs more in mapping its pages (a page fault every few records: dear under virtualisation)
/// and in fetching each record's header from memory than in the reading itself. So the reader prefetches the next
/// record's header into the cache as it takes a record, and, on Linux with <see cref="CaptureReaderOptions.ReadAhead"/>,
/// a helper thread maps the pages a few windows ahead of the reader (<c>madvise(MADV_POPULATE_READ)</c>) and, with
/// <see cref="CaptureReaderOptions.ReadAheadIntoCache"/>, reads them into the shared cache — on another core, while the
/// reader's thread dissects.
/// </remarks>
internal sealed unsafe partial class MappedByteSource : ByteSource
{
    // The helper maps (and, into the cache, reads) this much at once, up to Ahead windows past the reader's own (8–10 MiB
    // ahead of it, within a shared L3).
    private const long Window = 2L << 20;
    private const int Ahead = 4;
    // A smaller file is not worth a thread.
    private const long SmallestReadAhead = 16L << 20;
    private const int PopulateRead = 22; // MADV_POPULATE_READ (Linux 5.14)

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _length;
    private long _position;

    // The read-ahead thread, woken each time the reader enters a further window; null when not used.
    private readonly Thread? _helper;
    private int _disposed;
    // Whether the helper reads the lines of the pages it maps (CaptureReaderOptions.ReadAheadIntoCache).
    private readonly bool _intoCache;
    private long _aheadBytes;
    private long _cachedBytes;
    private readonly AutoResetEvent? _moved;
    private long _nextWindow = Window;
    private volatile bool _stopping;

    private MappedByteSource(MemoryMappedFile file, MemoryMappedViewAccessor view, long length, bool readAhead, bool intoCache)
    {
        _intoCache = intoCache;
        _file = file;
        _view = view;
        _length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
        if (readAhead && OperatingSystem.IsLinux() && length >= SmallestReadAhead)
        {
            _moved = new AutoResetEvent(false);
            _helper = new Thread(ReadAhead) { IsBackground = true, Name = "PcapKit capture read-ahead" };
            _helper.Start();
        }
    }

    /// <summary>Maps <paramref name="path"/>, or returns null for an empty or unmappable file (the caller then streams it).</summary>
    /// <param name="path">The file.</param>
    /// <param name="readAhead">Whether a helper thread maps the file ahead of the reader (<see cref="CaptureReaderOptions.ReadAhead"/>).</param>
    /// <param name="intoCache">Whether the helper reads the pages it maps into the cache (<see cref="CaptureReaderOptions.ReadAheadIntoCache"/>).</param>
    public static MappedByteSource? TryOpen(string path, bool readAhead, bool intoCache)
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
            return new MappedByteSource(file, view, length, readAhead, intoCache);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Whether a helper thread was started to read ahead (for tests; it stops early when the kernel refuses).</summary>
    internal bool ReadsAhead => _helper is not null;

    /// <summary>How far into the file the helper has mapped (for tests: a helper the kernel refused stops short of the end).</summary>
    internal long AheadBytes => Volatile.Read(ref _aheadBytes);

    /// <summary>Whether the helper also reads the pages into the cache (for tests).</summary>
    internal bool ReadsAheadIntoCache => _helper is not null && _intoCache;

    /// <summary>How far into the file the helper has read the pages into the cache (for tests: 0 when it only maps).</summary>
    internal long CachedBytes => Volatile.Read(ref _cachedBytes);

    public override long Position => _position;

    /// <summary>A lease keeping the mapping, and so every record's bytes, valid until it is released.</summary>
    public MappedInput Lease()
    {
        var added = false;
        var handle = _view.SafeMemoryMappedViewHandle;
        handle.DangerousAddRef(ref added);
        return new MappedInput(handle, _base, _length);
    }

    public override long? Length => _length;

    public override ReadOnlySpan<byte> Peek(int count) =>
        new(_base + _position, (int)Math.Min(count, _length - _position));

    public override void Advance(int count)
    {
        _position += count;
        if (_position < _length)
        {
            if (Sse.IsSupported)
            {
                // The next record's header, fetched while the caller dissects this record: the chain of record headers is
                // not a pattern the hardware prefetcher follows across pages. A prefetch never faults.
                Sse.Prefetch0(_base + _position);
            }

            if (_position >= _nextWindow && _moved is { } moved)
            {
                _nextWindow = ((_position / Window) + 1) * Window;
                moved.Set();
            }
        }
    }

    // The helper: maps (and, into the cache, reads) the windows up to Ahead past the reader's, then waits for the reader to
    // move on.
    private void ReadAhead()
    {
        var page = (nint)Environment.SystemPageSize;
        var done = (byte*)((nint)_base & ~(page - 1));
        var end = _base + _length;
        var sum = 0;
        while (!_stopping && done < end)
        {
            var limit = _base + Math.Min(_length, Volatile.Read(ref _nextWindow) + (Ahead * Window));
            if (done >= limit)
            {
                _moved!.WaitOne();
                continue;
            }

            var length = (nint)Math.Min(Window, limit - done);
            if (madvise(done, (nuint)length, PopulateRead) != 0)
            {
                // A kernel before 5.14 does not know MADV_POPULATE_READ (or the pages could not be mapped): the helper
                // stops and the reader's own faults map the pages — slower, not wrong.
                return;
            }

            if (_intoCache)
            {
                // Each cache line read once, into the cache the cores share.
                for (var line = done; line < done + length; line += 64)
                {
                    sum += *line;
                }

                Volatile.Write(ref _cachedBytes, done + length - _base);
            }

            done += length;
            Volatile.Write(ref _aheadBytes, done - _base);
        }

        GC.KeepAlive(sum);
    }

    // Disposing stops the helper. A reader never disposed keeps it waiting, and the mapping it refers to, until the process
    // ends (a reader that read to the end has none left: the helper ends once it has read the whole file).
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        // Once, even from two threads: a second release of the pointer would take a reference that a lease on the mapping holds.
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (_helper is not null)
            {
                // Stopped before the mapping goes: it must not touch pages of a range unmapped.
                _stopping = true;
                _moved!.Set();
                _helper.Join();
                _moved.Dispose();
            }

            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);
}
