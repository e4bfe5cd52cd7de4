using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Net;
using PcapKit.Output;

namespace PcapKit.Flows;

/// <summary>
/// PyPCAPKit's TCP trace (<c>extract(trace=True)</c>), in the extraction pass: every TCP segment goes to the file of
/// its flow, named <c>{src}_{sport}-{dst}_{dport}-{timestamp}</c> after the flow's first segment, in pcap or as a
/// document (JSON, tree, plist) of <c>Frame N</c> entries as PyPCAPKit's dumpers write them. A flow is one direction
/// of a connection, as in PyPCAPKit 1.x, or both (<see cref="TcpTraceOptions.Bidirectional"/>); a SYN starts a new
/// flow (in both directions: a SYN without ACK), a FIN ends it (both sides' FINs, or a RST, when bidirectional).
/// Files are written under a <c>.partial</c> name until their flow ends, with bounded memory and open files.
/// </summary>
public sealed class TcpTrace : IShardedFlowConsumer, IDisposable
{
    private readonly TcpTraceOptions _options;
    private Part[]? _parts;
    private TcpTraceResult? _result;
    private bool _completed;

    /// <summary>Creates a trace writing into <see cref="TcpTraceOptions.OutputDirectory"/>.</summary>
    /// <param name="options">The folder, format and direction.</param>
    /// <exception cref="IOException">The output folder cannot be created.</exception>
    public TcpTrace(TcpTraceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Format is not (OutputFormat.Pcap or OutputFormat.Json or OutputFormat.Tree or OutputFormat.Plist))
        {
            throw new ArgumentException("A trace is written as pcap, json, tree or plist.", nameof(options));
        }

        if (options.WriterThreads < 1)
        {
            throw new ArgumentException("At least one thread must write the files.", nameof(options));
        }

        _options = options;
        Directory.CreateDirectory(options.OutputDirectory);
    }

    /// <summary>TCP segments written so far.</summary>
    public long SegmentsWritten
    {
        get
        {
            long segments = 0;
            foreach (var part in _parts ?? [])
            {
                segments += Volatile.Read(ref part.Segments);
            }

            return segments;
        }
    }

    /// <summary>The state, in one part until an extraction shards it.</summary>
    private Part[] Parts => _parts ??= [new Part(_options, 1)];

    /// <inheritdoc/>
    public void Consume(in ExtractedFrame frame)
    {
        if (frame.Engine is not null)
        {
            throw new NotSupportedException("The TCP trace reads the generated dissectors' layers; it does not run with another engine.");
        }

        var ip = FlowPacket.TryRead(frame.Frame, out var packet);
        Parts[0].Consume(frame, ip, packet);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// With IP reassembly a document embeds the datagram the frame completed, which the shard of the IP layer it
    /// fragments holds — another than the flow's for a tunnel's inner fragments — so documents are then traced on the
    /// reading thread; pcap files copy records only.
    /// </remarks>
    bool IShardedFlowConsumer.CanShare(ExtractionOptions options) => _options.Format == OutputFormat.Pcap || !options.ReassembleIp;

    /// <inheritdoc/>
    void IShardedFlowConsumer.Share(int count) => _parts = FlowParts.Share(_parts, count, parts => new Part(_options, parts), "A TCP trace");

    /// <inheritdoc/>
    void IShardedFlowConsumer.Consume(int part, in ExtractedFrame frame, bool ip, in FlowPacket packet) => _parts![part].Consume(frame, ip, packet);

    /// <inheritdoc/>
    public void Complete() => Finish();

    /// <summary>Ends every flow, gives every file its final name and returns the flows.</summary>
    /// <returns>Each flow's file and frame numbers: those a segment ended in frame order, then those open at the end by their first segment.</returns>
    public TcpTraceResult Finish()
    {
        if (!_completed)
        {
            _completed = true;
            FlowParts.Every(Parts, static part => part.Finish());
            _result = Merge();
        }

        return _result ?? Merge();
    }

    private TcpTraceResult Merge()
    {
        var parts = Parts;
        var ended = new List<EndedFlow<TcpTraceFlow>>[parts.Length];
        long segments = 0;
        for (var p = 0; p < parts.Length; p++)
        {
            ended[p] = parts[p].Finished;
            segments += parts[p].Segments;
        }

        return new TcpTraceResult(FlowParts.InCloseOrder(ended), segments);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            if (!_completed && _parts is not null)
            {
                // Not finished (a cancelled or failed run): what was traced is written, under the temporary names.
                _completed = true;
                FlowParts.Every(_parts, static part => part.Stop());
            }
        }
        finally
        {
            foreach (var part in _parts ?? [])
            {
                part.Dispose();
            }
        }
    }

    /// <summary>
    /// The state of the flows of some address pairs (all of them, unsharded): both directions of a connection and any
    /// two flows whose labels could collide share the pair, so each part decides alone what one trace decides for them.
    /// </summary>
    private sealed class Part : IDisposable
    {
        private readonly TcpTraceOptions _options;
        private readonly FlowFiles _files;
        private readonly Dictionary<FlowKey, TraceFlow> _flows = [];
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly FrameFragments? _fragments;

        /// <summary>Segments written (read by other threads for progress).</summary>
        public long Segments;

        public Part(TcpTraceOptions options, int parts)
        {
            _options = options;
            _files = new FlowFiles(Math.Max(1, options.MaxOpenFiles / parts), 64 * 1024, options.MaxBufferedBytes / parts, Math.Max(1, options.WriterThreads / parts));
            _fragments = options.Format == OutputFormat.Pcap ? null : new FrameFragments(options.Format);
        }

        /// <summary>The flows ended, in the order they ended.</summary>
        public List<EndedFlow<TcpTraceFlow>> Finished { get; } = [];

        public void Consume(in ExtractedFrame frame, bool ip, in FlowPacket packet)
        {
            if (!ip || packet.Tuple.Protocol != 6 || !packet.HasPorts || !packet.HasTcpFlags)
            {
                return;
            }

            var tuple = packet.Tuple;
            // Directional keys as PyPCAPKit 1.x; bidirectional ones are the same for both directions.
            var key = _options.Bidirectional
                ? FlowKey.For(0, -1, tuple)
                : new FlowKey(0, -1, tuple.Version, tuple.Protocol, tuple.Source, tuple.SourcePort, tuple.Destination, tuple.DestinationPort);
            var syn = (packet.TcpFlags & 0x02) != 0;
            var ack = (packet.TcpFlags & 0x10) != 0;
            if (_flows.TryGetValue(key, out var flow) && syn && (!_options.Bidirectional || !ack))
            {
                // A new connection on the same addresses and ports: the old flow ends here.
                End(flow, "syn", frame.Number);
                flow = null;
            }

            if (flow is null)
            {
                flow = Start(key, frame.Record, tuple);
            }

            Write(flow, frame);
            var fin = (packet.TcpFlags & 0x01) != 0;
            var reset = (packet.TcpFlags & 0x04) != 0;
            if (!_options.Bidirectional)
            {
                if (fin)
                {
                    End(flow, "fin", frame.Number);
                }
            }
            else if (reset)
            {
                End(flow, "rst", frame.Number);
            }
            else if (fin)
            {
                var forward = tuple.Source == flow.First.Source && tuple.SourcePort == flow.First.SourcePort;
                flow.FinForward |= forward;
                flow.FinBackward |= !forward;
                if (flow.FinForward && flow.FinBackward)
                {
                    End(flow, "fin", frame.Number);
                }
            }
        }

        private TraceFlow Start(FlowKey key, in CaptureRecord record, in FiveTuple first)
        {
            var label = Label(first, record);
            var unique = label;
            for (var n = 2; !_names.Add(unique); n++)
            {
                unique = label + "-" + n.ToString(CultureInfo.InvariantCulture);
            }

            var pcapng = _options.Format == OutputFormat.Pcap && !FlowCaptureFormat.FitsPcap(record.Timestamp);
            var name = unique + Extension(_options.Format, pcapng);
            var flow = new TraceFlow(key, first, label, name, record.Timestamp, record.Number)
            {
                File = new FlowFile(_options.OutputDirectory, name),
                Format = FlowCaptureFormat.For(record.Interface, record.LinkType, pcapng),
            };
            _flows[key] = flow;
            if (_fragments is null)
            {
                flow.Format.WriteHeader(_files, flow.File);
            }
            else
            {
                _files.Append(flow.File, _fragments.Header, default);
            }

            return flow;
        }

        private void Write(TraceFlow flow, in ExtractedFrame frame)
        {
            var record = frame.Record;
            if (_fragments is null)
            {
                var nanoseconds = record.Timestamp.SaturatedNanoseconds;
                if (!flow.Format.PcapNg && !FlowCaptureFormat.FitsPcap(nanoseconds))
                {
                    // pcap's 32-bit seconds cannot hold this time; the document formats can.
                    flow.Dropped++;
                    return;
                }

                flow.Format.WriteRecord(_files, flow.File!, record.Timestamp, nanoseconds, record.Data, record.OriginalLength);
            }
            else
            {
                _files.Append(flow.File!, _fragments.Render(frame, first: flow.Frames.Count == 0), default);
            }

            flow.Frames.Add(frame.Number);
            flow.Last = record.Timestamp;
            Volatile.Write(ref Segments, Segments + 1);
        }

        private void End(TraceFlow flow, string reason, long frame)
        {
            _flows.Remove(flow.Key);
            if (_fragments is not null)
            {
                _files.Append(flow.File!, _fragments.Footer, default);
            }

            _files.Complete(flow.File!);
            Finished.Add(new EndedFlow<TcpTraceFlow>(
                new CloseOrder(frame, flow.FirstFrame),
                new TcpTraceFlow(flow.Name, flow.Label, flow.First, flow.FirstTime, flow.Last, flow.Frames, reason, flow.Dropped)));
        }

        /// <summary>The end of the capture: every flow still open ends, by its first segment, and the files are written.</summary>
        public void Finish()
        {
            var open = new List<TraceFlow>(_flows.Values);
            open.Sort(static (a, b) => a.FirstFrame.CompareTo(b.FirstFrame));
            foreach (var flow in open)
            {
                End(flow, "end of capture", long.MaxValue);
            }

            _files.Stop();
        }

        /// <summary>Buffered records are written and every file is closed, keeping the names it has.</summary>
        public void Stop() => _files.Stop();

        public void Dispose()
        {
            _files.Dispose();
            _fragments?.Dispose();
        }
    }

    /// <summary>PyPCAPKit's label: <c>{src}_{sport}-{dst}_{dport}-{timestamp}</c>, the time as Python prints the float.</summary>
    private static string Label(in FiveTuple first, in CaptureRecord record)
    {
        Span<char> time = stackalloc char[48];
        var length = 0;
        if (record.HasTimestamp && record.Timestamp.TryFormatEpoch(time, out length) && time[..length].Contains('.'))
        {
            // Python's float: trailing zeros dropped, one kept after the point.
            while (time[length - 1] == '0' && time[length - 2] != '.')
            {
                length--;
            }
        }

        ReadOnlySpan<char> epoch = length > 0 ? time[..length] : "0";
        return string.Create(CultureInfo.InvariantCulture,
            $"{first.FormatAddress(first.Source)}_{first.SourcePort}-{first.FormatAddress(first.Destination)}_{first.DestinationPort}-{epoch}");
    }

    private static string Extension(OutputFormat format, bool pcapng) => format switch
    {
        OutputFormat.Json => ".json",
        OutputFormat.Tree => ".txt",
        OutputFormat.Plist => ".plist",
        _ => pcapng ? ".pcapng" : ".pcap",
    };

    private sealed class TraceFlow(FlowKey key, FiveTuple first, string label, string name, CaptureTimestamp firstTime, long firstFrame)
    {
        public FlowKey Key { get; } = key;

        public FiveTuple First { get; } = first;

        public string Label { get; } = label;

        public string Name { get; } = name;

        public CaptureTimestamp FirstTime { get; } = firstTime;

        /// <summary>The frame of its first segment.</summary>
        public long FirstFrame { get; } = firstFrame;

        public CaptureTimestamp Last { get; set; } = firstTime;

        public List<long> Frames { get; } = [];

        public long Dropped { get; set; }

        public FlowFile? File { get; init; }

        public FlowCaptureFormat Format { get; init; }

        public bool FinForward { get; set; }

        public bool FinBackward { get; set; }
    }

    /// <summary>
    /// Frames as pieces of a document, rendered by one shared writer: PyPCAPKit's dumpers write a trace file as one
    /// object whose members are <c>Frame N</c>; the opening, the separators and the closing are written here, so no
    /// writer is held per flow.
    /// </summary>
    private sealed class FrameFragments : IDisposable
    {
        private readonly OutputFormat _format;
        private readonly MemoryStream _buffer = new();
        private readonly DocumentWriter _writer;
        private readonly StreamWriter? _text;
        private readonly DocumentFieldVisitor _fields;

        public FrameFragments(OutputFormat format)
        {
            _format = format;
            if (format == OutputFormat.Json)
            {
                _writer = new JsonDocumentWriter(_buffer, indented: false, leaveOpen: true);
            }
            else
            {
                _text = new StreamWriter(_buffer, new UTF8Encoding(false), 4096, leaveOpen: true);
                _writer = format == OutputFormat.Plist ? new PlistDocumentWriter(_text, leaveOpen: true, fragments: true) : new TreeDocumentWriter(_text, leaveOpen: true);
            }

            _fields = new DocumentFieldVisitor(_writer);
            Header = format switch
            {
                OutputFormat.Json => "{"u8.ToArray(),
                OutputFormat.Plist => Encoding.UTF8.GetBytes(PlistDocumentWriter.Header + "<dict>\n"),
                _ => [],
            };
            Footer = format switch
            {
                OutputFormat.Json => "}\n"u8.ToArray(),
                OutputFormat.Plist => "</dict>\n</plist>\n"u8.ToArray(),
                _ => [],
            };
        }

        public byte[] Header { get; }

        public byte[] Footer { get; }

        /// <summary>The frame as the next member of its flow's document (valid until the next call).</summary>
        public ReadOnlySpan<byte> Render(in ExtractedFrame frame, bool first)
        {
            _buffer.SetLength(0);
            switch (_format)
            {
                case OutputFormat.Json:
                    Span<byte> digits = stackalloc byte[24];
                    frame.Number.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
                    _buffer.Write(first ? "\"Frame "u8 : ",\"Frame "u8);
                    _buffer.Write(digits[..length]);
                    _buffer.Write("\":"u8);
                    ((JsonDocumentWriter)_writer).Reset(_buffer);
                    FrameDocument.WriteFrame(_writer, frame, _fields);
                    _writer.Flush();
                    break;
                case OutputFormat.Plist:
                    _text!.Write("<key>Frame ");
                    _text.Write(frame.Number);
                    _text.Write("</key>\n");
                    ((TextDocumentWriter)_writer).Reset(_text);
                    FrameDocument.WriteFrame(_writer, frame, _fields);
                    _text.Flush();
                    break;
                default:
                    if (!first)
                    {
                        // A blank line between the frames' trees.
                        _text!.Write('\n');
                    }

                    ((TextDocumentWriter)_writer).Reset(_text!);
                    FrameDocument.WriteFrame(_writer, frame, _fields);
                    _text!.Flush();
                    break;
            }

            return _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);
        }

        public void Dispose()
        {
            _writer.Dispose();
            _text?.Dispose();
            _buffer.Dispose();
        }
    }
}

/// <summary>How <see cref="TcpTrace"/> traces TCP flows (PyPCAPKit's <c>trace_fout</c>, <c>trace_format</c>).</summary>
public sealed class TcpTraceOptions
{
    /// <summary>The folder the flow files go in.</summary>
    public string OutputDirectory { get; init; } = "trace";

    /// <summary>pcap (the records, byte for byte), or a JSON, tree or plist document of the dissected frames.</summary>
    public OutputFormat Format { get; init; } = OutputFormat.Pcap;

    /// <summary>Both directions of a connection in one flow; PyPCAPKit 1.x traces each direction on its own (false).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>The most flow files open at once; older ones are closed and reopened to append when needed.</summary>
    public int MaxOpenFiles { get; init; } = 256;

    /// <summary>The most bytes buffered over all flows before the least recently written go to their files.</summary>
    public long MaxBufferedBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Threads that create, write, close and rename the trace files (2; each file is one thread's).</summary>
    public int WriterThreads { get; init; } = 2;
}

/// <summary>One traced flow (PyPCAPKit's trace record: its file, label and frame indexes).</summary>
/// <param name="File">Its file name in the output folder.</param>
/// <param name="Label">PyPCAPKit's label: <c>{src}_{sport}-{dst}_{dport}-{timestamp}</c>.</param>
/// <param name="First">The 5-tuple of its first segment.</param>
/// <param name="FirstTime">The first segment's time.</param>
/// <param name="LastTime">The last segment's time.</param>
/// <param name="Frames">The numbers of its frames, in order (1 is the capture's first).</param>
/// <param name="ClosedBy">Why it ended: <c>fin</c>, <c>rst</c>, <c>syn</c> (a new connection) or <c>end of capture</c>.</param>
/// <param name="Dropped">Segments not written: times beyond pcap's 32-bit seconds in a pcap file.</param>
public sealed record TcpTraceFlow(string File, string Label, FiveTuple First, CaptureTimestamp FirstTime, CaptureTimestamp LastTime, IReadOnlyList<long> Frames, string ClosedBy, long Dropped);

/// <summary>What a trace wrote.</summary>
/// <param name="Flows">Every flow: those a segment ended (a FIN, a RST, a new SYN), in frame order, then those open at the end of the capture, by their first segment.</param>
/// <param name="Segments">TCP segments written.</param>
public sealed record TcpTraceResult(IReadOnlyList<TcpTraceFlow> Flows, long Segments);
