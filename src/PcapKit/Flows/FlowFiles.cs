using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace PcapKit.Flows;

/// <summary>
/// The output side of <see cref="FlowSplitter"/>. Each flow's records gather in a pooled buffer of its own, sized to
/// the flow (it grows by doubling up to a limit); a full buffer, the buffers of all flows together exceeding their
/// budget (the least recently written flows first), and the end of a flow hand the buffer to the file's writer thread
/// (one of a few, each file always the same one's, in batches of operations), which alone opens, writes, closes and
/// renames it. A flow gone quiet before its file exists hands its buffer over too (<see cref="FlushQuiet"/>), so a short
/// flow's file is created and written while the next packets are dissected (and closed there too once the open-file
/// bound needs its handle), leaving the rename, and the close if still open, to its end; at most a bounded number of
/// files are open (an LRU of handles per writer, reopened to append at the known length), and writes are positional,
/// with no stream buffering in between. With a mapped input attached (<see cref="Attach"/>), a flow that has filled a whole
/// buffer (a bulk transfer) keeps its later records as pieces of the mapping instead of copies, written with one
/// gathering write (<c>pwritev</c>): bulk.pcap's 410 MB were otherwise copied twice, into the buffers and into the files.
/// A failure of the writer thread surfaces, as the <see cref="IOException"/> it was, at the next call.
/// </summary>
// The per-packet path: its locals are assigned before they are read (C#'s rules; it has no stackalloc), so they are not
// zeroed on every call.
[System.Runtime.CompilerServices.SkipLocalsInit]
internal sealed class FlowFiles : IDisposable
{
    // Operations go to a writer in batches (of this many, or fewer holding this many bytes): handing one over wakes the
    // writer (a futex wake and the monitor's work in the runtime), which, once per flow, cost the splitter's thread a
    // fifth of its time on a capture of short flows.
    private const int BatchOperations = 32;
    private const int BatchBytes = 1 << 20;
    // A flow's pieces of a mapped input before its bytes go to the writer (one vector of the gathering write each), and
    // the bytes they hold at most.
    private const int MaxPieces = 256;
    private const int MaxReferenced = 4 << 20;
    private const int PiecesBytes = MaxPieces * 16;
    // The shortest data kept as a piece of the mapping when it does not continue the flow's last piece (shorter is copied).
    private const int MappedRecord = 256;
    // Each writer's share of the open files.
    private readonly int _maxOpenPerWriter;
    private readonly int _flowBuffer;
    private readonly long _budget;
    private readonly FlowBufferPool _pool;
    private readonly LinkedList<FlowFile> _buffered = new();
    // The flows with a buffer whose file does not exist yet, most recently written first (FlushQuiet's candidates).
    private readonly LinkedList<FlowFile> _unwritten = new();
    private readonly Writer[] _writers;
    private readonly List<Operation>?[] _batches;
    // Batches the writers have performed, emptied for the next (a batch is a list of up to 32 operations, ~1.3 KB).
    private readonly System.Collections.Concurrent.ConcurrentQueue<List<Operation>> _spareBatches = new();
    private readonly int _batchOperations;
    // FlushQuiet's period, in nanoseconds of capture time (0: the owner never calls it, and _unwritten is not kept).
    private readonly long _quiet;
    private readonly int[] _batchBytes;
    private int _nextWriter;
    // The mapped input whose bytes are written from the mapping (Attach), or null.
    private Capture.MappedInput? _mapped;

    private long _reserved;
    private Exception? _failure;
    private bool _failureThrown;
    private bool _stopped;

    /// <param name="maxOpenFiles">The most files open at once (over all writer threads; with the system calls each also holds the output folder open).</param>
    /// <param name="flowBuffer">The largest buffer one flow gets (rounded up to a power of two, at least 1 KiB).</param>
    /// <param name="budget">The most bytes buffered over all flows, those on their way to disk included.</param>
    /// <param name="writers">
    /// Writer threads: each file is one's for its whole life, so its operations stay in order; creating, closing and
    /// renaming files of short flows is system calls, and on a tmpfs two threads made 40,000 files 1.7× as fast as one.
    /// </param>
    /// <param name="batchOperations">The operations handed to a writer at once (fewer when they hold 1 MiB; tests set 1).</param>
    /// <param name="quiet">
    /// For <see cref="FlushQuiet"/>: how long, in nanoseconds of capture time, a flow without a file stays quiet before its
    /// buffer goes to the writer; 0 for an owner that does not call it.
    /// </param>
    public FlowFiles(int maxOpenFiles, int flowBuffer, long budget, int writers = 1, int batchOperations = BatchOperations, long quiet = 0)
    {
        _batchOperations = Math.Max(1, batchOperations);
        _quiet = quiet;
        _writers = new Writer[Math.Clamp(writers, 1, Math.Max(1, maxOpenFiles))];
        _maxOpenPerWriter = Math.Max(1, maxOpenFiles / _writers.Length);
        // A power of two, as the pool's buffers are (its largest length).
        _flowBuffer = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(flowBuffer, 1024, 1 << 30));
        _budget = Math.Max(budget, 4L * _flowBuffer);
        _pool = new FlowBufferPool(_flowBuffer, (int)Math.Clamp(_budget / _flowBuffer, 16, 4096));
        _batches = new List<Operation>?[_writers.Length];
        _batchBytes = new int[_writers.Length];
        for (var w = 0; w < _writers.Length; w++)
        {
            _writers[w] = new Writer(this);
        }
    }

    /// <summary>Bytes handed to the writers as pieces of the mapped input (not copied).</summary>
    public long MappedBytes { get; private set; }

    /// <summary>
    /// Bytes of a mapped input file may be written from the mapping instead of being copied into the flows' buffers
    /// (<see cref="Append"/>); the caller keeps the lease until this is stopped or disposed. Only with the system calls
    /// (<see cref="FlowFileSystem.Native"/>), whose gathering write takes them.
    /// </summary>
    public void Attach(Capture.MappedInput input)
    {
        if (FlowFileSystem.Native)
        {
            _mapped = input;
        }
    }

    /// <summary>
    /// Appends a record (its header, data and trailer) to the flow's file. Once a flow has filled a whole buffer (a bulk
    /// transfer), its data in an attached mapped input is written from there (with its header too when the input holds
    /// the same header just before it, as a pcap input written as pcap does): the flow keeps a piece of the mapping, not
    /// a copy — when the data is long, or continues the piece before (a flow's consecutive records in the input). A
    /// short flow's records are copied: its few records cost less copied than as pieces of a gathering write.
    /// </summary>
    public void Append(FlowFile file, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, ReadOnlySpan<byte> trailer = default)
    {
        if (_mapped is not { } mapped || file.Capacity < _flowBuffer || data.IsEmpty || !mapped.Contains(data) || !AppendMapped(file, mapped, header, data, trailer))
        {
            var size = header.Length + data.Length + trailer.Length;
            if (file.Buffer is null || file.Buffered + size > file.Buffer.Length)
            {
                Make(file, size);
            }

            var buffer = file.Buffer!;
            header.CopyTo(buffer.AsSpan(file.Buffered));
            data.CopyTo(buffer.AsSpan(file.Buffered + header.Length));
            trailer.CopyTo(buffer.AsSpan(file.Buffered + header.Length + data.Length));
            file.Buffered += size;
            if (file.Pieces is not null)
            {
                AddPiece(file, 0, size);
            }
        }

        if (file.BufferNode is { Previous: not null } node)
        {
            _buffered.Remove(node);
            _buffered.AddFirst(node);
        }

        if (file.UnwrittenNode is { Previous: not null } fresh)
        {
            _unwritten.Remove(fresh);
            _unwritten.AddFirst(fresh);
        }
    }

    // A record whose data lies in the mapped input, as a piece of the mapping; false to copy it after all (short data
    // that does not continue the flow's last piece: a piece costs the writer more than copying a short record).
    private unsafe bool AppendMapped(FlowFile file, Capture.MappedInput mapped, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, ReadOnlySpan<byte> trailer)
    {
        var inPlace = !header.IsEmpty && mapped.Precedes(header, data);
        nint start;
        fixed (byte* p = data)
        {
            start = (nint)p - (inPlace ? header.Length : 0);
        }

        var length = data.Length + (inPlace ? header.Length : 0);
        var continues = file.PieceCount > 0 && file.Pieces![file.PieceCount - 1] is { Mapped: not 0 } last && last.Mapped + last.Length == start;
        if (!continues && data.Length < MappedRecord)
        {
            return false;
        }

        if (file.PieceCount > MaxPieces - 3 || file.Referenced > MaxReferenced - length)
        {
            // At most three pieces more (header, data, trailer), and a bounded write.
            Flush(file);
        }

        // Room first — a buffer for the bytes copied (a header not in place, a trailer) and pieces, each within the budget
        // (a flow's pieces take 4 KiB) — then the record: making room hands buffers to the writers, which throws once they
        // have failed, and a failure must not leave half a record added.
        var copied = (inPlace ? 0 : header.Length) + trailer.Length;
        if (copied > 0 && (file.Buffer is null || file.Buffered + copied > file.Buffer.Length))
        {
            Make(file, copied);
        }

        if (file.Pieces is null)
        {
            MakeRoom(file, PiecesBytes);
            file.Pieces = ArrayPool<Piece>.Shared.Rent(MaxPieces);
            Interlocked.Add(ref _reserved, PiecesBytes);
            Pend(file);
        }

        var pieces = file.Pieces;
        if (file.PieceCount == 0 && file.Buffered > 0)
        {
            // What the buffer holds comes first.
            pieces[file.PieceCount++] = new Piece(0, file.Buffered);
        }

        if (!inPlace)
        {
            Buffer(file, header);
        }

        AddPiece(file, start, length);
        file.Referenced += length;
        Buffer(file, trailer);
        return true;
    }

    // Copies bytes into the flow's buffer (a larger or new one when they do not fit), as a piece when the flow has pieces.
    private void Buffer(FlowFile file, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        if (file.Buffer is null || file.Buffered + bytes.Length > file.Buffer.Length)
        {
            Make(file, bytes.Length);
        }

        bytes.CopyTo(file.Buffer!.AsSpan(file.Buffered));
        file.Buffered += bytes.Length;
        if (file.Pieces is not null)
        {
            AddPiece(file, 0, bytes.Length);
        }
    }

    // A piece after the flow's last: the next bytes of its buffer (mapped 0) or bytes of the mapping, joined to the last
    // piece when that is of the same kind and, in the mapping, ends where this one starts.
    private static void AddPiece(FlowFile file, nint mapped, int length)
    {
        if (length == 0)
        {
            return;
        }

        var pieces = file.Pieces!;
        if (file.PieceCount > 0)
        {
            ref var last = ref pieces[file.PieceCount - 1];
            if (mapped == 0 ? last.Mapped == 0 : last.Mapped != 0 && last.Mapped + last.Length == mapped)
            {
                last = new Piece(last.Mapped, last.Length + length);
                return;
            }
        }

        pieces[file.PieceCount++] = new Piece(mapped, length);
    }

    // The flow has bytes to write: it joins the flows with some, most recently written first (and, without a file yet,
    // FlushQuiet's candidates).
    private void Pend(FlowFile file)
    {
        if (file.BufferNode is null)
        {
            file.BufferNode = _buffered.AddFirst(file);
            if (file.Length == 0 && _quiet > 0)
            {
                file.UnwrittenNode = _unwritten.AddFirst(file);
            }
        }
    }

    /// <summary>Room for <paramref name="size"/> more bytes: a buffer, a larger one, or a new one after the full one went to disk.</summary>
    private void Make(FlowFile file, int size)
    {
        if (file.Buffer is { } current)
        {
            var needed = file.Buffered + size;
            if (current.Length < _flowBuffer && needed <= _flowBuffer)
            {
                var larger = Rent(file, Math.Max(needed, Math.Min(_flowBuffer, current.Length * 2)));
                current.AsSpan(0, file.Buffered).CopyTo(larger);
                Return(current);
                file.Buffer = larger;
                return;
            }

            // Full: the next buffer starts as large (a flow that filled one fills the next too, and growing it again by
            // doubling copied each of its bytes once more).
            file.Capacity = Math.Min(current.Length, _flowBuffer);
            Flush(file);
        }

        // A new buffer (a record larger than any flow buffer gets one of its own size, from the shared pool).
        file.Buffer = size > _flowBuffer ? RentLarge(file, size) : Rent(file, Math.Max(Math.Max(FlowBufferPool.Smallest, size * 2), file.Capacity));
        Pend(file);
    }

    /// <summary>A buffer for <paramref name="file"/>, within the budget: the flows written least recently hand theirs to the writer first.</summary>
    private byte[] Rent(FlowFile file, int length)
    {
        MakeRoom(file, length);
        var buffer = _pool.Rent(Math.Min(length, _flowBuffer));
        Interlocked.Add(ref _reserved, buffer.Length);
        return buffer;
    }

    private byte[] RentLarge(FlowFile file, int length)
    {
        MakeRoom(file, length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        Interlocked.Add(ref _reserved, buffer.Length);
        return buffer;
    }

    private void MakeRoom(FlowFile file, int length)
    {
        // A flow's own buffer and pieces do not count against it: one record larger than the budget still gets written
        // (with its pieces counted, a flow holding pieces and no buffer waited for room forever).
        var own = (file.Buffer?.Length ?? 0) + (file.Pieces is null ? 0 : PiecesBytes);
        while (Volatile.Read(ref _reserved) + length > _budget && Volatile.Read(ref _reserved) > own)
        {
            // What waits in batches first: only the writers give buffers back.
            HandOverAll();
            var victim = _buffered.Last;
            if (victim is not null && victim.Value == file)
            {
                victim = victim.Previous;
            }

            if (victim is not null)
            {
                Flush(victim.Value);
            }
            else
            {
                // Everything else is on its way to disk: wait for the writer to give buffers back.
                ThrowIfFailed();
                Thread.Sleep(1);
            }
        }
    }

    private void Return(byte[] buffer)
    {
        Interlocked.Add(ref _reserved, -buffer.Length);
        if (buffer.Length > _flowBuffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        else
        {
            _pool.Return(buffer);
        }
    }

    /// <summary>
    /// Hands the buffers of the flows without a file yet that are quiet for longer than the period this was made with, at
    /// capture time <paramref name="now"/> (<see cref="FlowFile.LastTime"/>), to the writer: a flow that has ended but is only
    /// completed at the end of the capture (pkt2flow's flows last 1,800 s) has its file created and written while the
    /// next packets are dissected, leaving the rename to the end. Once per flow: a flow with a file keeps gathering its
    /// records until its buffer fills or it ends (a flow that speaks every few seconds for an hour would otherwise cost
    /// a write, and an open and a close, per packet). The least recently written come first, so this stops at the first
    /// flow still active.
    /// </summary>
    /// <param name="now">The current packet's time, in nanoseconds.</param>
    public void FlushQuiet(long now)
    {
        while (_unwritten.Last is { } last && now - last.Value.LastTime > _quiet)
        {
            Flush(last.Value);
        }
    }

    /// <summary>Hands what the flow has buffered, and its pieces of the mapping, to the writer; the flow gets a new buffer when it next writes.</summary>
    private void Flush(FlowFile file)
    {
        if (file.BufferNode is not { } node)
        {
            return;
        }

        _buffered.Remove(node);
        file.BufferNode = null;
        if (file.UnwrittenNode is { } fresh)
        {
            _unwritten.Remove(fresh);
            file.UnwrittenNode = null;
        }

        var referenced = file.Referenced;
        var operation = new Operation(file, file.Buffer, file.Buffered + referenced, file.Length, Pieces: file.Pieces, PieceCount: file.PieceCount);
        file.Buffer = null;
        file.Pieces = null;
        file.PieceCount = 0;
        file.Buffered = 0;
        file.Referenced = 0;
        if (operation.Count == 0)
        {
            GiveBack(operation);
            return;
        }

        Send(operation);
        file.Length += operation.Count;
        MappedBytes += referenced;
    }

    /// <summary>Gives an operation's buffer and pieces back (written, or never to be).</summary>
    private void GiveBack(in Operation operation)
    {
        if (operation.Buffer is { } buffer)
        {
            Return(buffer);
        }

        if (operation.Pieces is { } pieces)
        {
            ArrayPool<Piece>.Shared.Return(pieces);
            Interlocked.Add(ref _reserved, -PiecesBytes);
        }
    }

    /// <summary>Ends the flow: everything buffered is written, the file closed and given its final name (<see cref="FlowFile.FinalPath"/>).</summary>
    public void Complete(FlowFile file)
    {
        Flush(file);
        Send(new Operation(file, null, 0, file.Length, Completes: true));
    }

    /// <summary>Writes everything, waits for the writer and closes every file; temporary names stay on files not completed.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            while (_buffered.Last is { } last)
            {
                Flush(last.Value);
            }

            HandOverAll();
        }
        finally
        {
            CompleteWriters();
        }

        if (!_failureThrown)
        {
            // A failure already thrown (the run stopped with it) is not thrown again by the cleanup after it.
            ThrowIfFailed();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_stopped)
        {
            _stopped = true;
            for (var w = 0; w < _writers.Length; w++)
            {
                // What was handed over is written, as before batches (an abandoned run leaves its files as far as they
                // got, under their temporary names); a writer that failed has stopped taking and drops it.
                _ = TryHandOver(w);
            }

            CompleteWriters();
        }
    }

    /// <summary>Lets every writer finish what it was given and waits for it.</summary>
    private void CompleteWriters()
    {
        foreach (var writer in _writers)
        {
            writer.Queue.Complete();
        }

        foreach (var writer in _writers)
        {
            writer.Thread.Join();
        }
    }

    private void Send(Operation operation)
    {
        ThrowIfFailed();
        // A file keeps its writer (the first operation picks them in turn). When the writer is behind this waits for
        // room (the back-pressure that bounds memory).
        var file = operation.File;
        if (file.Writer < 0)
        {
            file.Writer = _nextWriter;
            _nextWriter = (_nextWriter + 1) % _writers.Length;
        }

        var batch = _batches[file.Writer] ??= _spareBatches.TryDequeue(out var spare) ? spare : new List<Operation>(_batchOperations);
        batch.Add(operation);
        _batchBytes[file.Writer] += operation.Count;
        if (batch.Count >= _batchOperations || _batchBytes[file.Writer] >= BatchBytes)
        {
            HandOver(file.Writer);
        }
    }

    /// <summary>Hands every writer its waiting batch.</summary>
    private void HandOverAll()
    {
        for (var w = 0; w < _writers.Length; w++)
        {
            HandOver(w);
        }
    }

    private void HandOver(int writer)
    {
        if (!TryHandOver(writer))
        {
            ThrowIfFailed();
            throw new InvalidOperationException("The flow writer has stopped.");
        }
    }

    /// <summary>Hands the writer's batch over; false when the writer has stopped taking (it failed, or was completed).</summary>
    private bool TryHandOver(int writer)
    {
        if (_batches[writer] is not { Count: > 0 } batch)
        {
            return true;
        }

        _batches[writer] = null;
        _batchBytes[writer] = 0;
        return _writers[writer].Queue.Add(batch);
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            _failureThrown = true;
            throw failure is IOException io ? new IOException(io.Message, io) : new IOException("Writing flow files failed: " + failure.Message, failure);
        }
    }

    /// <summary>A writer thread: its queue of operations, performed in order, and the files it has open.</summary>
    private sealed class Writer
    {
        private readonly FlowFiles _owner;
        private readonly LinkedList<FlowFile> _open = new();
        // The output folders of its files (one, as a rule), each opened once.
        private readonly List<FlowFolder> _folders = [];

        public Writer(FlowFiles owner)
        {
            _owner = owner;
            Thread = new Thread(WriteAll) { IsBackground = true, Name = "PcapKit flow writer" };
            Thread.Start();
        }

        public Threading.HandOffQueue<List<Operation>> Queue { get; } = new(64);

        public Thread Thread { get; }

        /// <summary>Performs the operations in order until the queue is completed.</summary>
        private void WriteAll()
        {
            var taken = new Queue<List<Operation>>();
            List<Operation>? batch = null;
            var next = 0;
            try
            {
                while (Queue.TakeAll(ref taken))
                {
                    while (taken.TryDequeue(out batch))
                    {
                        for (next = 0; next < batch.Count;)
                        {
                            Perform(batch[next++]);
                        }

                        batch.Clear();
                        _owner._spareBatches.Enqueue(batch);
                        batch = null; // the splitter may fill it again: the error path below must not read it
                    }
                }
            }
#pragma warning disable CA1031 // Not swallowed: kept, and thrown on the splitter's thread at its next call.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // The remaining operations only give their buffers back (the failed one gave its own).
                Interlocked.CompareExchange(ref _owner._failure, e, null);
                for (var i = next; batch is not null && i < batch.Count; i++)
                {
                    GiveBack(batch[i]);
                }

                do
                {
                    while (taken.TryDequeue(out var rest))
                    {
                        foreach (var operation in rest)
                        {
                            GiveBack(operation);
                        }
                    }
                }
                while (Queue.TakeAll(ref taken));
            }
            finally
            {
                while (_open.Last is { } open)
                {
                    try
                    {
                        CloseHandle(open.Value);
                    }
                    catch (IOException e)
                    {
                        Interlocked.CompareExchange(ref _owner._failure, e, null);
                    }
                }

                foreach (var folder in _folders)
                {
                    FlowFileSystem.CloseFolder(folder);
                }
            }
        }

        private void GiveBack(in Operation operation) => _owner.GiveBack(operation);

        private void Perform(in Operation operation)
        {
            var file = operation.File;
            if (operation.Count > 0)
            {
                try
                {
                    var handle = Open(file, create: operation.Offset == 0);
                    if (operation.Pieces is { } pieces)
                    {
                        FlowFileSystem.Write(handle, operation.Buffer, pieces.AsSpan(0, operation.PieceCount), operation.Offset, file);
                    }
                    else
                    {
                        FlowFileSystem.Write(handle, operation.Buffer.AsSpan(0, operation.Count), operation.Offset, file);
                    }
                }
                finally
                {
                    GiveBack(operation);
                }
            }

            if (operation.Completes)
            {
                CloseHandle(file);
                if (operation.Offset > 0)
                {
                    FlowFileSystem.Complete(FolderOf(file), file);
                }
            }
        }

        /// <summary>The flow's file, open; the least recently used one is closed when too many are.</summary>
        private OpenFile Open(FlowFile file, bool create)
        {
            if (file.Handle is { } open)
            {
                if (file.HandleNode is { Previous: not null } node)
                {
                    _open.Remove(node);
                    _open.AddFirst(node);
                }

                return open;
            }

            while (_open.Count >= _owner._maxOpenPerWriter)
            {
                CloseHandle(_open.Last!.Value);
            }

            var folder = FolderOf(file);
            if (create && file.Name.LastIndexOf('/') is > 0 and var slash && !folder.Made(file.Name.AsSpan(0, slash)))
            {
                // The category's folder, made by the first file in it.
                Directory.CreateDirectory(Path.Join(file.Folder, file.Name.AsSpan(0, slash)));
                folder.AddMade(file.Name[..slash]);
            }

            // Reopened files are written at the length written so far: they continue where they stopped.
            var handle = FlowFileSystem.Open(folder, file, create);
            file.Handle = handle;
            file.HandleNode = _open.AddFirst(file);
            return handle;
        }

        /// <summary>The file's output folder, opened by the first file in it.</summary>
        private FlowFolder FolderOf(FlowFile file)
        {
            foreach (var folder in _folders)
            {
                if (ReferenceEquals(folder.Path, file.Folder) || folder.Path == file.Folder)
                {
                    return folder;
                }
            }

            Directory.CreateDirectory(file.Folder);
            var opened = FlowFileSystem.OpenFolder(file.Folder);
            _folders.Add(opened);
            return opened;
        }

        private void CloseHandle(FlowFile file)
        {
            if (file.Handle is { } handle)
            {
                file.Handle = null;
                _open.Remove(file.HandleNode!);
                file.HandleNode = null;
                FlowFileSystem.Close(handle, file);
            }
        }
    }

    /// <summary>
    /// Bytes to write at an offset — a buffer's first <see cref="Count"/> bytes, or, with pieces, the pieces in order (each
    /// the next bytes of the buffer, or bytes of the mapping) — or a file to complete (no bytes), in the order the
    /// splitter asked.
    /// </summary>
    private readonly record struct Operation(FlowFile File, byte[]? Buffer, int Count, long Offset, bool Completes = false, Piece[]? Pieces = null, int PieceCount = 0);
}

/// <summary>One flow's file: its temporary path, its buffer (splitter's thread) and its open handle (writer thread).</summary>
internal sealed class FlowFile
{
    /// <summary>The suffix of a flow file's name until the flow ends and the file is renamed.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>The longest name a flow file has, in characters (the splitter's names are made within it).</summary>
    public const int MaxNameLength = 256;

    private readonly string _folder;
    private readonly string _name;

    /// <summary>Creates a flow's file.</summary>
    /// <param name="folder">The output folder (shared by every flow).</param>
    /// <param name="name">The file's final name in it (the flow's own string: a million flows keep one string each, not three).</param>
    public FlowFile(string folder, string name)
    {
        _folder = folder;
        _name = name;
    }

    /// <summary>The output folder the file's <see cref="Name"/> is relative to.</summary>
    public string Folder => _folder;

    /// <summary>The file's final name, relative to <see cref="Folder"/> (<c>tcp_syn/…</c>).</summary>
    public string Name => _name;

    /// <summary>The file's path while the flow lasts, made when asked, not kept (with the system calls, the writers open and rename it by its name in the folder).</summary>
    public string PartialPath => Path.Join(_folder, _name + PartialSuffix);

    /// <summary>The file's final path.</summary>
    public string FinalPath => Path.Join(_folder, _name);

    /// <summary>The flow's place among the flows with a buffer, most recently written first; null while it has none (an idle flow holds no node).</summary>
    public LinkedListNode<FlowFile>? BufferNode { get; set; }

    /// <summary>The flow's place among the flows with a buffer and no file yet, most recently written first; null otherwise.</summary>
    public LinkedListNode<FlowFile>? UnwrittenNode { get; set; }

    /// <summary>The flow's place among the open files, most recently used first (writer thread); null while its file is closed.</summary>
    public LinkedListNode<FlowFile>? HandleNode { get; set; }

    public byte[]? Buffer { get; set; }

    public int Buffered { get; set; }

    /// <summary>
    /// With a mapped input attached: what the flow has to write, in order — pieces of its buffer and of the mapping (null
    /// while the buffer alone holds it).
    /// </summary>
    public Piece[]? Pieces { get; set; }

    public int PieceCount { get; set; }

    /// <summary>Bytes of the mapping among the pieces.</summary>
    public int Referenced { get; set; }

    /// <summary>Bytes handed to the writer.</summary>
    public long Length { get; set; }

    /// <summary>The size of the flow's last buffer (at most a flow buffer's), which its next starts at.</summary>
    public int Capacity { get; set; }

    /// <summary>The capture time of the flow's latest record, in nanoseconds (<see cref="FlowFiles.FlushQuiet"/>).</summary>
    public long LastTime { get; set; }

    public OpenFile? Handle { get; set; }

    /// <summary>The writer thread its operations go to (-1 until its first).</summary>
    public int Writer { get; set; } = -1;
}

/// <summary>Bytes a flow has to write: the next <see cref="Length"/> bytes of its buffer (<see cref="Mapped"/> 0) or bytes of a mapped input at that address.</summary>
/// <param name="Mapped">The address in the mapping, or 0 for the buffer.</param>
/// <param name="Length">The number of bytes.</param>
internal readonly record struct Piece(nint Mapped, int Length);
