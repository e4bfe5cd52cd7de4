using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Output;

namespace PcapKit.Extraction;

/// <summary>
/// Parallel extraction: the caller's thread reads records in order into batches (views of a mapped file's records,
/// copies of a stream's); worker threads — and the caller's thread while the batch it must write next is not done —
/// dissect and format each batch's frames into the batch's own buffer; the caller's thread writes the batches out
/// in the order they were read. The output is the sequential run's, byte for byte; at most four batches per thread
/// are in flight.
/// </summary>
public sealed partial class Extractor
{
    /// <summary>Records per batch.</summary>
    private const int BatchFrames = 512;

    /// <summary>Captured bytes per batch (a batch closes at whichever comes first).</summary>
    private const int BatchBytes = 1 << 20;

    /// <summary>Whether <see cref="Run(CancellationToken)"/> dissects and formats on several threads (see <see cref="ExtractionOptions.Threads"/>).</summary>
    private bool CanRunInParallel =>
        _options.Threads > 1 && _engine is null && _callback is null && _consumers.Length == 0 && !_store &&
        _ip is null && _tcp is null && _trace is null && _frames == 0 &&
        (_sink is null || _sink is IFormattedFrameSink { TakesFormattedFrames: true });

    private void RunInParallel(Action? progress, CancellationToken cancellation)
    {
        var sink = (IFormattedFrameSink?)_sink;
        // The reading thread is one of the threads: while the batch it must write next is not done, it formats others.
        var threads = _options.Threads;
        var inFlight = threads * 4;
        using var work = new BlockingCollection<Batch>(inFlight);
        var helper = new WorkerState(this, format: sink is not null);
        var workers = new Task[threads - 1];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(() => Work(work, format: sink is not null), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        var free = new Stack<Batch>();
        var pending = new Queue<Batch>();
        InvalidDataException? damage = null;
        try
        {
            var more = true;
            while (more)
            {
                cancellation.ThrowIfCancellationRequested();
                var batch = free.Count > 0 ? free.Pop() : new Batch();
                batch.Clear();
                more = Fill(batch, ref damage);
                if (batch.Count > 0)
                {
                    work.Add(batch, CancellationToken.None);
                    pending.Enqueue(batch);
                }
                else
                {
                    free.Push(batch);
                }

                while (pending.Count >= inFlight || (!more && pending.Count > 0))
                {
                    var done = pending.Dequeue();
                    while (!done.Done.IsSet && work.TryTake(out var other))
                    {
                        helper.Process(other);
                    }

                    Emit(done, sink);
                    free.Push(done);
                    progress?.Invoke();
                }
            }
        }
        finally
        {
            work.CompleteAdding();
            Task.WaitAll(workers, CancellationToken.None);
        }

        if (damage is not null)
        {
            // Every frame before the damage is out; Run finishes the output (its summary names the error) and rethrows.
            ExceptionDispatchInfo.Throw(damage);
        }
    }

    /// <summary>Reads records into <paramref name="batch"/> until it is full; false at the end of the capture or at damage.</summary>
    private bool Fill(Batch batch, ref InvalidDataException? damage)
    {
        while (batch.Count < BatchFrames && batch.DataLength < BatchBytes)
        {
            CaptureRecord record;
            try
            {
                if (!_reader.TryReadNext(out record))
                {
                    return false;
                }
            }
            catch (InvalidDataException e)
            {
                _error = e.Message;
                damage = e;
                return false;
            }

            batch.Add(record, _reader.RecordsStayValid);
        }

        return true;
    }

    /// <summary>Writes a batch's frames once its worker is done, counting them as the sequential run does.</summary>
    private void Emit(Batch batch, IFormattedFrameSink? sink)
    {
        batch.Done.Wait();
        if (batch.Error is { } error)
        {
            _faulted = true;
            ExceptionDispatchInfo.Throw(error);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            _frames++;
            _bytes += batch.Records[i].Length;
            _malformed += batch.Malformed[i] ? 1 : 0;
            _selected += batch.Selected[i] ? 1 : 0;
        }

        try
        {
            if (sink is not null && batch.Output.WrittenCount > 0)
            {
                sink.WriteFormatted(batch.Output.WrittenSpan);
            }
        }
        catch
        {
            // The output failed mid-batch (a full disk): it cannot be finished consistently.
            _faulted = true;
            throw;
        }
    }

    /// <summary>A worker: dissects, selects and formats the frames of each batch it takes.</summary>
    private void Work(BlockingCollection<Batch> work, bool format)
    {
        var state = new WorkerState(this, format);
        foreach (var batch in work.GetConsumingEnumerable())
        {
            state.Process(batch);
        }
    }

    /// <summary>What one thread needs to dissect and format frames: its own dissector, layer stack and JSON writer.</summary>
    private sealed class WorkerState(Extractor owner, bool format)
    {
        private readonly Dissector _dissector = new(owner._registry!, owner._options.ToDissectorOptions());
        private readonly LayerStack _stack = new();
        private readonly FrameFormatter? _formatter = format ? owner._options.Formatter?.Invoke() : null;
        private JsonDocumentWriter? _json;
        private DocumentFieldVisitor? _fields;

        public void Process(Batch batch)
        {
            try
            {
                if (format && _formatter is null)
                {
                    _json ??= new JsonDocumentWriter(batch.Output);
                    _fields ??= new DocumentFieldVisitor(_json);
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    var record = batch.Record(i);
                    _dissector.Dissect(record, _stack);
                    var frame = new ExtractedFrame(record, new Frame(record.Data, _stack, owner._registry!), null, null);
                    batch.Malformed[i] = !frame.IsWellFormed;
                    batch.Selected[i] = owner._select is null || owner._select(frame);
                    if (!batch.Selected[i])
                    {
                        continue;
                    }

                    if (_formatter is not null)
                    {
                        _formatter.Format(frame, batch.Output);
                    }
                    else if (_json is not null)
                    {
                        if (batch.Output.WrittenCount > 0)
                        {
                            // The batch's frames are written out as one run: the commas between them are in it.
                            batch.Output.GetSpan(1)[0] = (byte)',';
                            batch.Output.Advance(1);
                        }

                        _json.Reset(batch.Output);
                        FrameDocument.WriteFrame(_json, frame, _fields!);
                        _json.Flush();
                    }
                }
            }
            catch (Exception e)
            {
                // Rethrown on the reading thread when the batch's turn comes, as the sequential run would throw it there.
                batch.Error = e;
            }
            finally
            {
                batch.Done.Set();
            }
        }
    }

    /// <summary>Records read for a worker (viewed in a mapped file or copied from a stream's buffer), and what the worker made of them.</summary>
    private sealed class Batch
    {
        private byte[] _data = [];
        private int _copied;

        public RecordCopy[] Records { get; } = new RecordCopy[BatchFrames];

        public int Count { get; private set; }

        public int DataLength { get; private set; }

        /// <summary>The selected frames, formatted, separated by commas.</summary>
        public ArrayBufferWriter<byte> Output { get; } = new(1 << 20);

        /// <summary>Whether each frame was selected.</summary>
        public bool[] Selected { get; } = new bool[BatchFrames];

        public bool[] Malformed { get; } = new bool[BatchFrames];

        public Exception? Error { get; set; }

        public ManualResetEventSlim Done { get; } = new(false);

        public void Clear()
        {
            Count = 0;
            DataLength = 0;
            _copied = 0;
            Error = null;
            Output.ResetWrittenCount();
            Done.Reset();
        }

        /// <summary>Adds a record: a view of it when the reader's records stay valid (a mapped file), else a copy.</summary>
        public unsafe void Add(in CaptureRecord record, bool stays)
        {
            var options = record.Options;
            if (stays)
            {
                // The mapped file outlives the run: the worker reads the record where it is.
                Records[Count++] = new RecordCopy(
                    record.Number, record.Offset, record.Kind, -1, record.Data.Length, options.Bytes.Length, options.IsBigEndian, record.OriginalLength,
                    record.Timestamp, record.HasTimestamp, record.Interface, record.Modified, record.CustomBlockType, record.EnterpriseNumber,
                    (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(record.Data)), (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(options.Bytes)));
                DataLength += record.Data.Length;
                return;
            }

            var needed = _copied + record.Data.Length + options.Bytes.Length;
            if (needed > _data.Length)
            {
                Array.Resize(ref _data, Math.Max(needed, _data.Length * 2));
            }

            var start = _copied;
            record.Data.CopyTo(_data.AsSpan(start));
            options.Bytes.CopyTo(_data.AsSpan(start + record.Data.Length));
            _copied = needed;
            DataLength += record.Data.Length;
            Records[Count++] = new RecordCopy(
                record.Number, record.Offset, record.Kind, start, record.Data.Length, options.Bytes.Length, options.IsBigEndian, record.OriginalLength,
                record.Timestamp, record.HasTimestamp, record.Interface, record.Modified, record.CustomBlockType, record.EnterpriseNumber, 0, 0);
        }

        public unsafe CaptureRecord Record(int index)
        {
            ref readonly var r = ref Records[index];
            var data = r.Start < 0 ? new ReadOnlySpan<byte>((void*)r.Data, r.Length) : _data.AsSpan(r.Start, r.Length);
            var options = r.Start < 0 ? new ReadOnlySpan<byte>((void*)r.Options, r.OptionsLength) : _data.AsSpan(r.Start + r.Length, r.OptionsLength);
            return new CaptureRecord(
                r.Number, r.Offset, r.Kind, data, r.OriginalLength, r.Timestamp, r.HasTimestamp, r.Interface,
                options, r.OptionsBigEndian, r.Modified, r.CustomBlockType, r.EnterpriseNumber);
        }
    }

    /// <summary>A record's fields; its bytes at <c>Start</c> in the batch's copy, or (Start -1) at <c>Data</c> and <c>Options</c> in the mapped file.</summary>
    private readonly record struct RecordCopy(
        long Number, long Offset, RecordKind Kind, int Start, int Length, int OptionsLength, bool OptionsBigEndian, uint OriginalLength,
        CaptureTimestamp Timestamp, bool HasTimestamp, CaptureInterface Interface, ModifiedPcapFields? Modified, uint CustomBlockType, uint EnterpriseNumber,
        nint Data, nint Options);
}
