using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Net;
using PcapKit.Output;

namespace PcapKit.Flows;

/// <summary>
/// pkt2flow's splitter, in the extraction pass: every IP packet goes to the pcap file of its bidirectional flow, in
/// <c>tcp_syn/</c>, <c>tcp_nosyn/</c>, <c>udp/</c> or <c>others/</c>, named
/// <c>{src}_{sport}_{dst}_{dport}_{epochsec}.pcap</c> after the flow's first packet; records are copied byte for
/// byte with their timestamps. Unlike pkt2flow: flows of other protocols are keyed by protocol, later IP fragments
/// follow their datagram, any link type the dissectors read is handled, at most
/// <see cref="FlowSplitterOptions.MaxOpenFiles"/> files are open, each file is written under a <c>.partial</c> name
/// until its flow ends, and an index lists every flow and every skipped packet by reason. In a parallel extraction with
/// <see cref="ExtractionOptions.StateShards"/> each shard splits the flows of its address pairs on a part of its own,
/// and <see cref="Finish"/> merges the parts' index in the one-thread order. When an <see cref="Extractor"/> reads a mapped
/// file on Linux (x64, arm64: <c>FlowFileSystem</c>'s system calls), a bulk flow's records are written from the mapping instead of being copied; the splitter holds the
/// mapping until its files are written (<see cref="Finish"/>, <see cref="Abort"/> or <see cref="Dispose"/>), even past the
/// extractor's disposal.
/// </summary>
// The per-packet path: its locals are assigned before they are read (C#'s rules; its stackallocs are written before they
// are read), so they are not zeroed on every call.
[System.Runtime.CompilerServices.SkipLocalsInit]
public sealed class FlowSplitter : IShardedFlowConsumer, IMappedInputConsumer, IDisposable
{
    /// <summary>
    /// The deepest layer flow splitting reads (the transport's ports and flags): extraction for flows alone can stop
    /// there (<see cref="ExtractionOptions.Layer"/>) and skip dissecting the application data.
    /// </summary>
    public const Dissection.LayerKind DeepestLayer = Dissection.LayerKind.Transport;

    private readonly FlowSplitterOptions _options;
    private Part[]? _parts;
    // Leases on mapped inputs (an extraction's, IMappedInputConsumer; on Linux only): records are written from the
    // mapping, so it is held until the writers are done. The last is the one new records come from.
    private readonly List<Capture.MappedInput> _inputs = [];
    private FlowSplitResult? _result;
    private const string SkippedFileName = "skipped.csv";
    private bool _completed;
    private bool _started;
    private ExceptionDispatchInfo? _finishFailure;

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

        if (options.WriterThreads < 1)
        {
            throw new ArgumentException("At least one thread must write the files.", nameof(options));
        }

        _options = options;
        Directory.CreateDirectory(options.OutputDirectory);
    }

    /// <summary>Packets written to flow files so far.</summary>
    public long PacketsWritten
    {
        get
        {
            long written = 0;
            foreach (var part in _parts ?? [])
            {
                written += Volatile.Read(ref part.Written);
            }

            return written;
        }
    }

    /// <summary>
    /// What the split wrote, once <see cref="Finish"/> has completed (also when the extraction finished it before throwing
    /// for a damaged capture); null before, after a failed finish, or when the split was stopped unfinished.
    /// </summary>
    public FlowSplitResult? Result => _finishFailure is null ? _result : null;

    /// <summary>Bytes written from a mapped input instead of being copied (for tests; complete once the splitter is finished).</summary>
    internal long MappedBytes
    {
        get
        {
            long bytes = 0;
            foreach (var part in _parts ?? [])
            {
                bytes += part.MappedBytes;
            }

            return bytes;
        }
    }

    /// <summary>The state, in one part until an extraction shards it.</summary>
    private Part[] Parts => _parts ??= [NewPart(1)];

    private Part NewPart(int parts)
    {
        if (!_started)
        {
            // The split starts (its first frame, or its shards made before it): an index left by an earlier split into the
            // folder would describe this one if it failed, so it goes, and this split's takes its name only once complete.
            // A split that fails before (its input cannot be read) leaves the folder as it was.
            _started = true;
            foreach (var earlier in (string[])[_options.IndexFileName, SkippedFileName, .. _options.DerivedIndexFiles])
            {
                var path = Path.Combine(_options.OutputDirectory, earlier);
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
        }

        var part = new Part(_options, parts);
        if (_inputs.Count > 0)
        {
            part.Attach(_inputs[^1]);
        }

        return part;
    }

    /// <inheritdoc/>
    void IMappedInputConsumer.Attach(Capture.MappedInput input)
    {
        if (!FlowFileSystem.Native)
        {
            // Without the system calls every record is copied into its flow's buffer (FlowFiles.Append): the mapping is
            // not needed.
            input.Release();
            return;
        }

        _inputs.Add(input);
        foreach (var part in _parts ?? [])
        {
            part.Attach(input);
        }
    }

    // The writers are done (stopped or disposed): the mappings may go.
    private void ReleaseInputs()
    {
        foreach (var input in _inputs)
        {
            input.Release();
        }

        _inputs.Clear();
    }

    /// <inheritdoc/>
    public void Consume(in ExtractedFrame frame)
    {
        var ip = FlowPacket.TryRead(frame.Frame, out var packet);
        Parts[0].Consume(frame.Record, ip, packet);
    }

    /// <inheritdoc/>
    bool IShardedFlowConsumer.CanShare(ExtractionOptions options) => true;

    /// <inheritdoc/>
    void IShardedFlowConsumer.Share(int count) => _parts = FlowParts.Share(_parts, count, NewPart, "A flow splitter");

    /// <inheritdoc/>
    void IShardedFlowConsumer.Consume(int part, in ExtractedFrame frame, bool ip, in FlowPacket packet) =>
        _parts![part].Consume(frame.Record, ip, packet);

    /// <inheritdoc/>
    public void Complete() => Finish();

    /// <summary>Ends every flow, gives every file its final name, writes the index and returns what was written.</summary>
    /// <returns>The flows and the skipped packets by reason.</returns>
    public FlowSplitResult Finish()
    {
        // A failed finish fails again, instead of returning the flows as if their files had been written.
        _finishFailure?.Throw();
        if (!_completed)
        {
            _completed = true;
            try
            {
                // Every flow ends, its file queued to be completed; the index is written while the writers complete them
                // (at the end of a capture of short flows, they have thousands of files to rename), under a temporary name
                // until they have: a run that fails then leaves no index that looks complete.
                FlowParts.Every(Parts, static part => part.EndFlows());
                _result = Merge();
                string[] indexes;
                try
                {
                    indexes = WriteIndex(_result);
                }
                catch (Exception index)
                {
                    // The writers stop whether the index could be written or not; when their files failed too, that is
                    // the failure thrown, and the index's goes with it.
                    try
                    {
                        FlowParts.Every(Parts, static part => part.Stop());
                    }
                    catch (Exception writers)
                    {
                        var both = new AggregateException(writers, index);
                        throw writers is IOException ? new IOException($"{writers.Message} (and the index was not written: {index.Message})", both) : both;
                    }

                    throw;
                }

                FlowParts.Every(Parts, static part => part.Stop());

                // Only once the writers are done (after a failure, Dispose lets them finish first).
                ReleaseInputs();
                foreach (var index in indexes)
                {
                    File.Move(index + FlowFile.PartialSuffix, index, overwrite: true);
                }
            }
            catch (Exception e)
            {
                _finishFailure = ExceptionDispatchInfo.Capture(e);
                throw;
            }
        }

        return _result ?? Merge();
    }

    /// <summary>
    /// The parts' flows in the order one part would have ended them: those ended by a packet in frame order, then those
    /// open at the end by their first packet; the skipped packets by reason, in the order the reasons first came up.
    /// </summary>
    private FlowSplitResult Merge()
    {
        var parts = Parts;
        var ended = new List<EndedFlow<FlowRecord>>[parts.Length];
        var skipped = new Dictionary<string, SkipCount>(StringComparer.Ordinal);
        long written = 0;
        for (var p = 0; p < parts.Length; p++)
        {
            ended[p] = parts[p].Finished;
            foreach (var (reason, count) in parts[p].Skipped)
            {
                ref var total = ref CollectionsMarshal.GetValueRefOrAddDefault(skipped, reason, out var seen);
                total = seen ? new SkipCount(total.Count + count.Count, SkipOrder.Min(total.First, count.First)) : count;
            }

            written += parts[p].Written;
        }

        return new FlowSplitResult(FlowParts.InCloseOrder(ended), Part.InOrder(skipped), written);
    }

    /// <summary>Writes the index and the skipped packets' counts under their temporary names; returns their final paths.</summary>
    private string[] WriteIndex(FlowSplitResult result)
    {
        var indexPath = Path.Combine(_options.OutputDirectory, _options.IndexFileName);
        var skippedPath = Path.Combine(_options.OutputDirectory, SkippedFileName);
        // Written as it is formed, each field formatted in place: a million flows' index is never one string in memory,
        // nor a few strings per flow.
        using (var index = new StreamWriter(indexPath + FlowFile.PartialSuffix, append: false, new UTF8Encoding(false), 1 << 16))
        {
            index.Write("file,category,protocol,source,source_port,destination,destination_port,first_time,last_time,packets,bytes,closed_by\n");
            Span<char> text = stackalloc char[64];
            foreach (var f in result.Flows)
            {
                index.Write(f.File);
                index.Write(',');
                index.Write(f.Category);
                index.Write(',');
                index.WriteInvariant(f.First.Protocol);
                index.Write(',');
                index.Write(f.First.TryFormatAddress(f.First.Source, text, out var n) ? text[..n] : []);
                index.Write(',');
                index.WriteInvariant(f.First.SourcePort);
                index.Write(',');
                index.Write(f.First.TryFormatAddress(f.First.Destination, text, out n) ? text[..n] : []);
                index.Write(',');
                index.WriteInvariant(f.First.DestinationPort);
                index.Write(',');
                index.Write(f.FirstTime.TryFormatEpoch(text, out n) ? text[..n] : []);
                index.Write(',');
                index.Write(f.LastTime.TryFormatEpoch(text, out n) ? text[..n] : []);
                index.Write(',');
                index.WriteInvariant(f.Packets);
                index.Write(',');
                index.WriteInvariant(f.Bytes);
                index.Write(',');
                index.Write(f.ClosedBy);
                index.Write('\n');
            }
        }

        var skipped = new StringBuilder("reason,packets\n");
        foreach (var (reason, count) in result.Skipped)
        {
            skipped.Append('"').Append(reason).Append("\",").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        File.WriteAllText(skippedPath + FlowFile.PartialSuffix, skipped.ToString());
        // The index last: once it has its name, the run is complete.
        return [skippedPath, indexPath];
    }

    /// <summary>
    /// Stops without finishing (a cancelled run): buffered records are written, files are closed and keep their
    /// <c>.partial</c> names, so nothing that looks complete is left; no index is written.
    /// </summary>
    public void Abort()
    {
        _completed = true;
        if (_parts is not null)
        {
            FlowParts.Every(_parts, static part => part.Stop());
        }

        ReleaseInputs();
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
            try
            {
                foreach (var part in _parts ?? [])
                {
                    part.Dispose();
                }
            }
            finally
            {
                ReleaseInputs();
            }
        }
    }

    /// <summary>When a skip happened: during the run at a frame (phase 0), or at the end while writing held fragments (phase 1: which datagram, which fragment).</summary>
    private readonly record struct SkipOrder(int Phase, long Frame, long Index) : IComparable<SkipOrder>
    {
        public static SkipOrder Min(SkipOrder a, SkipOrder b) => a.CompareTo(b) <= 0 ? a : b;

        public int CompareTo(SkipOrder other) =>
            Phase != other.Phase ? Phase.CompareTo(other.Phase) : Frame != other.Frame ? Frame.CompareTo(other.Frame) : Index.CompareTo(other.Index);
    }

    private readonly record struct SkipCount(long Count, SkipOrder First);

    /// <summary>
    /// The state of the flows of some address pairs (all of them, unsharded): a flow's packets, both directions and its
    /// later fragments share the address pair, and two flows' file names can collide only within one, so each part
    /// decides alone exactly what one splitter decides for them. A part holds its share of the limits.
    /// </summary>
    private sealed class Part : IDisposable
    {
        private readonly FlowSplitterOptions _options;
        private readonly int _maxPendingFragments;
        private readonly Dictionary<FlowKey, Flow> _flows = [];
        private readonly Dictionary<FragmentKey, Flow> _fragments = [];
        private readonly Dictionary<FragmentKey, List<PendingRecord>> _pending = [];
        // A flow quiet this long (capture time, in nanoseconds) goes to its file before it is completed (FlowFiles.FlushQuiet).
        private const long QuietFlush = 1_000_000_000;
        private readonly FlowFiles _files;
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private int _pendingCount;
        private SkipOrder _skipOrder;

        /// <summary>Packets written (read by other threads for progress).</summary>
        public long Written;

        public Part(FlowSplitterOptions options, int parts)
        {
            _options = options;
            _maxPendingFragments = Math.Max(1, options.MaxPendingFragments / parts);
            _files = new FlowFiles(Math.Max(1, options.MaxOpenFiles / parts), options.FlowBufferSize, options.MaxBufferedBytes / parts, Math.Max(1, options.WriterThreads / parts), quiet: QuietFlush);
        }

        /// <summary>The flows ended, in the order they ended.</summary>
        public List<EndedFlow<FlowRecord>> Finished { get; } = [];

        /// <summary>Packets not written, by reason, with when each reason first came up.</summary>
        public Dictionary<string, SkipCount> Skipped { get; } = new(StringComparer.Ordinal);

        public void Consume(in CaptureRecord record, bool ip, in FlowPacket packet)
        {
            _skipOrder = new SkipOrder(0, record.Number, 0);
            // The record's time once (a division or two per read): the quiet flush, the flow's timeouts and its file read it.
            var now = record.Timestamp.SaturatedNanoseconds;
            _files.FlushQuiet(now);
            if (!ip)
            {
                Skip("not IP");
                return;
            }

            if (packet.IsFragment)
            {
                ConsumeFragment(record, now, packet);
                return;
            }

            if (Find(record, now, packet) is { } flow)
            {
                Write(flow, record, now, packet);
            }
        }

        /// <summary>
        /// A fragment: a later one goes to its datagram's flow (or waits for it), a first one starts or continues its flow
        /// and takes the later ones held for it. A method of its own, as the other rare paths: what it needs is not made
        /// ready (zeroed) on every packet's call.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void ConsumeFragment(in CaptureRecord record, long now, in FlowPacket packet)
        {
            if (packet.IsLaterFragment)
            {
                var fragmentKey = FragmentKey.Of(packet);
                if (_fragments.TryGetValue(fragmentKey, out var owner) && owner.Skipped)
                {
                    Skip(SkipReason(owner.Category));
                }
                else if (owner is { Closed: false })
                {
                    Write(owner, record, now, packet);
                }
                else
                {
                    Hold(fragmentKey, record, packet);
                }

                return;
            }

            var flow = Find(record, now, packet);
            if (flow is null)
            {
                if (_flows.TryGetValue(FlowKey.For(record.LinkType, packet.VlanId, packet.Tuple), out var skipped))
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

            // The first fragment: later ones of the datagram follow it into this flow.
            var key = FragmentKey.Of(packet);
            if (_fragments.Count >= _maxPendingFragments)
            {
                ForgetEndedFragments();
            }

            _fragments[key] = flow;
            Write(flow, record, now, packet);
            if (_pending.Remove(key, out var waiting))
            {
                foreach (var h in waiting)
                {
                    _pendingCount--;
                    WriteRaw(flow, h.Timestamp, h.Timestamp.SaturatedNanoseconds, h.Data, h.OriginalLength);
                }
            }
        }

        /// <summary>Finds the packet's flow, starting one when there is none (or the old one ended); null when the flags skip it.</summary>
        private Flow? Find(in CaptureRecord record, long now, in FlowPacket packet)
        {
            // The tuple copied once: each read of a field through the property copies all of it.
            var tuple = packet.Tuple;
            if (!packet.IsFragment && tuple.Protocol != 6 && Category(tuple.Protocol, syn: false) is var byProtocol && !Wanted(byProtocol))
            {
                // UDP or another protocol the flags leave out (its category is its protocol's alone): skipped with no flow
                // looked for — a skipped flow of the pair, kept for its fragments, would skip it for the same reason.
                Skip(SkipReason(byProtocol));
                return null;
            }

            var key = FlowKey.For(record.LinkType, packet.VlanId, tuple);
            if (_flows.TryGetValue(key, out var flow))
            {
                if (!Expired(flow, now))
                {
                    if (!flow.Skipped)
                    {
                        return flow;
                    }

                    Skip(SkipReason(flow.Category));
                    return null;
                }

                Close(flow, flow.Closed ? flow.ClosedBy : "timeout", record.Number);
            }

            return Start(key, record, now, packet);
        }

        /// <summary>The packet's flow is new (or the old one ended): started, or remembered as skipped when the flags leave it out.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private Flow? Start(FlowKey key, in CaptureRecord record, long now, in FlowPacket packet)
        {
            var category = Category(packet);
            if (!Wanted(category))
            {
                // Skipped, and remembered without a name: a TCP flow without SYN (a SYN later in it does not make it
                // wanted) or a first fragment's flow (for its later fragments) — Find skipped the other packets of
                // unwanted protocols by their protocol alone, so only these come here.
                _flows[key] = new Flow(key, packet.Tuple, category, record.Timestamp, now, record.Number);

                Skip(SkipReason(category));
                return null;
            }

            return StartFlow(key, packet.Tuple, category, record.Timestamp, now, record.Number, record.Interface, packet.VlanId >= 0);
        }

        /// <summary>A new flow of the key, named (pcapng when asked or when its first time does not fit pcap) and tracked.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private Flow StartFlow(FlowKey key, in FiveTuple first, string category, CaptureTimestamp time, long nanoseconds, long frame, CaptureInterface @interface, bool tagged)
        {
            var pcapng = _options.PcapNg || !FlowCaptureFormat.FitsPcap(nanoseconds);
            var flow = new Flow(key, first, category, time, nanoseconds, frame)
            {
                Format = FlowCaptureFormat.For(@interface, key.LinkType, pcapng),
                Name = UniqueName(category, first, time.Seconds, tagged, pcapng),
            };
            _flows[key] = flow;
            return flow;
        }

        private bool Wanted(string category) => category switch
        {
            FlowCategories.TcpSyn => true,
            FlowCategories.TcpNoSyn => _options.TcpWithoutSyn,
            FlowCategories.Udp => _options.Udp,
            _ => _options.Others,
        };

        private bool Expired(Flow flow, long time) =>
            flow.Closed ||
            time - flow.FirstNanoseconds > _options.HardTimeout.Ticks * 100 ||
            (_options.IdleTimeout is { } idle && time - (flow.File?.LastTime ?? flow.FirstNanoseconds) > idle.Ticks * 100);

        private static string Category(in FlowPacket packet) => Category(packet.Tuple.Protocol, packet.HasTcpFlags && (packet.TcpFlags & 0x02) != 0);

        /// <summary>pkt2flow's folder of a flow by its first packet: its protocol, and for TCP whether it is a SYN.</summary>
        private static string Category(byte protocol, bool syn) => protocol switch
        {
            6 => syn ? FlowCategories.TcpSyn : FlowCategories.TcpNoSyn,
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
            // Formatted on the stack, the name's string made once it is known to be free (at most 9 + 2 × (1 + 39 + 1 + 5)
            // + 1 + 20 + 5 + 11 + 7 characters). pkt2flow 1.4 marks VLAN-tagged flows with "_vlan".
            Span<char> text = stackalloc char[FlowFile.MaxNameLength];
            if (!text.TryWrite(CultureInfo.InvariantCulture,
                $"{category}/{new TupleAddress(first, first.Source)}_{first.SourcePort}_{new TupleAddress(first, first.Destination)}_{first.DestinationPort}_{seconds}{(tagged ? "_vlan" : string.Empty)}",
                out var stem))
            {
                throw new InvalidOperationException("A flow's name is longer than its buffer.");
            }
            var extension = pcapng ? ".pcapng" : ".pcap";
            var names = _names.GetAlternateLookup<ReadOnlySpan<char>>();
            int length;
            for (var n = 1; ; n++)
            {
                // Another flow (another protocol between the same hosts, or a new flow in the same second) may have the
                // name; it has the same address pair, so it is this part's: "-2", "-3"… before the extension.
                length = stem;
                if (n > 1)
                {
                    text[length++] = '-';
                    _ = n.TryFormat(text[length..], out var digits, default, CultureInfo.InvariantCulture);
                    length += digits;
                }

                extension.CopyTo(text[length..]);
                length += extension.Length;
                if (!names.Contains(text[..length]))
                {
                    break;
                }
            }

            // The set and the flow share the string.
            var unique = new string(text[..length]);
            _names.Add(unique);
            return unique;
        }

        /// <summary>An address of a tuple's family, formatted in place in an interpolation (<see cref="FiveTuple.TryFormatAddress"/>).</summary>
        private readonly struct TupleAddress(FiveTuple tuple, Ipv6Address address) : ISpanFormattable
        {
            public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
                tuple.TryFormatAddress(address, destination, out charsWritten);

            public string ToString(string? format, IFormatProvider? formatProvider) => tuple.FormatAddress(address);

            public override string ToString() => tuple.FormatAddress(address);
        }

        private void Write(Flow flow, in CaptureRecord record, long now, in FlowPacket packet)
        {
            WriteRaw(flow, record.Timestamp, now, record.Data, record.OriginalLength);
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

        private void WriteRaw(Flow flow, CaptureTimestamp timestamp, long nanoseconds, ReadOnlySpan<byte> data, uint originalLength)
        {
            if (!flow.Format.PcapNg && !FlowCaptureFormat.FitsPcap(nanoseconds))
            {
                // pcap's record header has 32-bit seconds: writing this time there would change it.
                Skip("timestamp beyond pcap's 32-bit seconds in a pcap flow file (--pcapng keeps it)");
                return;
            }

            // A skipped flow (no name) never comes here: Find and ConsumeFragment skip its packets.
            if (flow.File is null)
            {
                flow.File = new FlowFile(_options.OutputDirectory, flow.Name!);
                flow.Format.WriteHeader(_files, flow.File);
            }

            flow.Format.WriteRecord(_files, flow.File, timestamp, nanoseconds, data, originalLength);
            flow.File.LastTime = nanoseconds;

            flow.Packets++;
            flow.Bytes += data.Length;
            flow.Last = timestamp;
            Volatile.Write(ref Written, Written + 1);
        }

        private void Hold(FragmentKey key, in CaptureRecord record, in FlowPacket packet)
        {
            if (_pendingCount >= _maxPendingFragments)
            {
                Skip("later fragment without its first fragment (pending limit reached)");
                return;
            }

            if (!_pending.TryGetValue(key, out var list))
            {
                _pending[key] = list = [];
            }

            list.Add(new PendingRecord(record.Number, record.Timestamp, record.Data.ToArray(), record.OriginalLength, record.LinkType, record.Interface, packet.Tuple, packet.VlanId));
            _pendingCount++;
        }

        /// <summary>Ends a flow: its file gets its final name, and the index its line.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Close(Flow flow, string reason, long frame)
        {
            // Ended, whatever the reason: later fragments of its datagrams must not reach its renamed file.
            flow.Closed = true;
            _flows.Remove(flow.Key);
            if (flow.Name is null || flow.File is null)
            {
                return;
            }

            _files.Complete(flow.File);
            Finished.Add(new EndedFlow<FlowRecord>(
                new CloseOrder(frame, flow.FirstFrame),
                new FlowRecord(flow.Name, flow.Category, flow.First, flow.FirstTime, flow.Last, flow.Packets, flow.Bytes, reason)));
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

            if (_fragments.Count >= _maxPendingFragments)
            {
                // Still full: the oldest datagrams' later fragments will be held, then written as flows of their own.
                _fragments.Clear();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Skip(string reason)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(Skipped, reason, out var seen);
            count = new SkipCount(count.Count + 1, seen ? count.First : _skipOrder);
        }

        /// <summary>
        /// The end of the capture: later fragments whose first fragment never came are written as flows of their own
        /// (datagram by datagram, by their first fragment's frame), then every flow still open ends, by its first frame
        /// (<see cref="Stop"/> then waits for their files).
        /// </summary>
        public void EndFlows()
        {
            var held = new List<List<PendingRecord>>(_pending.Values);
            held.Sort(static (a, b) => a[0].Number.CompareTo(b[0].Number));
            foreach (var records in held)
            {
                for (var i = 0; i < records.Count; i++)
                {
                    var h = records[i];
                    var time = h.Timestamp.SaturatedNanoseconds;
                    _skipOrder = new SkipOrder(1, records[0].Number, i);
                    var tuple = h.Tuple;
                    var key = FlowKey.For(h.LinkType, h.VlanId, tuple);
                    if (!_flows.TryGetValue(key, out var flow))
                    {
                        // A later fragment has no transport header: a TCP flow of them has no SYN.
                        var category = Category(tuple.Protocol, syn: false);
                        if (!Wanted(category))
                        {
                            Skip(SkipReason(category));
                            continue;
                        }

                        flow = StartFlow(key, tuple, category, h.Timestamp, time, h.Number, h.Interface, h.VlanId >= 0);
                    }

                    if (flow.Skipped)
                    {
                        Skip(SkipReason(flow.Category));
                        continue;
                    }

                    WriteRaw(flow, h.Timestamp, time, h.Data, h.OriginalLength);
                }
            }

            _pending.Clear();
            var open = new List<Flow>(_flows.Values);
            open.Sort(static (a, b) => a.FirstFrame.CompareTo(b.FirstFrame));
            foreach (var flow in open)
            {
                Close(flow, flow.Closed ? flow.ClosedBy : "end of capture", long.MaxValue);
            }
        }

        /// <summary>Bytes handed to the writers as pieces of a mapped input.</summary>
        public long MappedBytes => _files.MappedBytes;

        /// <summary>Records in this mapped input are written from the mapping (the splitter holds the lease).</summary>
        public void Attach(Capture.MappedInput input) => _files.Attach(input);

        /// <summary>Buffered records and the files' completions asked for are done, and every file is closed: the others keep their temporary names.</summary>
        public void Stop() => _files.Stop();

        /// <summary>Skipped packets by reason, in the order the reasons first came up.</summary>
        public static IReadOnlyDictionary<string, long> InOrder(Dictionary<string, SkipCount> counts)
        {
            var reasons = new List<KeyValuePair<string, SkipCount>>(counts);
            reasons.Sort(static (a, b) => a.Value.First.CompareTo(b.Value.First));
            var ordered = new Dictionary<string, long>(reasons.Count, StringComparer.Ordinal);
            foreach (var (reason, count) in reasons)
            {
                ordered.Add(reason, count.Count);
            }

            return ordered;
        }

        public void Dispose() => _files.Dispose();
    }

    private readonly record struct FragmentKey(Ipv6Address Source, Ipv6Address Destination, uint Id, byte Protocol)
    {
        // The fragmenting header's protocol, not the tuple's: a first fragment's tuple has the transport's (after AH, an
        // extension header), its later fragments only the header's.
        public static FragmentKey Of(in FlowPacket packet) => new(packet.Tuple.Source, packet.Tuple.Destination, packet.FragmentId, packet.FragmentProtocol);
    }

    private sealed record PendingRecord(long Number, CaptureTimestamp Timestamp, byte[] Data, uint OriginalLength, int LinkType, CaptureInterface Interface, FiveTuple Tuple, int VlanId);

    private sealed class Flow(FlowKey key, FiveTuple first, string category, CaptureTimestamp firstTime, long firstNanoseconds, long firstFrame)
    {
        public FlowKey Key { get; } = key;

        public FiveTuple First { get; } = first;

        public string Category { get; } = category;

        public CaptureTimestamp FirstTime { get; } = firstTime;

        /// <summary><see cref="FirstTime"/> in nanoseconds, for the hard timeout.</summary>
        public long FirstNanoseconds { get; } = firstNanoseconds;

        /// <summary>The frame that started it (a held fragment's, for a flow of fragments without their first).</summary>
        public long FirstFrame { get; } = firstFrame;

        /// <summary>How its file stores records (a skipped flow has none, nor a name).</summary>
        public FlowCaptureFormat Format { get; init; }

        public CaptureTimestamp Last { get; set; } = firstTime;

        public long Packets { get; set; }

        public long Bytes { get; set; }

        /// <summary>Its file's name; none when the flags leave it out (kept only to skip its later packets).</summary>
        public string? Name { get; init; }

        public bool Skipped => Name is null;

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
/// <param name="Flows">Every flow file: those a packet ended (a timeout, FIN or RST noticed at the flow's next packet), in frame order, then those open at the end of the capture, by their first packet.</param>
/// <param name="Skipped">Packets not written, by reason, in the order the reasons first came up.</param>
/// <param name="PacketsWritten">Packets written.</param>
public sealed record FlowSplitResult(IReadOnlyList<FlowRecord> Flows, IReadOnlyDictionary<string, long> Skipped, long PacketsWritten);
