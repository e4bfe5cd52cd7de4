using System;
using System.Buffers;
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
/// dissect each batch's frames. When nothing keeps state from frame to frame, the workers also select and format
/// them into the batch's own buffer, and the caller's thread writes the batches out in the order they were read.
/// Otherwise the workers keep each frame's layers in the batch, and the caller's thread takes the frames in order
/// through everything that keeps state — reassembly, the trace, flows, consumers, the callback, the selector, the
/// output and the stored frames — exactly as the sequential run does; with reassembly shards (Extractor.Shards.cs)
/// each dissected batch also goes, in order, to every shard, and the caller's thread replays what the shards did.
/// Either way the results are the sequential run's, byte for byte; at most four batches per thread are in flight.
/// </summary>
public sealed partial class Extractor
{
    /// <summary>Records per batch: small enough that a batch's JSON stays in cache from the worker that writes it to the reading thread that copies it out (bench/README: 128 beat 512 and 64).</summary>
    private const int BatchFrames = 128;

    /// <summary>Captured bytes per batch (a batch closes at whichever comes first).</summary>
    private const int BatchBytes = 1 << 18;

    /// <summary>Whether <see cref="Run(CancellationToken)"/> dissects on several threads (see <see cref="ExtractionOptions.Threads"/>).</summary>
    private bool CanRunInParallel => _options.Threads > 1 && _engine is null && _frames == 0;

    /// <summary>Whether the workers can also select and format the frames: nothing keeps state across frames and the output takes formatted frames.</summary>
    private bool FormatsInParallel =>
        _callback is null && _consumers.Length == 0 && !_store && _ip is null && _tcp is null && _trace is null &&
        (_sink is null || _sink is IFormattedFrameSink { TakesFormattedFrames: true });

    private void RunInParallel(Action? progress, CancellationToken cancellation)
    {
        var formats = FormatsInParallel;
        var sink = formats ? (IFormattedFrameSink?)_sink : null;
        var mode = !formats ? WorkerMode.Dissect : sink is null ? WorkerMode.Select : WorkerMode.Format;
        // The reading thread is one of the threads: while the batch it needs next is not done, it works on others.
        var threads = _options.Threads;
        var inFlight = threads * 4;
        var work = new Threading.HandOffQueue<Batch>(inFlight);
        var helper = new WorkerState(this, mode);
        var workers = new Task[threads - 1];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(() => Work(work, mode), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        var free = new Stack<Batch>();
        var pending = new Queue<Batch>();
        InvalidDataException? damage = null;
        // Reassembly and flow-splitting state sharded over as many threads: a batch goes to the shards once dissected, in order.
        var sharding = !formats && _options.ShardCount > 0;
        var shardsFlows = sharding && TakeShardedFlows(_options.ShardCount);
        var shards = sharding && (ShardsReassembly || shardsFlows) ? _shards = new ShardSet(this, _options.ShardCount, inFlight) : null;
        var undispatched = new Queue<Batch>();
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
                    work.Add(batch);
                    pending.Enqueue(batch);
                    undispatched.Enqueue(batch);
                }
                else
                {
                    free.Push(batch);
                }

                while (shards is not null && undispatched.Count > 0 && undispatched.Peek().Done.IsSet)
                {
                    shards.Dispatch(undispatched.Dequeue());
                }

                while (pending.Count >= inFlight || (!more && pending.Count > 0))
                {
                    var done = pending.Dequeue();
                    if (shards is not null)
                    {
                        // The shards take the batches in order: this one (the oldest not delivered) is next, once dissected.
                        if (undispatched.Count > 0 && undispatched.Peek() == done)
                        {
                            while (!done.Done.IsSet && work.TryTake(out var other))
                            {
                                helper.Process(other);
                            }

                            done.Done.Wait(CancellationToken.None);
                            shards.Dispatch(undispatched.Dequeue());
                        }

                        while (undispatched.Count > 0 && undispatched.Peek().Done.IsSet)
                        {
                            shards.Dispatch(undispatched.Dequeue());
                        }

                        while (!done.ShardsDone.IsSet && work.TryTake(out var other))
                        {
                            helper.Process(other);
                        }

                        DeliverSharded(done);
                    }
                    else
                    {
                        while (!done.Done.IsSet && work.TryTake(out var other))
                        {
                            helper.Process(other);
                        }

                        if (formats)
                        {
                            Emit(done, sink);
                        }
                        else
                        {
                            Deliver(done);
                        }
                    }

                    free.Push(done);
                    progress?.Invoke();
                }
            }
        }
        catch when (shards is not null)
        {
            // Cancelled, or a handler, callback or output failed: the shards may have reassembled batches the
            // reading thread never delivered, so their state is not the state at the frame the run stopped on.
            _shardsOutOfStep = true;
            throw;
        }
        finally
        {
            work.Complete();
            Task.WaitAll(workers, CancellationToken.None);
            shards?.Stop();
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
        for (var i = 0; i < batch.Completed; i++)
        {
            _frames++;
            _bytes += batch.Records[i].Length;
            _malformed += batch.Malformed[i] ? 1 : 0;
            _selected += batch.Selected[i] ? 1 : 0;
        }

        try
        {
            if (sink is not null && batch.OutputLength > 0)
            {
                sink.WriteFormatted(batch.Output.WrittenSpan[..batch.OutputLength]);
            }
        }
        catch
        {
            // The output failed mid-batch (a full disk): it cannot be finished consistently.
            _faulted = true;
            throw;
        }

        if (batch.Error is { } error)
        {
            // The selector or the formatter may have failed mid-frame, as in the sequential run: the output is left unfinished.
            _faulted = true;
            ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>Takes a batch's dissected frames, once its worker is done, through the stateful stages in order.</summary>
    private void Deliver(Batch batch)
    {
        batch.Done.Wait();
        for (var i = 0; i < batch.Completed; i++)
        {
            var record = batch.Record(i);
            batch.LoadLayers(i, _stack);
            MakeFrame(record, out var frame);
            Deliver(frame);
        }

        if (batch.Error is { } error)
        {
            // A dissector's bug, thrown once the frames before it have gone through, as the sequential run throws it
            // from that frame's dissection.
            ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>A worker: dissects (and selects and formats) the frames of each batch it takes.</summary>
    private void Work(Threading.HandOffQueue<Batch> work, WorkerMode mode)
    {
        var state = new WorkerState(this, mode);
        while (work.Take(out var batch))
        {
            state.Process(batch);
        }
    }

    /// <summary>What the workers do with each frame.</summary>
    private enum WorkerMode
    {
        /// <summary>Dissect and keep the layers for the caller's thread.</summary>
        Dissect,

        /// <summary>Dissect and select (no output).</summary>
        Select,

        /// <summary>Dissect, select and format into the batch's output.</summary>
        Format,
    }

    /// <summary>What one thread needs to dissect and format frames: its own dissector, layer stack and JSON writer.</summary>
    private sealed class WorkerState(Extractor owner, WorkerMode mode)
    {
        private readonly Dissector _dissector = new(owner._registry!, owner._options.ToDissectorOptions());
        private readonly LayerStack _stack = new();
        private readonly FrameFormatter? _formatter = mode == WorkerMode.Format ? owner._options.Formatter?.Invoke() : null;
        private JsonDocumentWriter? _json;
        private DocumentFieldVisitor? _fields;

        public void Process(Batch batch)
        {
            var i = 0;
            try
            {
                if (mode == WorkerMode.Format && _formatter is null)
                {
                    _json ??= new JsonDocumentWriter(batch.Output);
                    _fields ??= new DocumentFieldVisitor(_json);
                }

                for (; i < batch.Count; i++)
                {
                    var record = batch.Record(i);
                    _dissector.Dissect(record, _stack);
                    if (mode == WorkerMode.Dissect)
                    {
                        batch.SaveLayers(i, _stack);
                        if (owner._shards is { } shards)
                        {
                            var view = new Frame(record.Data, _stack, owner._registry!);
                            var packet = default(PacketOnce);
                            batch.Owner[i] = Route(view, owner._ip is not null, owner._tcp is not null, shards.Shards.Length, out batch.Fragment[i], ref packet);
                            if (owner._shardedFlows.Length > 0 || owner.CollectorParts is not null)
                            {
                                batch.FlowOwner[i] = RouteFlow(view, shards.Shards.Length, ref packet);
                                batch.FlowIp[i] = packet.IsIp;
                            }

                            batch.Packets[i] = packet.Packet;
                        }

                        continue;
                    }

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

                    batch.OutputLength = batch.Output.WrittenCount;
                }

                batch.Completed = batch.Count;
            }
            catch (Exception e)
            {
                // Rethrown on the reading thread when the batch's turn comes, after the frames before this one, as
                // the sequential run would throw it there.
                batch.Completed = i;
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
        private readonly LayerArena _layers = new(BatchFrames * 8);

        public RecordCopy[] Records { get; } = new RecordCopy[BatchFrames];

        public int Count { get; private set; }

        public int DataLength { get; private set; }

        /// <summary>The selected frames, formatted, separated by commas.</summary>
        public ArrayBufferWriter<byte> Output { get; } = new(1 << 20);

        /// <summary>Whether each frame was selected.</summary>
        public bool[] Selected { get; } = new bool[BatchFrames];

        public bool[] Malformed { get; } = new bool[BatchFrames];

        /// <summary>The frames the worker finished: all of them, or those before the one it failed on.</summary>
        public int Completed { get; set; }

        /// <summary>The length of the output of the <see cref="Completed"/> frames.</summary>
        public int OutputLength { get; set; }

        /// <summary>Why the worker stopped at frame <see cref="Completed"/>.</summary>
        public Exception? Error { get; set; }

        /// <summary>Each frame's layers in the batch's arena, when the workers only dissect.</summary>
        public LayerSlot[] Slots { get; } = new LayerSlot[BatchFrames];

        public ManualResetEventSlim Done { get; } = new(false, spinCount: 1);

        /// <summary>The shard that keeps each frame's reassembly state, or -1.</summary>
        public int[] Owner { get; } = new int[BatchFrames];

        /// <summary>Whether IP reassembly takes each frame as a fragment.</summary>
        public bool[] Fragment { get; } = new bool[BatchFrames];

        /// <summary>What flow tracking reads of each frame (addresses, ports, flags), read once when it was routed, if a route needed it.</summary>
        public Flows.FlowPacket[] Packets { get; } = new Flows.FlowPacket[BatchFrames];

        /// <summary>The shard whose part of the sharded flow consumers (and of the flow collector, unless the frame has a TCP connection) takes each frame.</summary>
        public int[] FlowOwner { get; } = new int[BatchFrames];

        /// <summary>Whether each frame has an IP layer, for the sharded flow consumers.</summary>
        public bool[] FlowIp { get; } = new bool[BatchFrames];

        /// <summary>Each frame's outcome in its shard.</summary>
        public ShardResult[] Results { get; } = new ShardResult[BatchFrames];

        /// <summary>Each shard's events for this batch.</summary>
        public ShardLog[] Logs { get; private set; } = [];

        /// <summary>Set when every shard is done with the batch.</summary>
        public ManualResetEventSlim ShardsDone { get; } = new(false, spinCount: 1);

        /// <summary>A shard's failure, and the frame it failed on.</summary>
        public Exception? ShardFault { get; private set; }

        /// <summary>Whether <see cref="ShardFault"/> is a flow consumer's (the output then stays unfinished, as when a consumer fails on the reading thread).</summary>
        public bool ShardFaultInConsumer { get; private set; }

        public int ShardFaultFrame { get; private set; } = int.MaxValue;

        /// <summary>Set when every shard has reassembled the batch: the flow collector's parts then take its frames, each with what any shard made of it.</summary>
        public ManualResetEventSlim Reassembled { get; } = new(false, spinCount: 1);

        private int _shardsLeft;
        private int _reassemblingLeft;

        /// <summary>A shard has reassembled the batch (its results and events are written).</summary>
        public void ReassembledBy()
        {
            if (Interlocked.Decrement(ref _reassemblingLeft) == 0)
            {
                Reassembled.Set();
            }
        }

        /// <summary>Readies the batch for <paramref name="count"/> shards.</summary>
        public void PrepareShards(int count)
        {
            if (Logs.Length != count)
            {
                Logs = new ShardLog[count];
                for (var s = 0; s < count; s++)
                {
                    Logs[s] = new ShardLog();
                }
            }

            _shardsLeft = count;
            _reassemblingLeft = count;
        }

        /// <summary>A shard is done with the batch.</summary>
        public void ShardDone()
        {
            if (Interlocked.Decrement(ref _shardsLeft) == 0)
            {
                ShardsDone.Set();
            }
        }

        /// <summary>Notes a shard's failure at a frame (the earliest one counts).</summary>
        public void Fault(Exception e, int frame, bool inConsumer)
        {
            lock (ShardsDone)
            {
                if (frame < ShardFaultFrame)
                {
                    (ShardFault, ShardFaultFrame, ShardFaultInConsumer) = (e, frame, inConsumer);
                }
            }
        }

        public void Clear()
        {
            Count = 0;
            DataLength = 0;
            _copied = 0;
            _layers.Clear();
            Completed = 0;
            OutputLength = 0;
            Error = null;
            Output.ResetWrittenCount();
            Done.Reset();
            ShardsDone.Reset();
            Reassembled.Reset();
            (ShardFault, ShardFaultFrame, ShardFaultInConsumer) = (null, int.MaxValue, false);
            Array.Clear(Results);
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

        /// <summary>Keeps a dissected frame's layers for the caller's thread.</summary>
        public void SaveLayers(int index, LayerStack stack) => Slots[index] = _layers.Save(stack);

        /// <summary>Puts a frame's kept layers back into a stack.</summary>
        public void LoadLayers(int index, LayerStack stack) => _layers.Load(Slots[index], stack);

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

    /// <summary>Where a frame's layers are in a <see cref="LayerArena"/>, and its raw range.</summary>
    private readonly record struct LayerSlot(int Start, int Count, int RawOffset, int RawLength, string? RawReason);

    /// <summary>Dissected frames' layers kept one after another (a batch's frames, a shard's datagrams), reused from batch to batch.</summary>
    private sealed class LayerArena(int capacity)
    {
        private Layer[] _layers = new Layer[capacity];
        private int _count;

        public void Clear() => _count = 0;

        /// <summary>Keeps a stack's layers and says where.</summary>
        public LayerSlot Save(LayerStack stack)
        {
            var layers = stack.Layers;
            if (_count + layers.Length > _layers.Length)
            {
                Array.Resize(ref _layers, Math.Max(_layers.Length * 2, _count + layers.Length));
            }

            layers.CopyTo(_layers.AsSpan(_count));
            var slot = new LayerSlot(_count, layers.Length, stack.RawOffset, stack.RawLength, stack.RawReason);
            _count += layers.Length;
            return slot;
        }

        /// <summary>Puts kept layers back into a stack.</summary>
        public void Load(in LayerSlot slot, LayerStack stack) =>
            stack.Load(_layers.AsSpan(slot.Start, slot.Count), slot.RawOffset, slot.RawLength, slot.RawReason);
    }

    /// <summary>A record's fields; its bytes at <c>Start</c> in the batch's copy, or (Start -1) at <c>Data</c> and <c>Options</c> in the mapped file.</summary>
    private readonly record struct RecordCopy(
        long Number, long Offset, RecordKind Kind, int Start, int Length, int OptionsLength, bool OptionsBigEndian, uint OriginalLength,
        CaptureTimestamp Timestamp, bool HasTimestamp, CaptureInterface Interface, ModifiedPcapFields? Modified, uint CustomBlockType, uint EnterpriseNumber,
        nint Data, nint Options)
    {
        /// <summary>As <see cref="CaptureRecord.Time"/>.</summary>
        public long Time => HasTimestamp ? Timestamp.SaturatedNanoseconds : long.MinValue;
    }
}
