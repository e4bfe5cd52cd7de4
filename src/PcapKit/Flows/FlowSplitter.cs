using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Net;

namespace PcapKit.Flows;

/// <summary>
/// pkt2flow's splitter, in the extraction pass: every IP packet goes to the pcap file of its bidirectional flow, in
/// <c>tcp_syn/</c>, <c>tcp_nosyn/</c>, <c>udp/</c> or <c>others/</c>, named
/// <c>{src}_{sport}_{dst}_{dport}_{epochsec}.pcap</c> after the flow's first packet; records are copied byte for
/// byte with their timestamps. Unlike pkt2flow: flows of other protocols are keyed by protocol, later IP fragments
/// follow their datagram, any link type the dissectors read is handled, at most
/// <see cref="FlowSplitterOptions.MaxOpenFiles"/> files are open, each file is written under a <c>.partial</c> name
/// until its flow ends, and an index lists every flow and every skipped packet by reason.
/// </summary>
public sealed class FlowSplitter : IFrameConsumer, IDisposable
{
    /// <summary>
    /// The deepest layer flow splitting reads (the transport's ports and flags): extraction for flows alone can stop
    /// there (<see cref="ExtractionOptions.Layer"/>) and skip dissecting the application data.
    /// </summary>
    public const Dissection.LayerKind DeepestLayer = Dissection.LayerKind.Transport;

    private readonly FlowSplitterOptions _options;
    private readonly Dictionary<FlowKey, Flow> _flows = [];
    private readonly Dictionary<FragmentKey, Flow> _fragments = [];
    private readonly Dictionary<FragmentKey, List<PendingRecord>> _pending = [];
    private readonly FlowFiles _files;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<FlowRecord> _finished = [];
    private readonly Dictionary<string, long> _skipped = new(StringComparer.Ordinal);
    private int _pendingCount;
    private long _written;
    private bool _completed;

    /// <summary>Creates a splitter writing into <see cref="FlowSplitterOptions.OutputDirectory"/>.</summary>
    /// <param name="options">The flags and limits.</param>
    /// <exception cref="IOException">The output folder cannot be created.</exception>
    public FlowSplitter(FlowSplitterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxOpenFiles < 1)
        {
            throw new ArgumentException("At least one file must be allowed open.", nameof(options));
        }

        _options = options;
        Directory.CreateDirectory(options.OutputDirectory);
        _files = new FlowFiles(options.MaxOpenFiles, options.FlowBufferSize, options.MaxBufferedBytes);
    }

    /// <summary>Packets written to flow files so far.</summary>
    public long PacketsWritten => _written;

    /// <inheritdoc/>
    public void Consume(in ExtractedFrame frame)
    {
        var record = frame.Record;
        if (!FlowPacket.TryRead(frame.Frame, out var packet))
        {
            Skip("not IP");
            return;
        }

        if (packet.IsLaterFragment)
        {
            var fragmentKey = FragmentKey.Of(packet);
            if (_fragments.TryGetValue(fragmentKey, out var owner) && owner.Skipped)
            {
                Skip(SkipReason(owner.Category));
            }
            else if (owner is { Closed: false })
            {
                Write(owner, record, packet);
            }
            else
            {
                Hold(fragmentKey, record, packet);
            }

            return;
        }

        var flow = Find(record, packet);
        if (flow is null)
        {
            if (packet.IsFragment && _flows.TryGetValue(FlowKey.For(record.LinkType, packet.VlanId, packet.Tuple), out var skipped))
            {
                // A skipped flow's datagram: its later fragments are skipped with it, held ones too.
                var fragmentKey = FragmentKey.Of(packet);
                _fragments[fragmentKey] = skipped;
                if (_pending.Remove(fragmentKey, out var held))
                {
                    _pendingCount -= held.Count;
                    foreach (var _ in held)
                    {
                        Skip(SkipReason(skipped.Category));
                    }
                }
            }

            return;
        }

        if (packet.IsFragment)
        {
            // The first fragment: later ones of the datagram follow it into this flow.
            var fragmentKey = FragmentKey.Of(packet);
            if (_fragments.Count >= _options.MaxPendingFragments)
            {
                ForgetEndedFragments();
            }

            _fragments[fragmentKey] = flow;
            if (_pending.Remove(fragmentKey, out var held))
            {
                Write(flow, record, packet);
                foreach (var h in held)
                {
                    _pendingCount--;
                    WriteRaw(flow, h.Timestamp, h.Data, h.OriginalLength);
                }

                return;
            }
        }

        Write(flow, record, packet);
    }

    /// <summary>Finds the packet's flow, starting one when there is none (or the old one ended); null when the flags skip it.</summary>
    private Flow? Find(in CaptureRecord record, in FlowPacket packet)
    {
        var key = FlowKey.For(record.LinkType, packet.VlanId, packet.Tuple);
        if (_flows.TryGetValue(key, out var flow))
        {
            if (Expired(flow, record.Timestamp.SaturatedNanoseconds))
            {
                Close(flow, flow.Closed ? flow.ClosedBy : "timeout");
            }
            else if (flow.Skipped)
            {
                Skip(SkipReason(flow.Category));
                return null;
            }
            else
            {
                return flow;
            }
        }

        var category = Category(packet);
        var wanted = category switch
        {
            FlowCategories.TcpSyn => true,
            FlowCategories.TcpNoSyn => _options.TcpWithoutSyn,
            FlowCategories.Udp => _options.Udp,
            _ => _options.Others,
        };
        flow = new Flow(key, packet.Tuple, category, record.Timestamp)
        {
            Skipped = !wanted,
        };
        _flows[key] = flow;
        if (!wanted)
        {
            Skip(SkipReason(category));
            return null;
        }

        flow.PcapNg = _options.PcapNg || !FlowCaptureFormat.FitsPcap(record.Timestamp);
        flow.Format = FlowCaptureFormat.For(record.Interface, key.LinkType, flow.PcapNg);
        flow.Name = UniqueName(category, packet.Tuple, record.Timestamp.Seconds, packet.VlanId >= 0, flow.PcapNg);
        return flow;
    }

    private bool Expired(Flow flow, long time) =>
        flow.Closed ||
        time - flow.FirstTime.SaturatedNanoseconds > _options.HardTimeout.Ticks * 100 ||
        (_options.IdleTimeout is { } idle && time - flow.Last.SaturatedNanoseconds > idle.Ticks * 100);

    private static string Category(in FlowPacket packet) => packet.Tuple.Protocol switch
    {
        6 => packet.HasTcpFlags && (packet.TcpFlags & 0x02) != 0 ? FlowCategories.TcpSyn : FlowCategories.TcpNoSyn,
        17 => FlowCategories.Udp,
        _ => FlowCategories.Others,
    };

    /// <summary>Why a flow of the category is not written (one constant string each: counted per skipped packet).</summary>
    private static string SkipReason(string category) => category switch
    {
        FlowCategories.TcpNoSyn => "tcp_nosyn (first packet not a SYN; -v writes them)",
        FlowCategories.Udp => "udp (-u writes them)",
        _ => "others (-x writes them)",
    };

    private string UniqueName(string category, in FiveTuple first, long seconds, bool tagged, bool pcapng)
    {
        // pkt2flow 1.4 marks VLAN-tagged flows with "_vlan".
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{category}/{first.FormatAddress(first.Source)}_{first.SourcePort}_{first.FormatAddress(first.Destination)}_{first.DestinationPort}_{seconds}{(tagged ? "_vlan" : string.Empty)}");
        var extension = pcapng ? ".pcapng" : ".pcap";
        var unique = name + extension;
        for (var n = 2; !_names.Add(unique); n++)
        {
            // Another flow (another protocol between the same hosts, or a new flow in the same second) has the name.
            unique = name + "-" + n.ToString(CultureInfo.InvariantCulture) + extension;
        }

        // The set and the flow share the string.
        return unique;
    }

    private void Write(Flow flow, in CaptureRecord record, in FlowPacket packet)
    {
        WriteRaw(flow, record.Timestamp, record.Data, record.OriginalLength);
        if (packet.HasTcpFlags && _options.CloseOnFinOrReset)
        {
            var forward = packet.Tuple.Source == flow.First.Source && packet.Tuple.SourcePort == flow.First.SourcePort;
            if ((packet.TcpFlags & 0x04) != 0)
            {
                flow.Closed = true;
                flow.ClosedBy = "rst";
            }
            else if ((packet.TcpFlags & 0x01) != 0)
            {
                flow.FinForward |= forward;
                flow.FinBackward |= !forward;
                if (flow.FinForward && flow.FinBackward)
                {
                    flow.Closed = true;
                    flow.ClosedBy = "fin";
                }
            }
        }
    }

    private void WriteRaw(Flow flow, CaptureTimestamp timestamp, ReadOnlySpan<byte> data, uint originalLength)
    {
        if (!flow.PcapNg && !FlowCaptureFormat.FitsPcap(timestamp))
        {
            // pcap's record header has 32-bit seconds: writing this time there would change it.
            Skip("timestamp beyond pcap's 32-bit seconds in a pcap flow file (--pcapng keeps it)");
            return;
        }

        if (flow.File is null)
        {
            flow.File = new FlowFile(_options.OutputDirectory, flow.Name!);
            flow.Format.WriteHeader(_files, flow.File);
        }

        flow.Format.WriteRecord(_files, flow.File, timestamp, data, originalLength);

        flow.Packets++;
        flow.Bytes += data.Length;
        flow.Last = timestamp;
        _written++;
    }

    private void Hold(FragmentKey key, in CaptureRecord record, in FlowPacket packet)
    {
        if (_pendingCount >= _options.MaxPendingFragments)
        {
            Skip("later fragment without its first fragment (pending limit reached)");
            return;
        }

        if (!_pending.TryGetValue(key, out var list))
        {
            _pending[key] = list = [];
        }

        list.Add(new PendingRecord(record.Timestamp, record.Data.ToArray(), record.OriginalLength, record.LinkType, record.Interface, packet.Tuple, packet.VlanId));
        _pendingCount++;
    }

    /// <summary>Ends a flow: its file gets its final name, and the index its line.</summary>
    private void Close(Flow flow, string reason)
    {
        // Ended, whatever the reason: later fragments of its datagrams must not reach its renamed file.
        flow.Closed = true;
        _flows.Remove(flow.Key);
        if (flow.Name is null || flow.File is null)
        {
            return;
        }

        _files.Complete(flow.File, flow.File.FinalPath);
        _finished.Add(new FlowRecord(flow.Name, flow.Category, flow.First, flow.FirstTime, flow.Last, flow.Packets, flow.Bytes, reason));
    }

    private void ForgetEndedFragments()
    {
        var ended = new List<FragmentKey>();
        foreach (var (key, flow) in _fragments)
        {
            if (flow.Closed || !_flows.TryGetValue(flow.Key, out var current) || !ReferenceEquals(current, flow))
            {
                ended.Add(key);
            }
        }

        foreach (var key in ended)
        {
            _fragments.Remove(key);
        }

        if (_fragments.Count >= _options.MaxPendingFragments)
        {
            // Still full: the oldest datagrams' later fragments will be held, then written as flows of their own.
            _fragments.Clear();
        }
    }


    private void Skip(string reason) => _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;

    /// <inheritdoc/>
    public void Complete() => Finish();

    /// <summary>Ends every flow, gives every file its final name, writes the index and returns what was written.</summary>
    /// <returns>The flows and the skipped packets by reason.</returns>
    public FlowSplitResult Finish()
    {
        if (!_completed)
        {
            _completed = true;

            // Later fragments whose first fragment never came: a flow of their own, by protocol and addresses.
            foreach (var (_, held) in _pending)
            {
                foreach (var h in held)
                {
                    var tuple = h.Tuple;
                    var key = FlowKey.For(h.LinkType, h.VlanId, tuple);
                    if (!_flows.TryGetValue(key, out var flow))
                    {
                        var category = tuple.Protocol switch { 6 => FlowCategories.TcpNoSyn, 17 => FlowCategories.Udp, _ => FlowCategories.Others };
                        var wanted = category == FlowCategories.TcpNoSyn ? _options.TcpWithoutSyn : category == FlowCategories.Udp ? _options.Udp : _options.Others;
                        if (!wanted)
                        {
                            Skip(SkipReason(category));
                            continue;
                        }

                        var pcapng = _options.PcapNg || !FlowCaptureFormat.FitsPcap(h.Timestamp);
                        flow = new Flow(key, tuple, category, h.Timestamp) { PcapNg = pcapng, Format = FlowCaptureFormat.For(h.Interface, key.LinkType, pcapng) };
                        flow.Name = UniqueName(category, tuple, h.Timestamp.Seconds, h.VlanId >= 0, flow.PcapNg);
                        _flows[key] = flow;
                    }

                    if (flow.Skipped)
                    {
                        Skip(SkipReason(flow.Category));
                        continue;
                    }

                    WriteRaw(flow, h.Timestamp, h.Data, h.OriginalLength);
                }
            }

            _pending.Clear();
            foreach (var flow in new List<Flow>(_flows.Values))
            {
                Close(flow, flow.Closed ? flow.ClosedBy : "end of capture");
            }

            _files.Stop();
            WriteIndex();
        }

        return new FlowSplitResult(_finished, _skipped, _written);
    }

    private void WriteIndex()
    {
        // Written as it is formed: a million flows' index is never one string in memory.
        using (var index = new StreamWriter(Path.Combine(_options.OutputDirectory, _options.IndexFileName), append: false, new UTF8Encoding(false), 1 << 16))
        {
            index.Write("file,category,protocol,source,source_port,destination,destination_port,first_time,last_time,packets,bytes,closed_by\n");
            Span<char> time = stackalloc char[40];
            foreach (var f in _finished)
            {
                index.Write(f.File);
                index.Write(',');
                index.Write(f.Category);
                index.Write(',');
                index.Write(f.First.Protocol.ToString(CultureInfo.InvariantCulture));
                index.Write(',');
                index.Write(f.First.FormatAddress(f.First.Source));
                index.Write(',');
                index.Write(f.First.SourcePort.ToString(CultureInfo.InvariantCulture));
                index.Write(',');
                index.Write(f.First.FormatAddress(f.First.Destination));
                index.Write(',');
                index.Write(f.First.DestinationPort.ToString(CultureInfo.InvariantCulture));
                index.Write(',');
                index.Write(f.FirstTime.TryFormatEpoch(time, out var n) ? time[..n] : []);
                index.Write(',');
                index.Write(f.LastTime.TryFormatEpoch(time, out n) ? time[..n] : []);
                index.Write(',');
                index.Write(f.Packets.ToString(CultureInfo.InvariantCulture));
                index.Write(',');
                index.Write(f.Bytes.ToString(CultureInfo.InvariantCulture));
                index.Write(',');
                index.Write(f.ClosedBy);
                index.Write('\n');
            }
        }

        var skipped = new StringBuilder("reason,packets\n");
        foreach (var (reason, count) in _skipped)
        {
            skipped.Append('"').Append(reason).Append("\",").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        File.WriteAllText(Path.Combine(_options.OutputDirectory, "skipped.csv"), skipped.ToString());
    }

    /// <summary>
    /// Stops without finishing (a cancelled run): buffered records are written, files are closed and keep their
    /// <c>.partial</c> names, so nothing that looks complete is left; no index is written.
    /// </summary>
    public void Abort()
    {
        _completed = true;
        _files.Stop();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            if (!_completed)
            {
                Abort();
            }
        }
        finally
        {
            _files.Dispose();
        }
    }

    private readonly record struct FragmentKey(Ipv6Address Source, Ipv6Address Destination, uint Id, byte Protocol)
    {
        public static FragmentKey Of(in FlowPacket packet) => new(packet.Tuple.Source, packet.Tuple.Destination, packet.FragmentId, packet.Tuple.Protocol);
    }

    private sealed record PendingRecord(CaptureTimestamp Timestamp, byte[] Data, uint OriginalLength, int LinkType, CaptureInterface Interface, FiveTuple Tuple, int VlanId);

    private sealed class Flow(FlowKey key, FiveTuple first, string category, CaptureTimestamp firstTime)
    {
        public FlowKey Key { get; } = key;

        public FiveTuple First { get; } = first;

        public string Category { get; } = category;

        public CaptureTimestamp FirstTime { get; } = firstTime;

        /// <summary>How its file stores records; set when the flow is named.</summary>
        public FlowCaptureFormat Format { get; set; }

        public CaptureTimestamp Last { get; set; } = firstTime;

        public long Packets { get; set; }

        public long Bytes { get; set; }

        public string? Name { get; set; }

        public bool Skipped { get; init; }

        public bool PcapNg { get; set; }

        public FlowFile? File { get; set; }

        public bool FinForward { get; set; }

        public bool FinBackward { get; set; }

        public bool Closed { get; set; }

        public string ClosedBy { get; set; } = "end of capture";
    }
}

/// <summary>pkt2flow's folders.</summary>
public static class FlowCategories
{
    /// <summary>TCP flows whose first packet is a SYN.</summary>
    public const string TcpSyn = "tcp_syn";

    /// <summary>TCP flows whose first packet is not a SYN.</summary>
    public const string TcpNoSyn = "tcp_nosyn";

    /// <summary>UDP flows.</summary>
    public const string Udp = "udp";

    /// <summary>Flows of other IP protocols.</summary>
    public const string Others = "others";
}

/// <summary>One flow file, as the index lists it.</summary>
/// <param name="File">Its path under the output folder (<c>tcp_syn/10.0.0.1_55194_173.194.78.104_443_1420290295.pcap</c>).</param>
/// <param name="Category">Its folder.</param>
/// <param name="First">The 5-tuple of its first packet (its sender is the source).</param>
/// <param name="FirstTime">The first packet's time.</param>
/// <param name="LastTime">The last packet's time.</param>
/// <param name="Packets">Its packets.</param>
/// <param name="Bytes">Their captured bytes.</param>
/// <param name="ClosedBy">Why it ended: <c>fin</c>, <c>rst</c>, <c>timeout</c> or <c>end of capture</c>.</param>
public sealed record FlowRecord(string File, string Category, FiveTuple First, CaptureTimestamp FirstTime, CaptureTimestamp LastTime, long Packets, long Bytes, string ClosedBy);

/// <summary>What a split wrote.</summary>
/// <param name="Flows">Every flow file, in the order the flows ended.</param>
/// <param name="Skipped">Packets not written, by reason.</param>
/// <param name="PacketsWritten">Packets written.</param>
public sealed record FlowSplitResult(IReadOnlyList<FlowRecord> Flows, IReadOnlyDictionary<string, long> Skipped, long PacketsWritten);
