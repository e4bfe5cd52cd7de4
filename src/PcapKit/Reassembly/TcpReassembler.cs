using System;
using System.Buffers;
using System.Collections.Generic;
using PcapKit.Annotations;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Flows;
using PcapKit.Net;

namespace PcapKit.Reassembly;

/// <summary>Limits of <see cref="TcpReassembler"/>.</summary>
public sealed class TcpReassemblyOptions
{
    /// <summary>Keep each stream's bytes, per direction, in <see cref="TcpStream.GetData"/> (PyPCAPKit's <c>reasm_store</c>).</summary>
    public bool Store { get; init; }

    /// <summary>The most out-of-order bytes one direction holds; beyond it, the hole before them is reported as a gap and skipped (4 MiB).</summary>
    public int MaxBufferedBytesPerDirection { get; init; } = 4 * 1024 * 1024;

    /// <summary>The most out-of-order bytes held over all streams; beyond it, the least recently active streams skip their holes (64 MiB).</summary>
    public long MaxBufferedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The most open connections tracked; beyond it, the least recently active is closed (<c>evicted</c>) and forgotten.</summary>
    public int MaxStreams { get; init; } = 200_000;

    /// <summary>
    /// The most ended connections remembered (for their last ACKs and a reuse of their ports); beyond it, the oldest are
    /// forgotten, and a late segment of one would start a new connection.
    /// </summary>
    public int MaxEndedStreams { get; init; } = 65_536;

    /// <summary>
    /// A connection idle this long (capture time) is closed and forgotten (each by the time of its own latest segment,
    /// least recently active first); null (the default): never, as tshark, so a
    /// capture whose clock jumps does not split its connections — <see cref="MaxStreams"/> bounds the state anyway.
    /// The clock moves with each segment and with <see cref="TcpReassembler.AdvanceTime"/>, which extraction calls for every frame.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>The bounds of one of <paramref name="shards"/> reassemblers that share the connections (each holds its part of the state).</summary>
    internal TcpReassemblyOptions Share(int shards) => new()
    {
        Store = Store,
        MaxBufferedBytesPerDirection = MaxBufferedBytesPerDirection,
        MaxBufferedBytes = Math.Max(1, MaxBufferedBytes / shards),
        MaxStreams = Math.Max(1, MaxStreams / shards),
        MaxEndedStreams = Math.Max(1, MaxEndedStreams / shards),
        IdleTimeout = IdleTimeout,
    };
}

/// <summary>Bytes of a TCP stream that never came.</summary>
/// <param name="Direction">0 (from the connection's first sender) or 1.</param>
/// <param name="Offset">Where they start in the direction's stream.</param>
/// <param name="Length">How many.</param>
/// <param name="Reason"><c>not captured</c> (the capture cut the segment), or why a hole was given up.</param>
public sealed record TcpGap(int Direction, long Offset, long Length, string Reason);

/// <summary>Receives a reassembled TCP stream as it forms.</summary>
public interface ITcpStreamHandler
{
    /// <summary>Bytes in order, for one direction (0: from the connection's first sender, <see cref="TcpStream.Client"/>; 1: back).</summary>
    /// <param name="stream">The connection.</param>
    /// <param name="direction">0 or 1.</param>
    /// <param name="offset">Where the bytes start in the direction's stream.</param>
    /// <param name="data">The bytes (valid during the call).</param>
    /// <param name="frame">The frame whose segment carried them.</param>
    void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame);

    /// <summary>Bytes that never came (not captured, or skipped to keep the bounds); the stream goes on after them.</summary>
    /// <param name="stream">The connection.</param>
    /// <param name="direction">0 or 1.</param>
    /// <param name="offset">Where the gap starts in the direction's stream.</param>
    /// <param name="length">Its length.</param>
    /// <param name="reason">Why.</param>
    void OnGap(TcpStream stream, int direction, long offset, long length, string reason);

    /// <summary>The connection ended (both FINs, a RST, a new connection on its ports, idle, evicted, end of capture).</summary>
    /// <param name="stream">The connection.</param>
    void OnClose(TcpStream stream);
}

/// <summary>One TCP connection: its number (as tshark's <c>tcp.stream</c>), its endpoints and, when stored, its bytes.</summary>
public sealed class TcpStream
{
    private readonly ArrayBufferWriter<byte>?[] _data = new ArrayBufferWriter<byte>?[2];
    private readonly List<TcpGap> _gaps = [];

    internal TcpStream(long index, FiveTuple client, long firstFrame, bool store)
    {
        Index = index;
        Client = client;
        FirstFrame = firstFrame;
        if (store)
        {
            _data[0] = new ArrayBufferWriter<byte>();
            _data[1] = new ArrayBufferWriter<byte>();
        }
    }

    /// <summary>The connection's number, counted from 0 in order of first packets (tshark's <c>tcp.stream</c>).</summary>
    public long Index { get; }

    /// <summary>The first packet's 5-tuple: its sender is node 0 (direction 0 is from it).</summary>
    public FiveTuple Client { get; }

    /// <summary>The first frame of the connection.</summary>
    public long FirstFrame { get; }

    /// <summary>Each direction's base for relative sequence numbers (tshark's <c>tcp.seq</c>; see <see cref="Output.FrameFields"/>).</summary>
    internal RelativeSequenceBases RelativeBases;

    /// <summary>
    /// When a shard's reassembler keeps this connection on another thread: the copy the extraction's reading thread
    /// hands out, brought up to date from the shard's events in frame order (read and written on that thread only).
    /// </summary>
    internal TcpStream? Mirror;

    /// <summary>
    /// Whether the flow collector was told the connection ended. <see cref="ClosedBy"/> is set just before it is told,
    /// but a shard's part of the collector takes a batch's events after the shard's reassembler went through the whole
    /// batch, when <see cref="ClosedBy"/> may already say what a later frame did.
    /// </summary>
    internal bool FlowsSawClose;

    /// <summary>The last frame seen of the connection.</summary>
    public long LastFrame { get; internal set; }

    /// <summary>The capture time of <see cref="LastFrame"/> in nanoseconds (long.MinValue when unknown): what the idle timeout reads, and what orders idle closes across reassembly shards.</summary>
    internal long LastTime;

    /// <summary>Bytes delivered per direction.</summary>
    public long[] Delivered { get; } = new long[2];

    /// <summary>
    /// Segments whose bytes differ from bytes already held for the same sequence numbers (the first copy was kept):
    /// compared with waiting segments always, with delivered bytes when the reassembler stores them.
    /// </summary>
    public long Conflicts { get; internal set; }

    /// <summary>
    /// The acknowledgment number of the segment whose bytes are being delivered, per direction (valid during
    /// <see cref="ITcpStreamHandler.OnData"/>; 0 when the segment had no ACK): what PyPCAPKit groups messages by.
    /// </summary>
    public uint[] Acknowledgment { get; } = new uint[2];

    /// <summary>The frame of each direction's first FIN, or 0.</summary>
    public long[] FinFrame { get; } = new long[2];

    /// <summary>Segments more than 2^30 bytes away from where their direction's stream is (a sequence jump): counted, not delivered.</summary>
    public long OutOfWindow { get; internal set; }

    /// <summary>The direction of the first segment whose header was captured whole (tshark's follow calls its sender node 0), or -1.</summary>
    public int FirstWholeDirection { get; internal set; } = -1;

    /// <summary>Bytes reported missing per direction.</summary>
    public long[] Missing { get; } = new long[2];

    /// <summary>With <see cref="TcpReassemblyOptions.Store"/>: every gap, in order (direction, offset in the stream, length, reason).</summary>
    public IReadOnlyList<TcpGap> Gaps => _gaps;

    internal List<TcpGap> GapList => _gaps;

    /// <summary>Why the connection ended: <c>fin</c>, <c>rst</c>, <c>new connection</c>, <c>idle</c>, <c>evicted</c>, <c>end of capture</c>; null while open.</summary>
    public string? ClosedBy { get; internal set; }

    /// <summary>The direction's bytes, in order, when the reassembler stores them (gaps left out).</summary>
    /// <param name="direction">0 (from <see cref="Client"/>) or 1.</param>
    /// <returns>The bytes, or empty when not stored.</returns>
    public ReadOnlyMemory<byte> GetData(int direction) => _data[direction]?.WrittenMemory ?? ReadOnlyMemory<byte>.Empty;

    internal void Keep(int direction, ReadOnlySpan<byte> data) => _data[direction]?.Write(data);

    /// <summary>
    /// Whether bytes that overlap the last <paramref name="back"/> delivered bytes of a direction differ from them;
    /// known only when the bytes are stored and no gap lies in between (false otherwise).
    /// </summary>
    internal bool DiffersFromStored(int direction, long back, ReadOnlySpan<byte> overlap)
    {
        if (_data[direction] is not { } stored || back > stored.WrittenCount || GapSince(direction, back))
        {
            return false;
        }

        var start = stored.WrittenCount - (int)back;
        var length = Math.Min(overlap.Length, stored.WrittenCount - start);
        return !stored.WrittenSpan.Slice(start, length).SequenceEqual(overlap[..length]);
    }

    private bool GapSince(int direction, long back)
    {
        // A direction's gaps are listed in stream order: its last one decides.
        var end = Delivered[direction] + Missing[direction];
        for (var i = _gaps.Count - 1; i >= 0; i--)
        {
            if (_gaps[i].Direction == direction)
            {
                return _gaps[i].Offset + _gaps[i].Length > end - back;
            }
        }

        return false;
    }
}

/// <summary>
/// TCP stream reassembly in capture order: a byte stream per direction of each connection. The initial sequence number
/// comes from the SYN, else from the first segment seen; sequence numbers wrap around; retransmitted bytes are dropped
/// (the first copy wins); segments that arrive early wait (bounded) until the hole before them fills or is given up and
/// reported as a gap; bytes the capture cut off are reported as gaps; FIN and RST end a connection, and a SYN on the
/// ports of an ended one (or with another initial sequence number) starts a new connection with the next number.
/// Nothing is allocated per segment that arrives in order.
/// </summary>
public sealed class TcpReassembler
{
    /// <summary>The reason of a gap the peer acknowledged: bytes sent but not captured.</summary>
    public const string AcknowledgedGap = "acknowledged but not captured";

    /// <summary>The reason of a gap of bytes the capture cut from a segment it holds.</summary>
    public const string NotCapturedGap = "not captured";

    private const int OutOfWindow = 1 << 30;
    private readonly TcpReassemblyOptions _options;
    private readonly ITcpStreamHandler? _handler;
    private readonly Dictionary<FlowKey, Connection> _connections = [];
    private readonly LinkedList<Connection> _byActivity = new();

    // With an idle timeout: the open connections by the time of their latest segment (then its frame), so the timeout
    // ends every connection idle longer than it, whatever order the capture's clock ran in. Entries of earlier
    // segments and of connections gone are skipped when reached.
    private readonly PriorityQueue<Connection, (long Time, long Frame)> _byIdle = new();

    // Ended connections, kept (oldest first, up to MaxEndedStreams) for their last ACKs and to number a reuse of their ports.
    private readonly LinkedList<Connection> _ended = new();
    private readonly List<TcpStream> _closed = [];
    private long _nextIndex;
    private long _buffered;

    /// <summary>Creates a reassembler.</summary>
    /// <param name="options">Bounds and storage (defaults when null).</param>
    /// <param name="handler">Receives data, gaps and closes as they happen (may be null when storing).</param>
    public TcpReassembler(TcpReassemblyOptions? options = null, ITcpStreamHandler? handler = null)
    {
        _options = options ?? new TcpReassemblyOptions();
        _handler = handler;
    }

    /// <summary>With <see cref="TcpReassemblyOptions.Store"/>: the connections that ended, in the order they ended (all of them after <see cref="Finish"/>); empty otherwise.</summary>
    public IReadOnlyList<TcpStream> ClosedStreams => _closed;

    /// <summary>Out-of-order bytes held over all streams.</summary>
    public long BufferedBytes => _buffered;

    /// <summary>Connections open.</summary>
    public int OpenStreams => _byActivity.Count;

    /// <summary>Ended connections remembered (at most <see cref="TcpReassemblyOptions.MaxEndedStreams"/>).</summary>
    public int EndedStreams => _ended.Count;

    /// <summary>
    /// Moves the capture's clock to a frame's time: with <see cref="TcpReassemblyOptions.IdleTimeout"/>, connections
    /// idle longer than it are closed (<c>idle</c>) and forgotten, least recently active first. Extraction calls it
    /// for every frame, whatever it carries, so time passes on frames of any kind.
    /// </summary>
    /// <param name="time">The frame's capture time in nanoseconds (long.MinValue when unknown: nothing happens).</param>
    public void AdvanceTime(long time) => Expire(time);

    /// <summary>Adds a dissected frame; frames without a TCP segment (or later IP fragments) are ignored.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="record">Its record.</param>
    /// <returns>The segment's connection, or null.</returns>
    public TcpStream? Add(Frame frame, in CaptureRecord record) =>
        FlowPacket.TryRead(frame, out var packet) ? Add(packet, frame, record) : null;

    /// <summary>Adds a frame whose addresses and ports the caller has already read.</summary>
    /// <param name="packet">What <see cref="FlowPacket.TryRead"/> read of <paramref name="frame"/>.</param>
    /// <param name="frame">The frame.</param>
    /// <param name="record">Its record.</param>
    /// <returns>The segment's connection, or null.</returns>
    internal TcpStream? Add(in FlowPacket packet, Frame frame, in CaptureRecord record)
    {
        if (!packet.HasTcpFlags || packet.IsFragment)
        {
            // A fragment's segment is cut or absent; the reassembled datagram brings it whole.
            return null;
        }

        return AddTransport(packet.Tuple, frame, packet.TransportLayer, record);
    }

    /// <summary>Adds the TCP segment of a reassembled IP datagram (its layers start at the transport).</summary>
    /// <param name="datagram">The datagram.</param>
    /// <param name="reassembled">Its payload, dissected.</param>
    /// <param name="record">The record of the frame that completed it.</param>
    /// <returns>The segment's connection, or null.</returns>
    public TcpStream? Add(IpDatagram datagram, Frame reassembled, in CaptureRecord record)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        if (datagram.Protocol != 6 || reassembled.LayerCount == 0 ||
            !reassembled.ProtocolAt(0).TryGetPorts(reassembled.LayerBytes(0), out var sourcePort, out var destinationPort))
        {
            return null;
        }

        var tuple = new FiveTuple(datagram.Version, datagram.Source, datagram.Destination, 6, sourcePort, destinationPort);
        return AddTransport(tuple, reassembled, 0, record);
    }

    private TcpStream? AddTransport(in FiveTuple tuple, Frame frame, int index, in CaptureRecord record)
    {
        var protocol = frame.ProtocolAt(index);
        var bytes = frame.LayerBytes(index);
        if (!protocol.TryGetRoleValue(bytes, FieldRole.TcpFlags, out var flags) || !protocol.TryGetRoleValue(bytes, FieldRole.SequenceNumber, out var sequence))
        {
            return null;
        }

        protocol.TryGetRoleValue(bytes, FieldRole.AcknowledgmentNumber, out var acknowledgment);
        ref readonly var layer = ref frame[index];
        if (!layer.IsParsed)
        {
            // The header itself is cut or bad: its flags and numbers still count, its payload is unknown (a later
            // segment shows the hole).
            return AddSegment(tuple, (ushort)flags, (uint)sequence, (uint)acknowledgment, [], 0, record.Number,
                record.Time, wholeHeader: false);
        }

        var payload = frame.Data.Slice(layer.Offset + layer.HeaderLength, layer.Length - layer.HeaderLength);
        var declared = layer.ReportedLength >= 0 ? layer.ReportedLength - layer.HeaderLength : payload.Length;
        return AddSegment(tuple, (ushort)flags, (uint)sequence, (uint)acknowledgment, payload, Math.Max(0, declared - payload.Length), record.Number,
            record.Time);
    }

    /// <summary>Adds one segment.</summary>
    /// <param name="tuple">Its addresses and ports.</param>
    /// <param name="flags">TCP's control bits.</param>
    /// <param name="sequence">Its sequence number.</param>
    /// <param name="acknowledgment">Its acknowledgment number (read when the ACK bit is set).</param>
    /// <param name="payload">The captured payload.</param>
    /// <param name="missing">Payload bytes the capture cut off after <paramref name="payload"/>.</param>
    /// <param name="frame">The frame number.</param>
    /// <param name="time">Capture time in nanoseconds (long.MinValue when unknown).</param>
    /// <param name="wholeHeader">False when the capture cut the TCP header (its flags and numbers were read, its payload is unknown).</param>
    /// <returns>The segment's connection.</returns>
    public TcpStream AddSegment(in FiveTuple tuple, ushort flags, uint sequence, uint acknowledgment, ReadOnlySpan<byte> payload, int missing, long frame, long time, bool wholeHeader = true)
    {
        Expire(time);
        var syn = (flags & 0x02) != 0;
        var ack = (flags & 0x10) != 0;
        var key = FlowKey.For(0, -1, tuple);
        if (_connections.TryGetValue(key, out var connection))
        {
            var direction = connection.DirectionOf(tuple);
            var half = connection.Halves[direction];
            if (syn && !ack && (connection.Stream.ClosedBy is not null || (half.HasBase && half.SawSyn && half.Isn != sequence)))
            {
                // A new connection on the same ports.
                if (connection.Stream.ClosedBy is null)
                {
                    Close(connection, "new connection");
                }

                Forget(connection);
                connection = null;
            }
        }

        if (connection is null)
        {
            while (_byActivity.Count >= _options.MaxStreams && _byActivity.First is { } oldest)
            {
                Close(oldest.Value, "evicted");
                Forget(oldest.Value);
            }

            connection = new Connection(key, new TcpStream(_nextIndex++, tuple, frame, _options.Store), time);
            connection.Node = _byActivity.AddLast(connection);
            _connections[key] = connection;
        }
        else if (connection.Node is { } node && node.Next is not null && node.List == _byActivity)
        {
            _byActivity.Remove(node);
            _byActivity.AddLast(node);
        }

        connection.Stream.LastTime = time;
        connection.Stream.LastFrame = frame;
        if (_options.IdleTimeout is not null && time != long.MinValue && connection.Node?.List == _byActivity)
        {
            Schedule(connection, time, frame);
        }

        if (connection.Stream.ClosedBy is not null)
        {
            return connection.Stream; // an ACK after the end: part of the connection, nothing to deliver
        }

        var d = connection.DirectionOf(tuple);
        var h = connection.Halves[d];
        if (wholeHeader && connection.Stream.FirstWholeDirection < 0)
        {
            connection.Stream.FirstWholeDirection = d;
        }

        var dataSequence = syn ? sequence + 1 : sequence;
        if (!h.HasBase)
        {
            h.HasBase = true;
            h.Next = dataSequence;
            h.SawSyn = syn;
            h.Isn = sequence;
        }

        if (payload.Length > 0 || missing > 0)
        {
            Receive(connection, d, dataSequence, ack ? acknowledgment : 0, payload, missing, frame);
        }

        var other = connection.Halves[1 - d];
        if (ack && other.HasBase && other.Pending.Count > 0 && (int)(acknowledgment - other.Next) > 0)
        {
            // The peer acknowledged bytes the capture never saw: they were sent, so the hole is a gap now, not later.
            var hole = Math.Min((int)(acknowledgment - other.Next), (int)(other.Pending[0].Sequence - other.Next));
            if (hole > 0)
            {
                Gap(connection, 1 - d, hole, AcknowledgedGap);
                Drain(connection, 1 - d, frame);
            }
        }

        if ((flags & 0x04) != 0)
        {
            Close(connection, "rst");
            Retire(connection);
            return connection.Stream;
        }

        if ((flags & 0x01) != 0 && !h.FinSeen)
        {
            h.FinSeen = true;
            connection.Stream.FinFrame[d] = frame;
            h.FinSequence = dataSequence + (uint)(payload.Length + missing);
        }

        if (connection.Halves[0].Finished && connection.Halves[1].Finished)
        {
            Close(connection, "fin");
            Retire(connection);
        }

        return connection.Stream;
    }

    /// <summary>Moves an ended connection among the ended ones; the oldest beyond the bound is forgotten.</summary>
    private void Retire(Connection connection)
    {
        if (connection.Node is { } node && node.List == _byActivity)
        {
            _byActivity.Remove(node);
            _ended.AddLast(node);
        }

        while (_ended.Count > _options.MaxEndedStreams && _ended.First is { } oldest)
        {
            Forget(oldest.Value);
        }
    }

    private void Receive(Connection connection, int d, uint sequence, uint acknowledgment, ReadOnlySpan<byte> payload, int missing, long frame)
    {
        var h = connection.Halves[d];
        var distance = (int)(sequence - h.Next);
        if (distance is > OutOfWindow or < -OutOfWindow)
        {
            // A quarter of the sequence space away: not this stream's bytes as far as anyone can tell (a sequence
            // jump, a forged segment). Counted, not delivered, not held.
            connection.Stream.OutOfWindow++;
            return;
        }

        if (distance <= 0)
        {
            // In order, or overlapping what was delivered: the first copy wins (compared when the bytes are stored).
            var skip = -(long)distance;
            if (skip > 0 && connection.Stream.DiffersFromStored(d, skip, payload[..(int)Math.Min(skip, payload.Length)]))
            {
                connection.Stream.Conflicts++;
            }

            if (skip < payload.Length)
            {
                Deliver(connection, d, payload[(int)skip..], frame, acknowledgment);
                skip = 0;
            }
            else
            {
                skip -= payload.Length;
            }

            if (missing > skip)
            {
                Gap(connection, d, missing - skip, NotCapturedGap);
            }

            Drain(connection, d, frame);
            return;
        }

        // Early: it waits, in sequence order, for the hole before it. Bytes another waiting segment already holds
        // stay as they arrived first; differing ones are counted as conflicts.
        var end = (long)distance + payload.Length + missing;
        long cursor = distance;
        var index = 0;
        while (cursor < end)
        {
            while (index < h.Pending.Count && PendingEnd(h, h.Pending[index]) <= cursor)
            {
                index++;
            }

            var next = index < h.Pending.Count ? (long)(int)(h.Pending[index].Sequence - h.Next) : long.MaxValue;
            if (next > cursor)
            {
                // Not held: this part of the segment waits.
                var to = Math.Min(end, next);
                Hold(h, index, sequence, acknowledgment, distance, payload, cursor, to, frame);
                index++;
                cursor = to;
                continue;
            }

            // Held already by h.Pending[index]: compare the captured bytes both have.
            var held = h.Pending[index];
            var heldStart = (long)(int)(held.Sequence - h.Next);
            var to2 = Math.Min(end, PendingEnd(h, held));
            var from = cursor;
            var compareTo = Math.Min(to2, Math.Min(distance + payload.Length, heldStart + held.Length));
            if (compareTo > from && !payload.Slice((int)(from - distance), (int)(compareTo - from))
                .SequenceEqual(held.Data.AsSpan((int)(from - heldStart), (int)(compareTo - from))))
            {
                connection.Stream.Conflicts++;
            }

            cursor = to2;
        }

        while (h.PendingBytes > _options.MaxBufferedBytesPerDirection && h.Pending.Count > 0)
        {
            SkipHole(connection, d, "out-of-order bytes beyond the per-stream bound", frame);
        }

        var guard = 0;
        while (_buffered > _options.MaxBufferedBytes && guard++ < _connections.Count)
        {
            foreach (var c in _byActivity)
            {
                if (c.Halves[0].Pending.Count > 0 || c.Halves[1].Pending.Count > 0)
                {
                    SkipHole(c, c.Halves[0].Pending.Count > 0 ? 0 : 1, "out-of-order bytes beyond the total bound", frame);
                    break;
                }
            }
        }
    }

    private static long PendingEnd(Half h, in PendingSegment segment) => (long)(int)(segment.Sequence - h.Next) + segment.Length + segment.Missing;

    /// <summary>Keeps the part [from, to) of a segment that starts at distance <paramref name="start"/> as a waiting piece at position <paramref name="index"/>.</summary>
    private void Hold(Half h, int index, uint sequence, uint acknowledgment, int start, ReadOnlySpan<byte> payload, long from, long to, long frame)
    {
        var capturedTo = Math.Min(to, start + (long)payload.Length);
        var length = (int)Math.Max(0, capturedTo - from);
        var missing = (int)(to - Math.Max(from, capturedTo));
        // A piece of only missing bytes holds no data (and may start past the captured bytes: nothing to slice).
        var copy = length > 0 ? ArrayPool<byte>.Shared.Rent(length) : [];
        if (length > 0)
        {
            payload.Slice((int)(from - start), length).CopyTo(copy);
        }

        h.Pending.Insert(index, new PendingSegment(sequence + (uint)(from - start), copy, length, missing, frame, acknowledgment));
        h.PendingBytes += copy.Length;
        _buffered += copy.Length;
    }

    /// <summary>Delivers the waiting segments that the stream has reached.</summary>
    private void Drain(Connection connection, int d, long frame)
    {
        var h = connection.Halves[d];
        while (h.Pending.Count > 0)
        {
            var first = h.Pending[0];
            var distance = (int)(first.Sequence - h.Next);
            if (distance > 0)
            {
                return;
            }

            h.Pending.RemoveAt(0);
            h.PendingBytes -= first.Data.Length;
            _buffered -= first.Data.Length;
            var skip = -(long)distance;
            if (skip < first.Length)
            {
                Deliver(connection, d, first.Data.AsSpan((int)skip, first.Length - (int)skip), first.Frame, first.Acknowledgment);
                skip = 0;
            }
            else
            {
                skip -= first.Length;
            }

            if (first.Missing > skip)
            {
                Gap(connection, d, first.Missing - skip, NotCapturedGap);
            }

            if (first.Data.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(first.Data);
            }
        }
    }

    /// <summary>Gives up the hole before the first waiting segment: reported as a gap, then the stream goes on.</summary>
    private void SkipHole(Connection connection, int d, string reason, long frame)
    {
        var h = connection.Halves[d];
        if (h.Pending.Count == 0)
        {
            return;
        }

        var distance = (int)(h.Pending[0].Sequence - h.Next);
        if (distance > 0)
        {
            Gap(connection, d, distance, reason);
        }

        Drain(connection, d, frame);
    }

    private void Deliver(Connection connection, int d, ReadOnlySpan<byte> data, long frame, uint acknowledgment)
    {
        var stream = connection.Stream;
        stream.Acknowledgment[d] = acknowledgment;
        var h = connection.Halves[d];
        var offset = stream.Delivered[d] + stream.Missing[d];
        h.Next += (uint)data.Length;
        stream.Delivered[d] += data.Length;
        stream.Keep(d, data);
        _handler?.OnData(stream, d, offset, data, frame);
    }

    private void Gap(Connection connection, int d, long length, string reason)
    {
        var stream = connection.Stream;
        var offset = stream.Delivered[d] + stream.Missing[d];
        connection.Halves[d].Next += (uint)length;
        if (_options.Store)
        {
            stream.GapList.Add(new TcpGap(d, offset, length, reason));
        }

        stream.Missing[d] += length;
        _handler?.OnGap(stream, d, offset, length, reason);
    }

    private void Close(Connection connection, string reason)
    {
        if (connection.Stream.ClosedBy is not null)
        {
            return;
        }

        // What waits behind a hole is delivered after reporting the hole: nothing held is lost.
        for (var d = 0; d < 2; d++)
        {
            while (connection.Halves[d].Pending.Count > 0)
            {
                SkipHole(connection, d, "missing when the connection ended", connection.Stream.LastFrame);
            }
        }

        connection.Stream.ClosedBy = reason;
        if (_options.Store)
        {
            _closed.Add(connection.Stream);
        }

        _handler?.OnClose(connection.Stream);
    }

    private void Forget(Connection connection)
    {
        _connections.Remove(connection.Key);
        if (connection.Node is { } node)
        {
            node.List!.Remove(node);
            connection.Node = null;
        }
    }

    private void Expire(long now)
    {
        if (now == long.MinValue || _options.IdleTimeout is not { } timeout)
        {
            return;
        }

        var idle = timeout.Ticks * 100;
        while (_byIdle.TryPeek(out var oldest, out var at) && now - at.Time > idle)
        {
            _byIdle.Dequeue();
            if (oldest.Node?.List == _byActivity && oldest.Stream.LastTime == at.Time && oldest.Stream.LastFrame == at.Frame)
            {
                Close(oldest, "idle");
                Forget(oldest);
            }
        }
    }

    /// <summary>Puts a connection's latest segment in the idle timeout's order; entries of earlier segments and of connections gone are cleared out once they outnumber the open connections.</summary>
    private void Schedule(Connection connection, long time, long frame)
    {
        _byIdle.Enqueue(connection, (time, frame));
        if (_byIdle.Count > (2 * _byActivity.Count) + 64)
        {
            _byIdle.Clear();
            foreach (var open in _byActivity)
            {
                if (open.Stream.LastTime != long.MinValue)
                {
                    _byIdle.Enqueue(open, (open.Stream.LastTime, open.Stream.LastFrame));
                }
            }
        }
    }

    /// <summary>Ends every connection (the end of the capture): waiting bytes are delivered after their holes.</summary>
    public void Finish()
    {
        while (_byActivity.First is { } oldest)
        {
            Close(oldest.Value, "end of capture");
            Forget(oldest.Value);
        }

        while (_ended.First is { } ended)
        {
            Forget(ended.Value);
        }
    }

    private readonly record struct PendingSegment(uint Sequence, byte[] Data, int Length, int Missing, long Frame, uint Acknowledgment);

    private sealed class Half
    {
        public bool HasBase { get; set; }

        public bool SawSyn { get; set; }

        public uint Isn { get; set; }

        public uint Next { get; set; }

        public bool FinSeen { get; set; }

        public uint FinSequence { get; set; }

        public bool Finished => FinSeen && Pending.Count == 0 && (int)(Next - FinSequence) >= 0;

        public List<PendingSegment> Pending { get; } = [];

        public long PendingBytes { get; set; }
    }

    private sealed class Connection
    {
        public Connection(FlowKey key, TcpStream stream, long time)
        {
            Key = key;
            Stream = stream;
            stream.LastTime = time;
        }

        public FlowKey Key { get; }

        public TcpStream Stream { get; }

        public Half[] Halves { get; } = [new Half(), new Half()];

        public LinkedListNode<Connection>? Node { get; set; }

        /// <summary>0 from the first packet's sender, 1 back to it.</summary>
        public int DirectionOf(in FiveTuple tuple) =>
            tuple.Source == Stream.Client.Source && tuple.SourcePort == Stream.Client.SourcePort ? 0 : 1;
    }
}

/// <summary>The two directions' bases for relative sequence numbers, known once set (no allocation per connection).</summary>
internal struct RelativeSequenceBases
{
    private uint _base0;
    private uint _base1;
    private byte _known;

    /// <summary>Whether <paramref name="direction"/>'s base is known.</summary>
    public readonly bool IsKnown(int direction) => (_known & (1 << direction)) != 0;

    /// <summary>The base of <paramref name="direction"/>.</summary>
    public readonly uint Get(int direction) => direction == 0 ? _base0 : _base1;

    /// <summary>Sets the base of <paramref name="direction"/>.</summary>
    public void Set(int direction, uint value)
    {
        if (direction == 0)
        {
            _base0 = value;
        }
        else
        {
            _base1 = value;
        }

        _known |= (byte)(1 << direction);
    }
}
