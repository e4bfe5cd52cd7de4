using System;
using System.Buffers;
using System.Collections.Generic;
using PcapKit.Extraction;
using PcapKit.Net;
using PcapKit.Reassembly;

namespace PcapKit.Flows;

/// <summary>Limits of the one-pass flow workflow (<see cref="ExtractionOptions.Flows"/>).</summary>
public sealed class FlowCollectorOptions
{
    /// <summary>Keep each flow's frames (bytes and layers, or the engine's packets) — up to <see cref="MaxFramesPerFlow"/>.</summary>
    public bool KeepFrames { get; init; } = true;

    /// <summary>The most frames kept per flow; later ones are counted, not kept.</summary>
    public int MaxFramesPerFlow { get; init; } = 10_000;

    /// <summary>The most payload bytes kept per direction of a flow; the rest is counted, not kept.</summary>
    public int MaxPayloadPerDirection { get; init; } = 1024 * 1024;

    /// <summary>The most flows in progress; beyond it, the least recently active one ends (reported as <c>evicted</c>).</summary>
    public int MaxFlows { get; init; } = 100_000;

    /// <summary>A UDP or other datagram flow without a packet this long (capture time) ends (<c>idle</c>); TCP flows end with their connection.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a TCP flow stays open after its connection ended, for the last ACKs (capture time).</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The bounds of one of <paramref name="shards"/> parts that share the flows (each holds its share of <see cref="MaxFlows"/>).</summary>
    internal FlowCollectorOptions Share(int shards) => new()
    {
        KeepFrames = KeepFrames,
        MaxFramesPerFlow = MaxFramesPerFlow,
        MaxPayloadPerDirection = MaxPayloadPerDirection,
        MaxFlows = Math.Max(1, MaxFlows / shards),
        IdleTimeout = IdleTimeout,
        Linger = Linger,
    };
}

/// <summary>
/// One flow of the one-pass workflow: its 5-tuple (the first packet's sender is the source), its frames as dissected
/// in the pass, and its application payload per direction — the reassembled TCP stream (with its gaps), or the
/// UDP/other datagrams' payloads in order.
/// </summary>
public sealed class CollectedFlow
{
    private readonly ArrayBufferWriter<byte>[] _payload = [new(), new()];
    private readonly List<StoredFrame> _frames = [];

    internal CollectedFlow(FiveTuple first, long firstFrame, TcpStream? stream)
    {
        First = first;
        FirstFrame = firstFrame;
        Stream = stream;
    }

    /// <summary>The first packet's 5-tuple.</summary>
    public FiveTuple First { get; }

    /// <summary>The first frame's number.</summary>
    public long FirstFrame { get; }

    /// <summary>The TCP connection (its number, gaps, conflicts), for a TCP flow.</summary>
    public TcpStream? Stream { get; internal set; }

    /// <summary>The frames kept, in order.</summary>
    public IReadOnlyList<StoredFrame> Frames => _frames;

    /// <summary>Frames of the flow, kept or not.</summary>
    public long FrameCount { get; internal set; }

    /// <summary>Payload bytes per direction, kept or not.</summary>
    public long[] PayloadBytes { get; } = new long[2];

    /// <summary>
    /// Why the flow ended: <c>fin</c>, <c>rst</c>, <c>new connection</c>, <c>idle</c>, <c>evicted</c>, <c>end of capture</c>,
    /// or <c>after its connection</c> for the frames of a TCP connection that came after its flow was handed over.
    /// </summary>
    public string EndedBy { get; internal set; } = "end of capture";

    /// <summary>The payload of a direction (0: from <see cref="First"/>'s source), up to the bound.</summary>
    /// <param name="direction">0 or 1.</param>
    /// <returns>The bytes.</returns>
    public ReadOnlyMemory<byte> GetPayload(int direction) => _payload[direction].WrittenMemory;

    internal long LastTime { get; set; }

    /// <summary>The number of the flow's latest frame (with <see cref="LastTime"/>, the idle timeout's order).</summary>
    internal long LastFrame { get; set; }

    /// <summary>Which flow the collector (or its part) started this one as, counted from 0: the order of flows with the same first frame.</summary>
    internal long Seq { get; init; }

    internal long EndsAt { get; set; } = long.MaxValue;

    internal LinkedListNode<CollectedFlow>? Node { get; set; }


    internal void AddFrame(in ExtractedFrame frame, FlowCollectorOptions options)
    {
        FrameCount++;
        if (options.KeepFrames && _frames.Count < options.MaxFramesPerFlow)
        {
            _frames.Add(frame.Store());
        }
    }

    internal void AddPayload(int direction, ReadOnlySpan<byte> data, FlowCollectorOptions options)
    {
        PayloadBytes[direction] += data.Length;
        var room = options.MaxPayloadPerDirection - _payload[direction].WrittenCount;
        if (room > 0)
        {
            _payload[direction].Write(data[..Math.Min(room, data.Length)]);
        }
    }
}

/// <summary>Why a flow ended where it did among the flows one collector ends at the same frame (the order of <see cref="FlowEndOrder"/>).</summary>
internal enum FlowEndPhase
{
    /// <summary>Evicted for a flow a connection's bytes started (before the frame's own ends).</summary>
    EvictedByData,

    /// <summary>Its connection ended and its linger is over: by the end of the linger, then the first frame.</summary>
    Closed,

    /// <summary>A datagram flow gone quiet: by its latest frame's time, then that frame.</summary>
    Idle,

    /// <summary>Evicted for the flow the frame started.</summary>
    Evicted,

    /// <summary>Open at the end of the capture: by the first frame.</summary>
    End,
}

/// <summary>
/// Where a flow the collector ended goes among those ended at the same frame: the phase, then its keys. One collector
/// ends them in this order, so the flows of a sharded collector's parts merge back into the one-thread order.
/// </summary>
/// <param name="Phase">Why it ended.</param>
/// <param name="Key">The first key (a time, or the first frame).</param>
/// <param name="Key2">The second key.</param>
internal readonly record struct FlowEndOrder(FlowEndPhase Phase, long Key, long Key2) : IComparable<FlowEndOrder>
{
    public int CompareTo(FlowEndOrder other) =>
        Phase != other.Phase ? Phase.CompareTo(other.Phase) : Key != other.Key ? Key.CompareTo(other.Key) : Key2.CompareTo(other.Key2);
}

/// <summary>Takes the flows a part of a sharded collector ends, with their order (on the part's shard thread).</summary>
internal interface IFlowEnds
{
    /// <summary>A flow ended.</summary>
    /// <param name="flow">The flow.</param>
    /// <param name="order">Where it goes among the flows ended at the same frame.</param>
    void Ended(CollectedFlow flow, FlowEndOrder order);
}

/// <summary>
/// The one-pass dataset workflow: every frame goes to its flow (TCP flows are the reassembler's connections, other
/// flows are keyed by protocol and endpoints in both directions) and, when the flow ends, the program gets it whole —
/// frames and payload per direction — without a second read of the capture. The extractor runs it (see
/// <see cref="ExtractionOptions.Flows"/>); it is also the TCP stream handler, passing every event on.
/// </summary>
/// <remarks>
/// Each flow ends by its own time — a connection's flow when its linger is over, a datagram flow when it has been
/// idle — so the flows ending at a frame do not depend on which other flows the collector holds, and a collector
/// divides by address pair: in a parallel run with shards (<see cref="Share"/>) each shard's thread keeps a part
/// (the flows of its connections and address pairs), and the reading thread hands the program the flows the parts
/// ended, at the frame that ended them, in the order one collector ends them (<see cref="FlowEndOrder"/>).
/// </remarks>
internal sealed class FlowCollector : IFrameConsumer, ITcpStreamHandler
{
    private readonly FlowCollectorOptions _options;
    private readonly Action<CollectedFlow>? _ended;
    private readonly ITcpStreamHandler? _inner;
    // TCP flows by their connection, datagram flows by their key (two maps: a key held as an object would be boxed per frame).
    private readonly Dictionary<TcpStream, CollectedFlow> _streamFlows = [];
    private readonly Dictionary<FlowKey, CollectedFlow> _datagramFlows = [];
    // Datagram flows and TCP flows, each by activity (every frame moves its flow to the end): the least recently active
    // datagram flow is evicted first, a connection's once no datagram flow is left.
    private readonly LinkedList<CollectedFlow> _byActivity = new();
    private readonly LinkedList<CollectedFlow> _connections = new();
    // Connections' flows whose linger runs, and datagram flows by their latest frame (entries of earlier frames and of
    // flows gone are skipped, and cleared out once they outnumber the flows).
    private readonly PriorityQueue<CollectedFlow, (long EndsAt, long FirstFrame, long Seq)> _closing = new();
    private readonly PriorityQueue<CollectedFlow, (long Time, long Frame)> _byIdle = new();
    // With parts: the flows they ended that the extractor staged for the frame being delivered (or the end); without,
    // the flows the frame's TCP bytes evicted before the frame was delivered.
    private readonly Queue<CollectedFlow> _staged = new();
    private FlowCollector[]? _parts;
    private long _started;

    public FlowCollector(FlowCollectorOptions options, Action<CollectedFlow> ended, ITcpStreamHandler? inner)
    {
        _options = options;
        _ended = ended;
        _inner = inner;
    }

    private FlowCollector(FlowCollectorOptions options) => _options = options;

    /// <summary>The parts the shards keep (null when this collector keeps every flow itself).</summary>
    internal FlowCollector[]? Parts => _parts;

    /// <summary>Where a part's ended flows go (set by the shard that keeps it).</summary>
    internal IFlowEnds? Ends { get; set; }

    /// <summary>
    /// Divides the flows into <paramref name="count"/> parts, before the first frame: from then on this collector only
    /// hands over the flows the extractor stages (<see cref="Stage"/>) and passes the TCP events on.
    /// </summary>
    /// <param name="count">The shards.</param>
    internal void Share(int count) => _parts = FlowParts.Share(_parts, count, shards => new FlowCollector(_options.Share(shards)), "A flow collector");

    /// <summary>A flow a part ended, handed over at the next <see cref="Consume"/> (or <see cref="Complete"/>).</summary>
    /// <param name="flow">The flow.</param>
    internal void Stage(CollectedFlow flow) => _staged.Enqueue(flow);

    public void Consume(in ExtractedFrame frame)
    {
        // The flows the frame's TCP bytes evicted first (EvictedByData), as a sharded run hands them over at this frame.
        HandOverStaged();
        if (_parts is not null)
        {
            return;
        }

        var now = frame.Record.Time;
        Expire(now);
        // What flow tracking reads of the frame, needed only for a frame of our dissectors without a connection.
        var packet = default(FlowPacket);
        var ip = frame.Stream is null && frame.Engine is null && FlowPacket.TryRead(frame.Frame, out packet);
        Add(frame, now, ip, packet);
    }

    /// <summary>
    /// Adds a frame to its flow (after <see cref="Expire"/> at its time); <paramref name="ip"/> and
    /// <paramref name="packet"/> are <see cref="FlowPacket.TryRead"/>'s result for the frame, read where it was read
    /// already (a shard's worker routes by it).
    /// </summary>
    internal void Add(in ExtractedFrame frame, long now, bool ip, in FlowPacket packet)
    {
        TcpStream? streamKey = null;
        var key = default(FlowKey);
        FiveTuple tuple;
        var payload = ReadOnlySpan<byte>.Empty;
        if (frame.Stream is { } stream)
        {
            streamKey = stream;
            tuple = stream.Client;
        }
        else if (frame.Engine is null)
        {
            // Keyed as the splitter keys (the first IP layer, its transport's ports); a datagram's payload once whole.
            if (!ip)
            {
                return; // not IP: no flow
            }

            tuple = packet.Tuple;
            if (frame.Datagram is { } datagram)
            {
                var reassembled = frame.Reassembled;
                if (reassembled.LayerCount > 0 && reassembled.ProtocolAt(0).TryGetPorts(reassembled.LayerBytes(0), out var sourcePort, out var destinationPort))
                {
                    tuple = tuple with { SourcePort = sourcePort, DestinationPort = destinationPort };
                    ref readonly var layer = ref reassembled[0];
                    payload = datagram.Payload.Span.Slice(layer.Offset + layer.HeaderLength, layer.Length - layer.HeaderLength);
                }
            }
            else if (!packet.IsFragment && packet.TransportLayer >= 0)
            {
                ref readonly var layer = ref frame.Frame[packet.TransportLayer];
                payload = frame.Record.Data.Slice(layer.Offset + layer.HeaderLength, layer.Length - layer.HeaderLength);
            }

            key = FlowKey.For(0, -1, tuple);
        }
        else if (frame.TryGetFiveTuple(out tuple))
        {
            key = FlowKey.For(0, -1, tuple); // another engine: its 5-tuple, no payload
        }
        else
        {
            return;
        }

        if (!(streamKey is not null ? _streamFlows.TryGetValue(streamKey, out var flow) : _datagramFlows.TryGetValue(key, out flow)))
        {
            flow = Start(streamKey, key, tuple, frame.Number, FlowEndPhase.Evicted);
        }
        else if (flow.Node is { } node && node.Next is not null)
        {
            var list = node.List!;
            list.Remove(node);
            list.AddLast(node);
        }

        flow.LastTime = now;
        flow.LastFrame = frame.Number;
        if (frame.Stream is null && now != long.MinValue)
        {
            ScheduleIdle(flow);
        }

        flow.AddFrame(frame, _options);
        if (!payload.IsEmpty)
        {
            // In the direction of its sender.
            flow.AddPayload(tuple.Source == flow.First.Source && tuple.SourcePort == flow.First.SourcePort ? 0 : 1, payload, _options);
        }
    }

    public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
    {
        _inner?.OnData(stream, direction, offset, data, frame);
        if (_parts is null)
        {
            AddData(stream, direction, data, frame);
        }
    }

    /// <summary>Adds a connection's bytes to its flow (starting it: the connection's first segment delivers before its frame reaches the consumers).</summary>
    internal void AddData(TcpStream stream, int direction, ReadOnlySpan<byte> data, long frame)
    {
        if (!_streamFlows.TryGetValue(stream, out var flow))
        {
            flow = Start(stream, default, stream.Client, frame, FlowEndPhase.EvictedByData);
        }

        flow.AddPayload(direction, data, _options);
    }

    // A flow of a connection (stream set) or of datagrams (under key).
    private CollectedFlow Start(TcpStream? stream, FlowKey key, in FiveTuple tuple, long frame, FlowEndPhase eviction)
    {
        while (_streamFlows.Count + _datagramFlows.Count >= _options.MaxFlows && (_byActivity.First ?? _connections.First) is { } oldest)
        {
            End(oldest.Value, "evicted", new FlowEndOrder(eviction, oldest.Value.FirstFrame, oldest.Value.Seq));
        }

        var flow = new CollectedFlow(tuple, frame, stream) { Seq = _started++ };
        flow.Node = (stream is null ? _byActivity : _connections).AddLast(flow);
        if (stream is not null)
        {
            _streamFlows[stream] = flow;
        }
        else
        {
            _datagramFlows[key] = flow;
        }

        if (stream is { FlowsSawClose: true })
        {
            // Frames of a connection whose flow was handed over already (its last ACKs after the linger): they end
            // at the next frame.
            flow.EndedBy = "after its connection";
            flow.EndsAt = long.MinValue;
            ScheduleClose(flow);
        }

        return flow;
    }

    public void OnGap(TcpStream stream, int direction, long offset, long length, string reason) => _inner?.OnGap(stream, direction, offset, length, reason);

    public void OnClose(TcpStream stream)
    {
        _inner?.OnClose(stream);
        if (_parts is null)
        {
            Close(stream, stream.ClosedBy);
        }
    }

    /// <summary>A connection ended (<paramref name="reason"/>): its flow is kept a little longer for the last ACKs, then handed over.</summary>
    internal void Close(TcpStream stream, string? reason)
    {
        stream.FlowsSawClose = true;
        if (_streamFlows.TryGetValue(stream, out var flow))
        {
            flow.EndedBy = reason ?? "end of capture";
            flow.EndsAt = flow.LastTime == long.MinValue ? long.MinValue : flow.LastTime + (_options.Linger.Ticks * 100);
            ScheduleClose(flow);
        }
    }

    public void Complete()
    {
        HandOverStaged();
        if (_parts is not null)
        {
            return;
        }

        // The flows open at the end, in the order they began.
        var open = new List<CollectedFlow>(_streamFlows.Count + _datagramFlows.Count);
        open.AddRange(_connections);
        open.AddRange(_byActivity);
        open.Sort(static (a, b) => a.FirstFrame != b.FirstFrame ? a.FirstFrame.CompareTo(b.FirstFrame) : a.Seq.CompareTo(b.Seq));
        foreach (var flow in open)
        {
            End(flow, flow.EndsAt != long.MaxValue ? flow.EndedBy : "end of capture", new FlowEndOrder(FlowEndPhase.End, flow.FirstFrame, flow.Seq));
        }
    }

    /// <summary>Ends the flows whose time is over at <paramref name="now"/>: connections' flows whose linger ended, then datagram flows gone idle.</summary>
    internal void Expire(long now)
    {
        if (now == long.MinValue)
        {
            return;
        }

        while (_closing.TryPeek(out var closing, out var at) && now > at.EndsAt)
        {
            _closing.Dequeue();
            if (closing.Node is not null)
            {
                End(closing, closing.EndedBy, new FlowEndOrder(FlowEndPhase.Closed, at.EndsAt, closing.FirstFrame));
            }
        }

        var idle = _options.IdleTimeout.Ticks * 100;
        while (_byIdle.TryPeek(out var quiet, out var last) && now - last.Time > idle)
        {
            _byIdle.Dequeue();
            if (quiet.Node?.List == _byActivity && quiet.LastTime == last.Time && quiet.LastFrame == last.Frame)
            {
                End(quiet, "idle", new FlowEndOrder(FlowEndPhase.Idle, last.Time, last.Frame));
            }
        }
    }

    /// <summary>Puts a connection's flow in the order its linger ends; entries of flows evicted meanwhile are cleared out once they outnumber the connections' flows.</summary>
    private void ScheduleClose(CollectedFlow flow)
    {
        _closing.Enqueue(flow, (flow.EndsAt, flow.FirstFrame, flow.Seq));
        if (_closing.Count > (2 * _connections.Count) + 64)
        {
            _closing.Clear();
            foreach (var open in _connections)
            {
                if (open.EndsAt != long.MaxValue)
                {
                    _closing.Enqueue(open, (open.EndsAt, open.FirstFrame, open.Seq));
                }
            }
        }
    }

    /// <summary>Puts a datagram flow's latest frame in the idle timeout's order; entries of earlier frames and of flows gone are cleared out once they outnumber the flows.</summary>
    private void ScheduleIdle(CollectedFlow flow)
    {
        _byIdle.Enqueue(flow, (flow.LastTime, flow.LastFrame));
        if (_byIdle.Count > (2 * _byActivity.Count) + 64)
        {
            _byIdle.Clear();
            foreach (var open in _byActivity)
            {
                if (open.LastTime != long.MinValue)
                {
                    _byIdle.Enqueue(open, (open.LastTime, open.LastFrame));
                }
            }
        }
    }

    private void End(CollectedFlow flow, string reason, FlowEndOrder order)
    {
        // Under the key it was started with: its connection (the part's; the reading thread replaces Stream only once the
        // part has ended the flow), else its first packet's 5-tuple, which keyed it.
        if (flow.Stream is { } stream)
        {
            _streamFlows.Remove(stream);
        }
        else
        {
            _datagramFlows.Remove(FlowKey.For(0, -1, flow.First));
        }

        if (flow.Node is { } node)
        {
            node.List!.Remove(node);
            flow.Node = null;
        }

        flow.EndedBy = reason;
        if (Ends is { } ends)
        {
            ends.Ended(flow, order);
        }
        else if (order.Phase == FlowEndPhase.EvictedByData)
        {
            // Evicted while the reassembler delivers a frame's bytes, before the frame reaches the program: handed over
            // with the frame's other ends, after its callback (Consume), where a sharded run hands it over too.
            _staged.Enqueue(flow);
        }
        else
        {
            _ended!(flow);
        }
    }

    private void HandOverStaged()
    {
        while (_staged.TryDequeue(out var flow))
        {
            _ended!(flow);
        }
    }
}
