using System;
using System.Buffers;
using System.Collections.Generic;
using PcapKit.Annotations;
using PcapKit.Buffers;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Reassembly;

/// <summary>Which fragment's bytes a reassembled datagram keeps where fragments overlap (as intrusion-detection reassemblers model targets).</summary>
public enum OverlapPolicy
{
    /// <summary>The bytes that arrived first (the default).</summary>
    First,

    /// <summary>The bytes that arrived last (Cisco IOS).</summary>
    Last,

    /// <summary>The earlier fragment's bytes, unless the later fragment starts before it (BSD, AIX, IRIX, HP-UX 10).</summary>
    Bsd,

    /// <summary>As <see cref="Bsd"/>, and the later fragment also wins when it starts where the earlier one does, whatever its end (Linux, as Novak's target-based reassembly tests show).</summary>
    Linux,
}

/// <summary>Limits and policy of <see cref="IpReassembler"/>.</summary>
public sealed class IpReassemblyOptions
{
    /// <summary>Which bytes win where fragments overlap.</summary>
    public OverlapPolicy Policy { get; init; } = OverlapPolicy.First;

    /// <summary>A datagram not completed this long (capture time) after its first fragment is dropped and reported.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest reassembled payload; a fragment reaching beyond it drops its datagram (65,535 bytes by default).</summary>
    public int MaxDatagramSize { get; init; } = 65_535;

    /// <summary>The most bytes held by datagrams in progress; beyond it, the oldest are dropped and reported (32 MiB).</summary>
    public long MaxBufferedBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>The most datagrams in progress; beyond it, the oldest are dropped and reported.</summary>
    public int MaxDatagrams { get; init; } = 16_384;

    /// <summary>
    /// PyPCAPKit's <c>strict</c>: only completed datagrams are handed out (the default). Off, a datagram dropped
    /// incomplete (timeout, eviction, end of capture) is handed out too, in its report, with what arrived as chunks.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>The bounds of one of <paramref name="shards"/> reassemblers that share the datagrams (each holds its part of the state).</summary>
    internal IpReassemblyOptions Share(int shards) => new()
    {
        Policy = Policy,
        Timeout = Timeout,
        MaxDatagramSize = MaxDatagramSize,
        MaxBufferedBytes = Math.Max(1, MaxBufferedBytes / shards),
        MaxDatagrams = Math.Max(1, MaxDatagrams / shards),
        Strict = Strict,
    };
}

/// <summary>What <see cref="IpReassembler.Add"/> made of a frame.</summary>
public enum FragmentOutcome
{
    /// <summary>Not a fragment (no IP layer, an unfragmented datagram, or an atomic fragment, RFC 6946).</summary>
    NotAFragment,

    /// <summary>A fragment, held until its datagram completes.</summary>
    Held,

    /// <summary>The fragment completed its datagram.</summary>
    Completed,

    /// <summary>The fragment could not be used (cut short by the capture, beyond the size bound); it is reported.</summary>
    Rejected,
}

/// <summary>Why a fragment or a datagram was reported.</summary>
public enum ReassemblyReportKind
{
    /// <summary>Overlapping fragments disagree on some bytes; the policy chose.</summary>
    Conflict,

    /// <summary>A fragment that repeats bytes already held, identically (ignored).</summary>
    Duplicate,

    /// <summary>A datagram dropped after the timeout.</summary>
    Timeout,

    /// <summary>A datagram dropped to keep the memory or datagram-count bound.</summary>
    Evicted,

    /// <summary>A fragment reaching beyond the maximum datagram size (its datagram is dropped).</summary>
    Oversized,

    /// <summary>A fragment the capture cut short (it cannot be used).</summary>
    Truncated,

    /// <summary>Last fragments disagree on the datagram's end, or a fragment lies beyond it.</summary>
    Inconsistent,

    /// <summary>A datagram still incomplete when the capture ended.</summary>
    Incomplete,
}

/// <summary>A reported event of IP reassembly.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Frame">The frame that caused it (for a timeout or eviction, the frame being added then; 0 at the end).</param>
/// <param name="Source">The datagram's source address.</param>
/// <param name="Destination">Its destination address.</param>
/// <param name="Id">Its identification.</param>
/// <param name="Frames">The frames of the datagram held when it was dropped (empty for fragment-level reports).</param>
/// <param name="Detail">Offsets and sizes involved.</param>
/// <param name="Datagram">With <see cref="IpReassemblyOptions.Strict"/> off, the dropped datagram as far as it arrived.</param>
public sealed record ReassemblyReport(ReassemblyReportKind Kind, long Frame, Ipv6Address Source, Ipv6Address Destination, uint Id, IReadOnlyList<long> Frames, string Detail,
    IpDatagram? Datagram = null);

/// <summary>A contiguous run of a datagram's payload.</summary>
/// <param name="Offset">Where it starts in the payload.</param>
/// <param name="Data">Its bytes.</param>
public sealed record IpChunk(int Offset, ReadOnlyMemory<byte> Data);

/// <summary>
/// A reassembled IP datagram — PyPCAPKit's datagram record: the frames it came from, the first fragment's header
/// (IPv4's header; IPv6's header and the extension headers before the Fragment header), the payload, the protocol.
/// </summary>
public sealed class IpDatagram
{
    internal IpDatagram(byte version, Ipv6Address source, Ipv6Address destination, uint id, byte protocol, long[] frames, byte[] header, byte[] payload, bool conflicts,
        IReadOnlyList<IpChunk>? chunks = null)
    {
        Completed = chunks is null;
        Chunks = chunks ?? [new IpChunk(0, payload)];
        Version = version;
        Source = source;
        Destination = destination;
        Id = id;
        Protocol = protocol;
        Frames = frames;
        Header = header;
        Payload = payload;
        HadConflicts = conflicts;
    }

    /// <summary>4 or 6.</summary>
    public byte Version { get; }

    /// <summary>The source address (IPv4 addresses mapped, as in <see cref="FiveTuple"/>).</summary>
    public Ipv6Address Source { get; }

    /// <summary>The destination address.</summary>
    public Ipv6Address Destination { get; }

    /// <summary>The identification (IPv4's 16 bits, IPv6's 32).</summary>
    public uint Id { get; }

    /// <summary>The protocol of the payload (IPv4's protocol field, the Fragment header's next header).</summary>
    public byte Protocol { get; }

    /// <summary>The frames of the fragments, in arrival order; the last one completed the datagram.</summary>
    public IReadOnlyList<long> Frames { get; }

    /// <summary>The first fragment's header: IPv4's header, or IPv6's header and the extension headers before the Fragment header.</summary>
    public ReadOnlyMemory<byte> Header { get; }

    /// <summary>The reassembled payload (the transport header and what follows).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Whether overlapping fragments disagreed on some bytes (the policy chose; see the reports).</summary>
    public bool HadConflicts { get; }

    /// <summary>
    /// Whether every byte arrived (PyPCAPKit's <c>completed</c>). Incomplete datagrams are only handed out when
    /// <see cref="IpReassemblyOptions.Strict"/> is off, with an empty <see cref="Payload"/> and what arrived in <see cref="Chunks"/>.
    /// </summary>
    public bool Completed { get; }

    /// <summary>The contiguous runs of bytes that arrived, by offset (PyPCAPKit's tuple of chunks); one run when complete.</summary>
    public IReadOnlyList<IpChunk> Chunks { get; }

    /// <summary>The pseudo-header for the payload's transport checksum.</summary>
    public IpPseudoHeader PseudoHeader => Version == 4
        ? IpPseudoHeader.ForIpv4(new Ipv4Address((uint)(Source.Value & uint.MaxValue)), new Ipv4Address((uint)(Destination.Value & uint.MaxValue)), Protocol)
        : IpPseudoHeader.ForIpv6(Source, Destination, Protocol);
}

/// <summary>
/// IPv4 and IPv6 defragmentation in capture order. Datagrams are keyed by (source, destination, identification,
/// protocol) for IPv4 and (source, destination, identification) for IPv6; offsets are in 8-octet units in both.
/// The received bytes are kept as non-overlapping pieces (the complement of RFC 815's hole list), so a datagram
/// completes when its last fragment fixed its end and no hole is left. Overlaps are resolved by
/// <see cref="IpReassemblyOptions.Policy"/> and reported when the bytes differ; exact repeats are ignored; atomic
/// fragments (offset 0, no more fragments) complete at once without touching other state (RFC 6946). Timeouts run
/// on capture time; memory, datagram size and datagram count are bounded, and every drop is reported.
/// </summary>
public sealed class IpReassembler
{
    private readonly IpReassemblyOptions _options;
    private readonly Dictionary<DatagramKey, Pending> _pending = [];
    private readonly LinkedList<Pending> _byAge = new();

    // The datagrams with a time, by the time of their first fragment (then its frame): the timeout drops every one
    // older than it, whatever order the capture's clock ran in. Entries of datagrams gone are skipped when reached.
    private readonly PriorityQueue<Pending, (long Started, long Frame)> _byStart = new();
    private readonly List<Piece> _scratch = [];
    private readonly Action<ReassemblyReport>? _report;
    private readonly Dictionary<ReassemblyReportKind, long> _counts = [];
    private long _buffered;
    private long _completed;

    /// <summary>Creates a reassembler.</summary>
    /// <param name="options">Policy and bounds (defaults when null).</param>
    /// <param name="report">Called for every conflict, duplicate, drop and rejected fragment; counted either way.</param>
    public IpReassembler(IpReassemblyOptions? options = null, Action<ReassemblyReport>? report = null)
    {
        _options = options ?? new IpReassemblyOptions();
        _report = report;
    }

    /// <summary>Datagrams completed so far.</summary>
    public long Completed => _completed;

    /// <summary>Datagrams in progress.</summary>
    public int InProgress => _pending.Count;

    /// <summary>Bytes held by datagrams in progress.</summary>
    public long BufferedBytes => _buffered;

    /// <summary>Reports so far, by kind.</summary>
    public IReadOnlyDictionary<ReassemblyReportKind, long> ReportCounts => _counts;

    /// <summary>Adds a dissected frame: a fragment is held, and the one that completes a datagram returns it.</summary>
    /// <param name="frame">The frame's layers.</param>
    /// <param name="record">Its record (number and time).</param>
    /// <param name="datagram">The completed datagram, when the outcome is <see cref="FragmentOutcome.Completed"/>.</param>
    /// <returns>What the frame was.</returns>
    public FragmentOutcome Add(Frame frame, in CaptureRecord record, out IpDatagram? datagram)
    {
        datagram = null;
        if (!TryFindFragment(frame, out var f))
        {
            return FragmentOutcome.NotAFragment;
        }

        if (f.Atomic)
        {
            // RFC 6946: an atomic fragment is a whole datagram, dissected as it is; it never meets the fragments in
            // progress with its identification.
            return FragmentOutcome.NotAFragment;
        }

        var now = record.Time;
        Expire(now, record.Number);
        var payload = frame.Data.Slice(f.PayloadOffset, f.PayloadLength);

        var key = new DatagramKey(f.Source, f.Destination, f.Id, f.Version == 4 ? f.Protocol : (byte)0, f.Version);
        if (f.Truncated)
        {
            Report(ReassemblyReportKind.Truncated, record.Number, key, [], $"fragment at offset {f.Offset} declares {f.DeclaredLength} bytes, {f.PayloadLength} captured");
            return FragmentOutcome.Rejected;
        }

        var end = f.Offset + f.PayloadLength;
        if (end > _options.MaxDatagramSize)
        {
            IpDatagram? partial = null;
            if (_pending.Remove(key, out var dropped))
            {
                partial = _options.Strict ? null : Partial(dropped);
                Forget(dropped);
            }

            Report(ReassemblyReportKind.Oversized, record.Number, key, dropped?.Frames.ToArray() ?? [], $"fragment ends at {end}, beyond {_options.MaxDatagramSize}", partial);
            return FragmentOutcome.Rejected;
        }

        if (!_pending.TryGetValue(key, out var pending))
        {
            while (_pending.Count >= _options.MaxDatagrams && _byAge.First is { } oldest)
            {
                Drop(oldest.Value, ReassemblyReportKind.Evicted, record.Number, $"more than {_options.MaxDatagrams} datagrams in progress");
            }

            pending = new Pending(key, now);
            pending.Node = _byAge.AddLast(pending);
            _pending[key] = pending;
            pending.Frames.Add(record.Number);
            if (now != long.MinValue)
            {
                Schedule(pending);
            }
        }
        else
        {
            pending.Frames.Add(record.Number);
        }

        if (f.Offset == 0)
        {
            pending.Header ??= frame.Data.Slice(f.HeaderOffset, f.HeaderLength).ToArray();
            pending.Protocol = f.Protocol;
        }

        if (!f.MoreFragments)
        {
            if (pending.Total >= 0 && pending.Total != end)
            {
                Report(ReassemblyReportKind.Inconsistent, record.Number, key, [], $"last fragment ends at {end}, an earlier one at {pending.Total}");
            }
            else
            {
                pending.Total = end;
            }
        }

        if (pending.Total >= 0 && end > pending.Total)
        {
            // Bytes past the end the last fragment fixed: kept out of the datagram.
            Report(ReassemblyReportKind.Inconsistent, record.Number, key, [], $"fragment ends at {end}, past the datagram's end at {pending.Total}");
        }

        Insert(pending, f.Offset, payload, record.Number);
        if (pending.Total < 0 || pending.Header is null || !Covers(pending.Pieces, pending.Total))
        {
            EnforceMemoryBound(record.Number, pending);
            return FragmentOutcome.Held;
        }

        _pending.Remove(key);
        datagram = new IpDatagram(f.Version, key.Source, key.Destination, key.Id, pending.Protocol, [.. pending.Frames], pending.Header,
            pending.Buffer.AsSpan(0, pending.Total).ToArray(), pending.Conflicts);
        Forget(pending);
        _completed++;
        return FragmentOutcome.Completed;
    }

    /// <summary>
    /// Whether <see cref="Add"/> takes the frame as a fragment (its time then drops the datagrams in progress too long),
    /// and the addresses of the IP layer it fragments.
    /// </summary>
    internal static bool IsFragment(Frame frame, out Ipv6Address source, out Ipv6Address destination)
    {
        var fragment = TryFindFragment(frame, out var f) && !f.Atomic;
        (source, destination) = (f.Source, f.Destination);
        return fragment;
    }

    /// <summary>Moves the clock to a fragment's time, as <see cref="Add"/> does first: datagrams in progress too long are dropped.</summary>
    internal void AdvanceTime(long time, long frameNumber) => Expire(time, frameNumber);

    /// <summary>Reports every datagram still in progress as incomplete and forgets it (the end of the capture).</summary>
    public void Finish()
    {
        while (_byAge.First is { } oldest)
        {
            Drop(oldest.Value, ReassemblyReportKind.Incomplete, 0, "incomplete at the end of the capture");
        }
    }

    /// <summary>Puts a fragment's bytes among the pieces held, the policy deciding overlaps.</summary>
    private void Insert(Pending pending, int start, ReadOnlySpan<byte> data, long frameNumber)
    {
        var end = start + data.Length;
        if (data.Length == 0)
        {
            return;
        }

        Reserve(pending, end);
        var arrival = pending.Arrivals++;
        var incoming = new Piece(start, end, start, end, arrival);
        var pieces = pending.Pieces;
        _scratch.Clear();
        var cursor = start;
        bool filled = false, differs = false, overlapped = false;
        foreach (var p in pieces)
        {
            if (p.End <= start || p.Start >= end)
            {
                _scratch.Add(p);
                continue;
            }

            if (p.Start > cursor)
            {
                // A hole the fragment fills.
                Fill(pending, data, start, cursor, p.Start);
                _scratch.Add(incoming with { Start = cursor, End = p.Start });
                filled = true;
            }

            var from = Math.Max(p.Start, start);
            var to = Math.Min(p.End, end);
            overlapped = true;
            if (!pending.Buffer.AsSpan(from, to - from).SequenceEqual(data.Slice(from - start, to - from)))
            {
                differs = true;
            }

            if (p.Start < from)
            {
                _scratch.Add(p with { End = from });
            }

            if (Wins(incoming, p))
            {
                Fill(pending, data, start, from, to);
                _scratch.Add(incoming with { Start = from, End = to });
            }
            else
            {
                _scratch.Add(p with { Start = from, End = to });
            }

            if (p.End > to)
            {
                _scratch.Add(p with { Start = to });
            }

            cursor = Math.Max(cursor, to);
        }

        if (cursor < end)
        {
            Fill(pending, data, start, cursor, end);
            _scratch.Add(incoming with { Start = cursor, End = end });
            filled = true;
        }

        _scratch.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        pieces.Clear();
        foreach (var p in _scratch)
        {
            // Adjacent pieces of the same fragment merge back.
            if (pieces.Count > 0 && pieces[^1].End == p.Start && pieces[^1].Arrival == p.Arrival)
            {
                pieces[^1] = pieces[^1] with { End = p.End };
            }
            else
            {
                pieces.Add(p);
            }
        }

        if (differs)
        {
            pending.Conflicts = true;
            Report(ReassemblyReportKind.Conflict, frameNumber, pending.Key, [], $"bytes {start}–{end} overlap held bytes that differ; {_options.Policy} policy");
        }
        else if (overlapped && !filled)
        {
            Report(ReassemblyReportKind.Duplicate, frameNumber, pending.Key, [], $"bytes {start}–{end} already held");
        }
    }

    private bool Wins(in Piece incoming, in Piece held) => _options.Policy switch
    {
        OverlapPolicy.Last => true,
        OverlapPolicy.Bsd => incoming.FragmentStart < held.FragmentStart,
        OverlapPolicy.Linux => incoming.FragmentStart <= held.FragmentStart,
        _ => false,
    };

    private static void Fill(Pending pending, ReadOnlySpan<byte> data, int dataStart, int from, int to) =>
        data.Slice(from - dataStart, to - from).CopyTo(pending.Buffer.AsSpan(from));

    private static bool Covers(List<Piece> pieces, int total)
    {
        var cursor = 0;
        foreach (var p in pieces)
        {
            if (p.Start > cursor)
            {
                return false;
            }

            cursor = Math.Max(cursor, p.End);
        }

        return cursor >= total;
    }

    private void Reserve(Pending pending, int end)
    {
        if (pending.Buffer.Length >= end)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(end, Math.Min(_options.MaxDatagramSize, Math.Max(2048, pending.Buffer.Length * 2))));
        pending.Buffer.AsSpan().CopyTo(larger);
        _buffered += larger.Length - pending.Buffer.Length;
        if (pending.Buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(pending.Buffer);
        }

        pending.Buffer = larger;
    }

    private void EnforceMemoryBound(long frameNumber, Pending current)
    {
        while (_buffered > _options.MaxBufferedBytes && _byAge.First is { } oldest && oldest.Value != current)
        {
            Drop(oldest.Value, ReassemblyReportKind.Evicted, frameNumber, $"more than {_options.MaxBufferedBytes} bytes held");
        }
    }

    /// <summary>
    /// Drops every datagram whose first fragment is older than the timeout at <paramref name="now"/>, oldest first —
    /// each by its own age, so a clock that runs backwards now and then drops the same ones whichever others are held.
    /// </summary>
    private void Expire(long now, long frameNumber)
    {
        var timeout = _options.Timeout.Ticks * 100;
        while (now != long.MinValue && _byStart.TryPeek(out var oldest, out var at) && now - at.Started > timeout)
        {
            _byStart.Dequeue();
            if (oldest.Node is not null)
            {
                Drop(oldest, ReassemblyReportKind.Timeout, frameNumber, $"not completed within {_options.Timeout.TotalSeconds} s");
            }
        }
    }

    /// <summary>Puts a new datagram in the timeout's order; the entries of datagrams gone are cleared out once they outnumber the held ones.</summary>
    private void Schedule(Pending pending)
    {
        // Each datagram has one entry (a rebuild replaces them all): a datagram gone has no node, its entry is stale.
        _byStart.Enqueue(pending, (pending.Started, pending.Frames[0]));
        if (_byStart.Count > (2 * _pending.Count) + 64)
        {
            _byStart.Clear();
            foreach (var held in _byAge)
            {
                if (held.Started != long.MinValue)
                {
                    _byStart.Enqueue(held, (held.Started, held.Frames[0]));
                }
            }
        }
    }

    private void Drop(Pending pending, ReassemblyReportKind kind, long frameNumber, string detail)
    {
        _pending.Remove(pending.Key);
        var partial = _options.Strict ? null : Partial(pending);
        Forget(pending);
        DroppedStarted = pending.Started;
        Report(kind, frameNumber, pending.Key, [.. pending.Frames], detail, partial);
    }

    /// <summary>During a report of a dropped datagram: the time of its first fragment (what orders timeouts across reassembly shards).</summary>
    internal long DroppedStarted { get; private set; }

    /// <summary>What arrived of a datagram, as contiguous chunks (PyPCAPKit's non-strict record).</summary>
    private static IpDatagram Partial(Pending pending)
    {
        var chunks = new List<IpChunk>();
        var start = -1;
        var end = 0;
        foreach (var p in pending.Pieces)
        {
            if (start >= 0 && p.Start == end)
            {
                end = p.End;
                continue;
            }

            if (start >= 0)
            {
                chunks.Add(new IpChunk(start, pending.Buffer.AsSpan(start, end - start).ToArray()));
            }

            (start, end) = (p.Start, p.End);
        }

        if (start >= 0)
        {
            chunks.Add(new IpChunk(start, pending.Buffer.AsSpan(start, end - start).ToArray()));
        }

        var key = pending.Key;
        return new IpDatagram(key.Version, key.Source, key.Destination, key.Id, key.Version == 4 ? key.Protocol : pending.Protocol, [.. pending.Frames],
            pending.Header ?? [], [], pending.Conflicts, chunks);
    }

    private void Forget(Pending pending)
    {
        if (pending.Node is { } node)
        {
            _byAge.Remove(node);
            pending.Node = null;
        }

        if (pending.Buffer.Length > 0)
        {
            _buffered -= pending.Buffer.Length;
            ArrayPool<byte>.Shared.Return(pending.Buffer);
            pending.Buffer = [];
        }
    }

    private void Report(ReassemblyReportKind kind, long frameNumber, DatagramKey key, long[] frames, string detail, IpDatagram? datagram = null)
    {
        _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        _report?.Invoke(new ReassemblyReport(kind, frameNumber, key.Source, key.Destination, key.Id, frames, detail, datagram));
    }

    /// <summary>The outermost fragmenting layer (IPv4 itself, or IPv6's Fragment header) and the IP layer before it.</summary>
    // Per frame: its locals are assigned before they are read (no stackalloc; RoleValues' values are read once set).
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static bool TryFindFragment(Frame frame, out FragmentView fragment)
    {
        fragment = default;
        if (frame.Registry is null)
        {
            return false;
        }

        var ip = -1;
        byte version = 0;
        Ipv6Address source = default, destination = default;
        // Each layer's roles by one call, as flow tracking reads them (FlowPacket), into one instance cleared per layer.
        System.Runtime.CompilerServices.Unsafe.SkipInit(out RoleValues roles);
        for (var i = 0; i < frame.LayerCount; i++)
        {
            if (i > 0 && frame[i - 1].PayloadIsQuoted)
            {
                return false; // the rest is a packet an ICMP message quotes, not this frame's own (as tshark's in_error_pkt)
            }

            roles.Clear();
            frame.ProtocolAt(i).ReadRoles(frame.LayerBytes(i), ref roles);
            if (roles.TryGetAddresses(out var v, out var s, out var d))
            {
                (ip, version, source, destination) = (i, v, s, d);
            }

            if (ip < 0 || !roles.TryGet(FieldRole.FragmentOffset, out var offset) || !roles.TryGet(FieldRole.MoreFragments, out var more))
            {
                continue;
            }

            var layer = frame[i];
            var isIpv6Header = i != ip; // IPv6's Fragment header follows the IP layer; IPv4 fragments itself
            if (offset == 0 && more == 0 && !isIpv6Header)
            {
                return false; // an IPv4 datagram that is not fragmented
            }

            roles.TryGet(FieldRole.FragmentId, out var id);
            roles.TryGet(FieldRole.Protocol, out var next);
            var ipLayer = frame[ip];
            var declared = layer.ReportedLength >= 0 ? layer.ReportedLength - layer.HeaderLength : layer.Length - layer.HeaderLength;
            fragment = new FragmentView
            {
                Version = version,
                Source = source,
                Destination = destination,
                Id = (uint)id,
                Protocol = (byte)next,
                Offset = (int)offset * 8,
                MoreFragments = more != 0,
                Atomic = offset == 0 && more == 0,
                HeaderOffset = ipLayer.Offset,
                HeaderLength = isIpv6Header ? layer.Offset - ipLayer.Offset : layer.HeaderLength,
                PayloadOffset = layer.Offset + layer.HeaderLength,
                PayloadLength = layer.Length - layer.HeaderLength,
                DeclaredLength = declared,
                Truncated = layer.IsTruncated || declared > layer.Length - layer.HeaderLength,
            };
            return fragment.PayloadLength >= 0;
        }

        return false;
    }

    private struct FragmentView
    {
        public byte Version;
        public Ipv6Address Source;
        public Ipv6Address Destination;
        public uint Id;
        public byte Protocol;
        public int Offset;
        public bool MoreFragments;
        public bool Atomic;
        public int HeaderOffset;
        public int HeaderLength;
        public int PayloadOffset;
        public int PayloadLength;
        public int DeclaredLength;
        public bool Truncated;
    }

    private readonly record struct DatagramKey(Ipv6Address Source, Ipv6Address Destination, uint Id, byte Protocol, byte Version);

    /// <summary>Received bytes [Start, End) owned by the fragment that covered [FragmentStart, FragmentEnd) and arrived as the Arrival-th.</summary>
    private readonly record struct Piece(int Start, int End, int FragmentStart, int FragmentEnd, int Arrival);

    private sealed class Pending(DatagramKey key, long started)
    {
        public DatagramKey Key { get; } = key;

        public long Started { get; } = started;

        public List<long> Frames { get; } = [];

        public List<Piece> Pieces { get; } = [];

        public byte[] Buffer { get; set; } = [];

        public byte[]? Header { get; set; }

        public byte Protocol { get; set; }

        public int Total { get; set; } = -1;

        public int Arrivals { get; set; }

        public bool Conflicts { get; set; }

        public LinkedListNode<Pending>? Node { get; set; }
    }
}
