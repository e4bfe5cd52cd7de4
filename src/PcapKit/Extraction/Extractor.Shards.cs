using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Flows;
using PcapKit.Net;
using PcapKit.Reassembly;

namespace PcapKit.Extraction;

/// <summary>
/// Reassembly state sharded over threads. Each frame that can touch IP or TCP reassembly belongs to one shard, chosen
/// by a hash of its address pair that does not depend on direction — so a datagram's fragments, the segment they
/// complete and both directions of a connection meet in one shard. Each shard runs its own IP and TCP reassemblers on
/// its own thread, batch after batch in capture order, and records what they do (data, gaps, closes, reports) instead
/// of handing it out. The reading thread then takes every frame in order and replays its events as the one-thread run
/// would have made them: the idle connections every shard closed at this frame's time (by their latest segment's
/// time, over all shards), the datagrams every shard timed out at this fragment's time (by their first fragment's
/// time), then the frame's own shard's events — the reassemblers expire each entry by its own time, so which ones go
/// at a frame does not depend on what else a shard holds. The connections the program sees are the reading thread's
/// copies of the shards' (numbered in the order of their first segments, as tshark's <c>tcp.stream</c>), brought up
/// to date from the events and from what the shard noted after each frame, so handlers, callbacks and outputs see
/// exactly what they see on one thread. Without IP reassembly a segment's ports choose its shard too. Each shard
/// holds its share of the state's bounds (a run that reaches a bound may evict other entries than one thread would).
/// Consumers whose state divides by address pair (<see cref="IShardedFlowConsumer"/>: the flow splitter, the trace) are sharded
/// too: each shard hands the frames of its address pairs to its own part of them, and they merge their parts when
/// they complete; the reading thread no longer hands them frames.
/// </summary>
public sealed partial class Extractor
{
    private ShardSet? _shards;
    private Reassembly.ITcpStreamHandler? _tcpHandler;
    private long _nextStreamIndex;
    private readonly List<TcpStream> _closedStreams = [];
    private int[] _cursors = [];
    private int[] _endedCursors = [];
    private bool _shardsOutOfStep;

    /// <summary>The consumers whose state the shards keep in this run (the flow splitter, the trace), each shard its part.</summary>
    private IShardedFlowConsumer[] _shardedFlows = [];

    /// <summary>Whether the parallel run shards the reassembly state (anything to reassemble, on more than one thread).</summary>
    private bool ShardsReassembly => _ip is not null || _tcp is not null;

    /// <summary>Hands the consumers that can be sharded to the shards (the reading thread no longer gives them frames); false when there are none.</summary>
    private bool TakeShardedFlows(int shards)
    {
        var sharded = new List<IShardedFlowConsumer>();
        var delivered = new List<IFrameConsumer>();
        foreach (var consumer in _consumers)
        {
            if (consumer is IShardedFlowConsumer flows && flows.CanShare(_options))
            {
                sharded.Add(flows);
            }
            else
            {
                delivered.Add(consumer);
            }
        }

        foreach (var consumer in sharded)
        {
            consumer.Share(shards);
        }

        _shardedFlows = [.. sharded];
        _delivered = [.. delivered];
        // The flow collector stays among the consumers the reading thread hands frames to: there it hands the program
        // the flows its parts ended at each frame.
        _collector?.Share(shards);
        return sharded.Count > 0 || _collector is not null;
    }

    /// <summary>The flow collector's parts the shards keep, or null.</summary>
    private FlowCollector[]? CollectorParts => _collector?.Parts;

    /// <summary>The connections that ended, in order, with <see cref="TcpReassemblyOptions.Store"/>.</summary>
    private IReadOnlyList<TcpStream> ClosedStreams => _shards is not null ? _closedStreams : _tcp?.ClosedStreams ?? [];

    /// <summary>Hands a reassembler's report to the program (and keeps a partial datagram when storing), on the reading thread.</summary>
    private void OnIpReport(ReassemblyReport report)
    {
        if (report.Datagram is { } partial && _store)
        {
            _datagrams.Add(partial);
        }

        _options.ReassemblyReport?.Invoke(report);
    }

    /// <summary>Ends the shards' reassembly (the end of the capture): every shard's datagrams in progress, then every shard's connections, merged as one reassembler orders them.</summary>
    private void FinishShards(ShardSet set)
    {
        if (_shardsOutOfStep)
        {
            // The run stopped early with the shards ahead of the frames delivered: ending their connections now would
            // hand out state of frames the program never saw. Nothing more is reported (one thread would end what it
            // held at the frame it stopped on; the shards cannot go back to it).
            return;
        }

        var logs = new ShardLog[set.Shards.Length];
        for (var s = 0; s < logs.Length; s++)
        {
            logs[s] = new ShardLog();
            set.Shards[s].FinishIp(logs[s]);
        }

        Array.Clear(_cursors);
        Replay(logs, null, -1, ShardPhase.IpTime);
        for (var s = 0; s < logs.Length; s++)
        {
            logs[s].Clear();
            set.Shards[s].FinishTcp(logs[s]);
        }

        Array.Clear(_cursors);
        Replay(logs, null, -1, ShardPhase.TcpTime);
        if (_collector is not null)
        {
            for (var s = 0; s < logs.Length; s++)
            {
                set.Shards[s].FinishFlows(logs[s]);
            }

            Array.Clear(_endedCursors);
            StageEnded(logs, -1);
        }
    }

    /// <summary>
    /// Stages for the flow collector the flows its parts ended at one frame (-1: the end), merged in the order one
    /// collector ends them; each TCP flow's connection becomes the reading thread's copy, as up to date as the frame.
    /// </summary>
    private void StageEnded(ShardLog[] logs, int frame)
    {
        if (_endedCursors.Length != logs.Length)
        {
            _endedCursors = new int[logs.Length];
        }

        while (true)
        {
            var best = -1;
            FlowEndOrder bestOrder = default;
            for (var s = 0; s < logs.Length; s++)
            {
                var ended = logs[s].Ended;
                var c = _endedCursors[s];
                if (c < ended.Count && ended[c].Frame == frame && (best < 0 || ended[c].Order.CompareTo(bestOrder) < 0))
                {
                    best = s;
                    bestOrder = ended[c].Order;
                }
            }

            if (best < 0)
            {
                return;
            }

            var flow = logs[best].Ended[_endedCursors[best]++].Flow;
            if (flow.Stream is { } stream)
            {
                flow.Stream = MirrorOf(stream);
            }

            _collector!.Stage(flow);
        }
    }

    /// <summary>Takes a batch's frames, once the workers and the shards are done with it, through the stateful stages in order.</summary>
    private void DeliverSharded(Batch batch)
    {
        batch.Done.Wait();
        batch.ShardsDone.Wait();
        Array.Clear(_cursors);
        Array.Clear(_endedCursors);
        for (var i = 0; i < batch.Completed; i++)
        {
            if (batch.ShardFault is { } fault && batch.ShardFaultFrame == i)
            {
                // A flow consumer's failure (a full disk) leaves the output unfinished, as on the reading thread.
                _faulted |= batch.ShardFaultInConsumer;
                // A reassembler's bug, thrown where the one-thread run would throw it: once the frames before have gone through.
                ExceptionDispatchInfo.Throw(fault);
            }

            var record = batch.Record(i);
            batch.LoadLayers(i, _stack);
            var view = new Frame(record.Data, _stack, _registry!);
            Replay(batch.Logs, batch, i, ShardPhase.TcpTime);
            Replay(batch.Logs, batch, i, ShardPhase.IpTime);
            Replay(batch.Logs, batch, i, ShardPhase.Ip);
            ref readonly var result = ref batch.Results[i];
            if (result.Datagram is { } datagram && _store)
            {
                _datagrams.Add(datagram);
            }

            Replay(batch.Logs, batch, i, ShardPhase.Tcp);
            TcpStream? stream = null;
            if (result.Stream is { } shardStream)
            {
                stream = MirrorOf(shardStream);
                result.Snapshot.ApplyTo(stream);
            }

            ExtractedFrame frame;
            if (result.Datagram is { } completed)
            {
                batch.Logs[result.Shard].LoadLayers(result.Reassembled, _datagramStack);
                frame = new ExtractedFrame(record, view, completed, new Frame(completed.Payload.Span, _datagramStack, _registry!), stream);
            }
            else
            {
                frame = _tcp is not null ? new ExtractedFrame(record, view, null, default, stream) : new ExtractedFrame(record, view, null, null);
            }

            if (_collector is not null)
            {
                StageEnded(batch.Logs, i);
            }

            Deliver(frame);
        }

        if (batch.Error is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>
    /// Replays the events of one frame and phase: the shards' groups (one connection's or one datagram's events) merged
    /// by the order one reassembler would have made them in (each event's keys).
    /// </summary>
    private void Replay(ShardLog[] logs, Batch? batch, int frame, ShardPhase phase)
    {
        if (_cursors.Length != logs.Length)
        {
            _cursors = new int[logs.Length];
        }

        while (true)
        {
            var best = -1;
            (long, long) bestKey = default;
            for (var s = 0; s < logs.Length; s++)
            {
                var log = logs[s];
                var c = _cursors[s];
                if (c < log.Count && log.Events[c].Frame == frame && log.Events[c].Phase == phase &&
                    (best < 0 || (log.Events[c].Key, log.Events[c].Key2).CompareTo(bestKey) < 0))
                {
                    best = s;
                    bestKey = (log.Events[c].Key, log.Events[c].Key2);
                }
            }

            if (best < 0)
            {
                return;
            }

            var chosen = logs[best];
            ref var cursor = ref _cursors[best];
            var first = cursor;
            do
            {
                ReplayEvent(chosen, batch, chosen.Events[cursor]);
                cursor++;
            }
            while (cursor < chosen.Count && chosen.Events[cursor].Frame == frame && chosen.Events[cursor].Phase == phase &&
                   chosen.Events[cursor].Kind != ShardEventKind.Report && chosen.Events[first].Kind != ShardEventKind.Report &&
                   ReferenceEquals(chosen.Events[cursor].Stream, chosen.Events[first].Stream));
        }
    }

    private void ReplayEvent(ShardLog log, Batch? batch, in ShardEvent e)
    {
        if (e.Kind == ShardEventKind.Report)
        {
            OnIpReport(e.Report!);
            return;
        }

        var stream = MirrorOf(e.Stream!);
        e.Snapshot.ApplyTo(stream);
        switch (e.Kind)
        {
            case ShardEventKind.Data:
                var data = DataOf(log, batch, e);
                stream.Acknowledgment[e.Direction] = e.Acknowledgment;
                stream.Delivered[e.Direction] += e.Length;
                stream.Keep(e.Direction, data);
                _tcpHandler?.OnData(stream, e.Direction, e.Offset, data, e.DataFrame);
                break;
            case ShardEventKind.Gap:
                if (_options.TcpReassembly?.Store == true)
                {
                    stream.GapList.Add(new TcpGap(e.Direction, e.Offset, e.Length, e.Reason!));
                }

                stream.Missing[e.Direction] += e.Length;
                _tcpHandler?.OnGap(stream, e.Direction, e.Offset, e.Length, e.Reason!);
                break;
            default:
                stream.ClosedBy = e.Reason;
                if (_options.TcpReassembly?.Store == true)
                {
                    _closedStreams.Add(stream);
                }

                _tcpHandler?.OnClose(stream);
                break;
        }
    }

    /// <summary>Where a data event's bytes are (nothing when the shard did not note them).</summary>
    private static ReadOnlySpan<byte> DataOf(ShardLog log, Batch? batch, in ShardEvent e) => e.DataStart < 0 ? default : e.Source switch
    {
        DataSource.Frame => batch!.Record(e.Frame).Data.Slice(e.DataStart, (int)e.Length),
        DataSource.Datagram => batch!.Results[e.Frame].Datagram!.Payload.Span.Slice(e.DataStart, (int)e.Length),
        _ => log.Data.AsSpan(e.DataStart, (int)e.Length),
    };

    /// <summary>The reading thread's copy of a shard's connection, made (and numbered) when it is first met in frame order.</summary>
    private TcpStream MirrorOf(TcpStream shardStream) =>
        shardStream.Mirror ??= new TcpStream(_nextStreamIndex++, shardStream.Client, shardStream.FirstFrame, _options.TcpReassembly?.Store == true);

    /// <summary>Which shard keeps a frame's state (-1: none), and whether IP reassembly takes it as a fragment.</summary>
    /// <remarks>
    /// A fragment's segment is never TCP reassembly's (the datagram brings it), so a fragment's shard is its datagram's;
    /// a segment's is its connection's, whose addresses (read once, here) the shard's TCP reassembler takes as they are.
    /// </remarks>
    private static int Route(Frame frame, bool ip, bool tcp, int shards, out bool fragment, ref PacketOnce packet)
    {
        if (ip && IpReassembler.IsFragment(frame, out var source, out var destination))
        {
            fragment = true;
            return ShardOf(source, destination, shards, 0);
        }

        fragment = false;
        if (tcp && packet.Read(frame) && packet.Packet.HasTcpFlags && !packet.Packet.IsFragment)
        {
            // Without IP reassembly no segment comes out of fragments, so the ports may choose too: the connections
            // between two hosts spread over the shards.
            var tuple = packet.Packet.Tuple;
            return ShardOf(tuple.Source, tuple.Destination, shards, ip ? 0 : tuple.SourcePort ^ tuple.DestinationPort);
        }

        return -1;
    }

    /// <summary>
    /// Which shard's part of the sharded flow consumers takes a frame: an IP frame's by its address pair alone — a
    /// datagram's later fragments have no ports, and must meet their flow — the others' the first shard.
    /// </summary>
    private static int RouteFlow(Frame frame, int shards, ref PacketOnce packet) =>
        packet.Read(frame) ? ShardOf(packet.Packet.Tuple.Source, packet.Packet.Tuple.Destination, shards, 0) : 0;

    /// <summary>A frame's <see cref="FlowPacket"/>, read at most once by whichever routing needs it first.</summary>
    private struct PacketOnce
    {
        private bool _read;

        /// <summary>Whether the frame has an IP layer (valid once read).</summary>
        public bool IsIp;

        /// <summary>What flow tracking reads of the frame (valid once read, and the frame is IP).</summary>
        public FlowPacket Packet;

        /// <summary>Reads the frame unless done already; whether it has an IP layer.</summary>
        public bool Read(Frame frame)
        {
            if (!_read)
            {
                _read = true;
                IsIp = FlowPacket.TryRead(frame, out Packet);
            }

            return IsIp;
        }
    }

    /// <summary>A shard by the address pair (and the ports' exclusive or, or 0), the same for both directions.</summary>
    /// <remarks>
    /// The exclusive or of the four halves is symmetric in the two addresses; MurmurHash3's 64-bit finalizer then mixes
    /// every bit into every other, so any bit of the ports or the addresses moves the shard whatever the shard count.
    /// </remarks>
    internal static int ShardOf(Ipv6Address a, Ipv6Address b, int shards, int ports)
    {
        var x = (ulong)a.Value ^ (ulong)(a.Value >> 64) ^ (ulong)b.Value ^ (ulong)(b.Value >> 64) ^ (uint)ports;
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return (int)(x % (uint)shards);
    }

    /// <summary>The order of a frame's events in the one-thread run.</summary>
    private enum ShardPhase : byte
    {
        /// <summary>Connections closed idle at the frame's time.</summary>
        TcpTime,

        /// <summary>Datagrams dropped at a fragment's time.</summary>
        IpTime,

        /// <summary>The frame's fragment (its shard only).</summary>
        Ip,

        /// <summary>The frame's segment (its shard only).</summary>
        Tcp,
    }

    /// <summary>Where a data event's bytes are: copied into the log, in the frame's record, or in the datagram the frame completed.</summary>
    private enum DataSource : byte
    {
        Log,
        Frame,
        Datagram,
    }

    private enum ShardEventKind : byte
    {
        Data,
        Gap,
        Close,
        Report,
    }

    /// <summary>What a shard's connection holds that no event carries, as it was when noted.</summary>
    private readonly record struct StreamSnapshot(long LastFrame, long Conflicts, long OutOfWindow, long Fin0, long Fin1, int FirstWholeDirection)
    {
        public static StreamSnapshot Of(TcpStream s) => new(s.LastFrame, s.Conflicts, s.OutOfWindow, s.FinFrame[0], s.FinFrame[1], s.FirstWholeDirection);

        public void ApplyTo(TcpStream s)
        {
            s.LastFrame = LastFrame;
            s.Conflicts = Conflicts;
            s.OutOfWindow = OutOfWindow;
            s.FinFrame[0] = Fin0;
            s.FinFrame[1] = Fin1;
            s.FirstWholeDirection = FirstWholeDirection;
        }
    }

    /// <summary>One thing a shard's reassembler did: its frame (index in the batch, -1 at the end), phase, and the order key among shards.</summary>
    private struct ShardEvent
    {
        public int Frame;
        public ShardPhase Phase;
        public ShardEventKind Kind;
        public int Direction;
        public long Key;
        public long Key2;
        public TcpStream? Stream;
        public long Offset;
        public long Length;
        public long DataFrame;
        public int DataStart;
        public DataSource Source;
        public uint Acknowledgment;
        public string? Reason;
        public ReassemblyReport? Report;
        public StreamSnapshot Snapshot;
    }

    /// <summary>A flow a shard's part of the flow collector ended: at which frame of the batch (-1: the end), in which order.</summary>
    private readonly record struct EndedFlow(int Frame, FlowEndOrder Order, CollectedFlow Flow);

    /// <summary>A frame's outcome in its shard: its connection and the datagram it completed (dissected into the shard's log).</summary>
    private readonly record struct ShardResult(int Shard, TcpStream? Stream, StreamSnapshot Snapshot, IpDatagram? Datagram, LayerSlot Reassembled);

    /// <summary>A shard's events for one batch, the bytes they deliver and the layers of the datagrams it completed.</summary>
    private sealed class ShardLog
    {
        /// <summary>The most bytes a log keeps its buffer for once cleared.</summary>
        private const int MaxKeptData = 1 << 20;

        /// <summary>The most events a log keeps room for once cleared.</summary>
        private const int MaxKeptEvents = 4096;

        private readonly LayerArena _layers = new(64);

        public ShardEvent[] Events { get; private set; } = new ShardEvent[64];

        public int Count { get; private set; }

        public byte[] Data { get; private set; } = [];

        public int DataLength { get; private set; }

        /// <summary>The flows the shard's part of the flow collector ended, in the order it ended them.</summary>
        public List<EndedFlow> Ended { get; } = [];

        public void Clear()
        {
            Array.Clear(Events, 0, Count);
            Count = 0;
            Ended.Clear();
            DataLength = 0;
            _layers.Clear();
            if (Data.Length > MaxKeptData)
            {
                // A burst (connections ending with megabytes held behind a hole) is not kept for every later batch:
                // the logs of the batches in flight stay small whatever one frame brought.
                Data = [];
            }

            if (Events.Length > MaxKeptEvents)
            {
                Events = new ShardEvent[64];
            }
        }


        public ref ShardEvent Append()
        {
            if (Count == Events.Length)
            {
                var larger = new ShardEvent[Events.Length * 2];
                Events.AsSpan().CopyTo(larger);
                Events = larger;
            }

            return ref Events[Count++];
        }

        public int Copy(ReadOnlySpan<byte> data)
        {
            if (DataLength + data.Length > Data.Length)
            {
                var larger = new byte[Math.Max(DataLength + data.Length, Math.Max(4096, Data.Length * 2))];
                Data.AsSpan(0, DataLength).CopyTo(larger);
                Data = larger;
            }

            var start = DataLength;
            data.CopyTo(Data.AsSpan(start));
            DataLength += data.Length;
            return start;
        }

        public LayerSlot SaveLayers(LayerStack stack) => _layers.Save(stack);

        public void LoadLayers(in LayerSlot slot, LayerStack stack) => _layers.Load(slot, stack);
    }

    /// <summary>The shards and their threads; each takes the batches in the order they were read.</summary>
    private sealed class ShardSet
    {
        private readonly Threading.HandOffQueue<Batch>[] _queues;
        private readonly Task[] _threads;

        public ShardSet(Extractor owner, int count, int inFlight)
        {
            Shards = new Shard[count];
            _queues = new Threading.HandOffQueue<Batch>[count];
            _threads = new Task[count];
            for (var s = 0; s < count; s++)
            {
                var shard = Shards[s] = new Shard(owner, s, count);
                var queue = _queues[s] = new Threading.HandOffQueue<Batch>(inFlight);
                _threads[s] = Task.Factory.StartNew(
                    () =>
                    {
                        while (queue.Take(out var batch))
                        {
                            shard.Process(batch);
                        }
                    },
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
        }

        public Shard[] Shards { get; }

        /// <summary>Hands a dissected batch to every shard (each notes the frames' times; the owner of a frame reassembles it).</summary>
        public void Dispatch(Batch batch)
        {
            batch.PrepareShards(Shards.Length);
            foreach (var queue in _queues)
            {
                queue.Add(batch);
            }
        }

        /// <summary>Lets the shards finish the batches they hold and waits for their threads.</summary>
        public void Stop()
        {
            foreach (var queue in _queues)
            {
                queue.Complete();
            }

            Task.WaitAll(_threads, CancellationToken.None);
        }
    }

    /// <summary>One shard: its reassemblers, a dissector for the datagrams it completes, and the log it records into.</summary>
    private sealed class Shard : ITcpStreamHandler, IFlowEnds
    {
        private readonly Extractor _owner;
        private readonly int _index;
        private readonly IpReassembler? _ip;
        private readonly TcpReassembler? _tcp;
        private readonly Dissector _dissector;
        private readonly LayerStack _stack = new();
        private readonly LayerStack _datagramStack = new();
        private readonly LayerStack _flowStack = new();
        private readonly bool _copy;
        private readonly FlowCollector? _collector;
        private ShardLog _log = new();
        private Batch? _batch;
        private IpDatagram? _datagram;
        private int _frame;
        private ShardPhase _phase;
        private bool _faulted;

        public Shard(Extractor owner, int index, int count)
        {
            _owner = owner;
            _index = index;
            var options = owner._options;
            _dissector = new Dissector(owner._registry!, options.ToDissectorOptions());
            if (owner._ip is not null)
            {
                _ip = new IpReassembler((options.IpReassembly ?? new IpReassemblyOptions()).Share(count), Record);
            }

            if (owner._tcp is not null)
            {
                _tcp = new TcpReassembler((options.TcpReassembly ?? new TcpReassemblyOptions()).Share(count), this);
            }

            if (owner.CollectorParts is { } parts)
            {
                _collector = parts[index];
                _collector.Ends = this;
            }

            // The collector's part takes the bytes from the events: they must say where the bytes are.
            _copy = owner._tcpHandler is not null || options.TcpReassembly?.Store == true || _collector is not null;
        }

        public void Process(Batch batch)
        {
            var log = batch.Logs[_index];
            log.Clear();
            _log = log;
            var faulted = _faulted;
            var inConsumer = false;
            var i = 0;
            try
            {
                var registry = _owner._registry!;
                var flows = _owner._shardedFlows;
                _batch = batch;
                // A shard that failed on an earlier batch does nothing more (it still takes part in the collector's barrier).
                for (; !faulted && i < batch.Completed; i++)
                {
                    ref readonly var copy = ref batch.Records[i];
                    var time = copy.Time;
                    _frame = i;
                    if (_tcp is not null)
                    {
                        _phase = ShardPhase.TcpTime;
                        _tcp.AdvanceTime(time);
                    }

                    if (_ip is not null && batch.Fragment[i])
                    {
                        _phase = ShardPhase.IpTime;
                        _ip.AdvanceTime(time, copy.Number);
                    }

                    if (flows.Length > 0 && batch.FlowOwner[i] == _index)
                    {
                        inConsumer = true;
                        var flowRecord = batch.Record(i);
                        batch.LoadLayers(i, _flowStack);
                        var flowFrame = new ExtractedFrame(flowRecord, new Frame(flowRecord.Data, _flowStack, registry), null, null);
                        foreach (var consumer in flows)
                        {
                            consumer.Consume(_index, flowFrame, batch.FlowIp[i], batch.Packets[i]);
                        }

                        inConsumer = false;
                    }

                    if (batch.Owner[i] != _index)
                    {
                        continue;
                    }

                    var record = batch.Record(i);
                    batch.LoadLayers(i, _stack);
                    var view = new Frame(record.Data, _stack, registry);
                    _phase = ShardPhase.Ip;
                    TcpStream? stream = null;
                    // The worker's route already says whether IP reassembly takes the frame: only a fragment is looked at again.
                    if (_ip is not null && batch.Fragment[i] && _ip.Add(view, record, out var datagram) == FragmentOutcome.Completed)
                    {
                        _dissector.DissectPayload(datagram!.Payload.Span, registry.IpProtocolTable, datagram.Protocol, datagram.PseudoHeader, _datagramStack);
                        var slot = log.SaveLayers(_datagramStack);
                        _phase = ShardPhase.Tcp;
                        _datagram = datagram;
                        stream = _tcp?.Add(datagram, new Frame(datagram.Payload.Span, _datagramStack, registry), record);
                        _datagram = null;
                        batch.Results[i] = new ShardResult(_index, stream, stream is null ? default : StreamSnapshot.Of(stream), datagram, slot);
                        continue;
                    }

                    _phase = ShardPhase.Tcp;
                    stream = batch.Fragment[i] ? null : _tcp?.Add(batch.Packets[i], view, record);
                    batch.Results[i] = new ShardResult(_index, stream, stream is null ? default : StreamSnapshot.Of(stream), null, default);
                }
            }
            catch (Exception e)
            {
                // The shard's state is no longer the one-thread run's: it stops, and the reading thread throws this
                // when it reaches the frame.
                _faulted = true;
                batch.Fault(e, i, inConsumer);
            }
            finally
            {
                _batch = null;
                _datagram = null;
                if (_collector is null)
                {
                    batch.ShardDone();
                }
            }

            if (_collector is not null)
            {
                Collect(batch, log, faulted);
            }
        }

        /// <summary>
        /// The flow collector's part takes the batch once every shard has reassembled it — a frame's connection and
        /// completed datagram may be another shard's (a tunnel's inner fragments): at every frame its own connections'
        /// events, then the flows whose time is over, then the frame when its flow is the part's.
        /// </summary>
        private void Collect(Batch batch, ShardLog log, bool faulted)
        {
            try
            {
                batch.ReassembledBy();
                batch.Reassembled.Wait();
                if (faulted)
                {
                    return;
                }

                var registry = _owner._registry!;
                var end = Math.Min(batch.Completed, batch.ShardFaultFrame);
                var cursor = 0;
                for (var i = 0; i < end; i++)
                {
                    _frame = i;
                    TakeEvents(log, batch, i, ref cursor);
                    ref readonly var copy = ref batch.Records[i];
                    var now = copy.Time;
                    _collector!.Expire(now);
                    ref readonly var result = ref batch.Results[i];
                    var owner = result.Stream is not null ? result.Shard : batch.FlowIp[i] ? batch.FlowOwner[i] : -1;
                    if (owner != _index)
                    {
                        continue;
                    }

                    var record = batch.Record(i);
                    batch.LoadLayers(i, _stack);
                    var view = new Frame(record.Data, _stack, registry);
                    // The worker read the frame's FlowPacket to route it: the part keys the flow by it without reading it again.
                    var ip = result.Stream is null && batch.FlowIp[i];
                    if (result.Datagram is { } datagram)
                    {
                        batch.Logs[result.Shard].LoadLayers(result.Reassembled, _datagramStack);
                        _collector.Add(new ExtractedFrame(record, view, datagram, new Frame(datagram.Payload.Span, _datagramStack, registry), result.Stream), now, ip, batch.Packets[i]);
                    }
                    else
                    {
                        _collector.Add(new ExtractedFrame(record, view, null, default, result.Stream), now, ip, batch.Packets[i]);
                    }
                }
            }
            catch (Exception e)
            {
                _faulted = true;
                batch.Fault(e, _frame, inConsumer: true);
            }
            finally
            {
                batch.ShardDone();
            }
        }

        /// <summary>Hands the collector's part this shard's connection events of one frame (-1: the end), in order.</summary>
        private void TakeEvents(ShardLog log, Batch? batch, int frame, ref int cursor)
        {
            for (; cursor < log.Count && log.Events[cursor].Frame == frame; cursor++)
            {
                ref readonly var e = ref log.Events[cursor];
                if (e.Kind == ShardEventKind.Data)
                {
                    _collector!.AddData(e.Stream!, e.Direction, DataOf(log, batch, e), e.DataFrame);
                }
                else if (e.Kind == ShardEventKind.Close)
                {
                    _collector!.Close(e.Stream!, e.Reason);
                }
            }
        }

        /// <summary>Ends the flow collector's part (the end of the capture): the connections' last events in <paramref name="log"/>, then every flow, recorded into it.</summary>
        public void FinishFlows(ShardLog log)
        {
            if (_collector is null)
            {
                return;
            }

            (_log, _frame) = (log, -1);
            var cursor = 0;
            TakeEvents(log, null, -1, ref cursor);
            _collector.Complete();
        }

        void IFlowEnds.Ended(CollectedFlow flow, FlowEndOrder order) => _log.Ended.Add(new EndedFlow(_frame, order, flow));

        /// <summary>Drops the datagrams in progress (the end of the capture), recording into <paramref name="log"/>.</summary>
        public void FinishIp(ShardLog log)
        {
            (_log, _frame, _phase) = (log, -1, ShardPhase.IpTime);
            _ip?.Finish();
        }

        /// <summary>Ends the connections (the end of the capture), recording into <paramref name="log"/>.</summary>
        public void FinishTcp(ShardLog log)
        {
            (_log, _frame, _phase) = (log, -1, ShardPhase.TcpTime);
            _tcp?.Finish();
        }

        public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
        {
            ref var e = ref Append(ShardEventKind.Data, stream);
            e.Direction = direction;
            e.Offset = offset;
            e.Length = data.Length;
            e.DataFrame = frame;
            if (!_copy)
            {
                e.DataStart = -1;
            }
            else if (_datagram is not null && Within(_datagram.Payload.Span, data, out var at))
            {
                // The bytes of the segment being added stay where they are until the batch is delivered.
                (e.Source, e.DataStart) = (DataSource.Datagram, at);
            }
            else if (_batch is not null && Within(_batch.Record(_frame).Data, data, out at))
            {
                (e.Source, e.DataStart) = (DataSource.Frame, at);
            }
            else
            {
                // Bytes that waited for a hole to fill: their buffer goes back to the pool after this call.
                (e.Source, e.DataStart) = (DataSource.Log, _log.Copy(data));
            }
            e.Acknowledgment = stream.Acknowledgment[direction];
        }

        /// <summary>Whether <paramref name="part"/> lies within <paramref name="whole"/>, and where.</summary>
        private static bool Within(ReadOnlySpan<byte> whole, ReadOnlySpan<byte> part, out int at)
        {
            var offset = (long)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(whole), ref MemoryMarshal.GetReference(part));
            at = (int)offset;
            return offset >= 0 && offset + part.Length <= whole.Length;
        }

        public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
        {
            ref var e = ref Append(ShardEventKind.Gap, stream);
            e.Direction = direction;
            e.Offset = offset;
            e.Length = length;
            e.Reason = reason;
        }

        public void OnClose(TcpStream stream) => Append(ShardEventKind.Close, stream).Reason = stream.ClosedBy;

        private ref ShardEvent Append(ShardEventKind kind, TcpStream stream)
        {
            ref var e = ref _log.Append();
            e.Frame = _frame;
            e.Phase = _phase;
            e.Kind = kind;
            // One reassembler ends idle connections by their latest segment's time (then frame), and all of them at
            // the end in order of their latest segments.
            (e.Key, e.Key2) = _frame < 0 ? (stream.LastFrame, 0) : (stream.LastTime, stream.LastFrame);
            e.Stream = stream;
            e.Snapshot = StreamSnapshot.Of(stream);
            return ref e;
        }

        private void Record(ReassemblyReport report)
        {
            ref var e = ref _log.Append();
            e.Frame = _frame;
            e.Phase = _phase;
            e.Kind = ShardEventKind.Report;
            // One reassembler times datagrams out by their first fragment's time (then frame), and drops them all at
            // the end in the order they started.
            var first = report.Frames.Count > 0 ? report.Frames[0] : 0;
            (e.Key, e.Key2) = _frame < 0 ? (first, 0) : (_ip!.DroppedStarted, first);
            e.Report = report;
        }
    }
}
