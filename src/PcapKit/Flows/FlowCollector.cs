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
    public TcpStream? Stream { get; }

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

    internal long EndsAt { get; set; } = long.MaxValue;

    internal LinkedListNode<CollectedFlow>? Node { get; set; }

    internal object? Key { get; set; }

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

/// <summary>
/// The one-pass dataset workflow: every frame goes to its flow (TCP flows are the reassembler's connections, other
/// flows are keyed by protocol and endpoints in both directions) and, when the flow ends, the program gets it whole —
/// frames and payload per direction — without a second read of the capture. The extractor runs it (see
/// <see cref="ExtractionOptions.Flows"/>); it is also the TCP stream handler, passing every event on.
/// </summary>
internal sealed class FlowCollector : IFrameConsumer, ITcpStreamHandler
{
    private readonly FlowCollectorOptions _options;
    private readonly Action<CollectedFlow> _ended;
    private readonly ITcpStreamHandler? _inner;
    private readonly Dictionary<object, CollectedFlow> _flows = [];
    // Datagram flows by activity (they end when idle); TCP flows end with their connection, oldest first when evicted.
    private readonly LinkedList<CollectedFlow> _byActivity = new();
    private readonly LinkedList<CollectedFlow> _connections = new();
    private readonly Queue<CollectedFlow> _closing = new();

    public FlowCollector(FlowCollectorOptions options, Action<CollectedFlow> ended, ITcpStreamHandler? inner)
    {
        _options = options;
        _ended = ended;
        _inner = inner;
    }

    public void Consume(in ExtractedFrame frame)
    {
        var now = frame.Record.HasTimestamp ? frame.Record.Timestamp.SaturatedNanoseconds : long.MinValue;
        Expire(now);
        object key;
        FiveTuple tuple;
        var payload = ReadOnlySpan<byte>.Empty;
        if (frame.Stream is { } stream)
        {
            key = stream;
            tuple = stream.Client;
        }
        else if (frame.Engine is null)
        {
            // Keyed as the splitter keys (the first IP layer, its transport's ports); a datagram's payload once whole.
            if (!FlowPacket.TryRead(frame.Frame, out var packet))
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

        if (!_flows.TryGetValue(key, out var flow))
        {
            flow = Start(key, tuple, frame.Number, frame.Stream);
        }
        else if (flow.Node is { } node && node.Next is not null)
        {
            var list = node.List!;
            list.Remove(node);
            list.AddLast(node);
        }

        flow.LastTime = now;
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
        if (!_flows.TryGetValue(stream, out var flow))
        {
            // The connection's first segment delivers before its frame reaches the consumers: start it here.
            flow = Start(stream, stream.Client, frame, stream);
        }

        flow.AddPayload(direction, data, _options);
    }

    private CollectedFlow Start(object key, in FiveTuple tuple, long frame, TcpStream? stream)
    {
        while (_flows.Count >= _options.MaxFlows && (_byActivity.First ?? _connections.First) is { } oldest)
        {
            End(oldest.Value, "evicted");
        }

        var flow = new CollectedFlow(tuple, frame, stream) { Key = key };
        flow.Node = (stream is null ? _byActivity : _connections).AddLast(flow);
        _flows[key] = flow;
        if (stream?.ClosedBy is not null)
        {
            // Frames of a connection whose flow was handed over already (its last ACKs after the linger).
            flow.EndedBy = "after its connection";
            flow.EndsAt = long.MinValue;
            _closing.Enqueue(flow);
        }

        return flow;
    }

    public void OnGap(TcpStream stream, int direction, long offset, long length, string reason) => _inner?.OnGap(stream, direction, offset, length, reason);

    public void OnClose(TcpStream stream)
    {
        _inner?.OnClose(stream);
        if (_flows.TryGetValue(stream, out var flow))
        {
            // Kept a little longer for the last ACKs, then handed over.
            flow.EndedBy = stream.ClosedBy ?? "end of capture";
            flow.EndsAt = flow.LastTime == long.MinValue ? long.MinValue : flow.LastTime + (_options.Linger.Ticks * 100);
            _closing.Enqueue(flow);
        }
    }

    public void Complete()
    {
        while ((_connections.First ?? _byActivity.First) is { } oldest)
        {
            End(oldest.Value, oldest.Value.EndsAt != long.MaxValue ? oldest.Value.EndedBy : "end of capture");
        }
    }

    private void Expire(long now)
    {
        if (now == long.MinValue)
        {
            return;
        }

        // Ended connections, once their linger is over (in the order they ended).
        while (_closing.TryPeek(out var closing) && (closing.Node is null || now > closing.EndsAt))
        {
            _closing.Dequeue();
            if (closing.Node is not null)
            {
                End(closing, closing.EndedBy);
            }
        }

        // Datagram flows gone quiet, least recently active first.
        var idle = _options.IdleTimeout.Ticks * 100;
        while (_byActivity.First is { } oldest && oldest.Value.LastTime != long.MinValue && now - oldest.Value.LastTime > idle)
        {
            End(oldest.Value, "idle");
        }
    }

    private void End(CollectedFlow flow, string reason)
    {
        _flows.Remove(flow.Key!);
        if (flow.Node is { } node)
        {
            node.List!.Remove(node);
            flow.Node = null;
        }

        flow.EndedBy = reason;
        _ended(flow);
    }
}
