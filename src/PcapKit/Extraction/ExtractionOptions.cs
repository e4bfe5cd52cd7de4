using System;
using System.Collections.Generic;
using System.IO;
using PcapKit.Capture;
using PcapKit.Dissection;

namespace PcapKit.Extraction;

/// <summary>Something that takes every frame of the extraction pass (the flow splitter, statistics).</summary>
public interface IFrameConsumer
{
    /// <summary>Takes one frame; it is valid only during the call.</summary>
    /// <param name="frame">The frame.</param>
    void Consume(in ExtractedFrame frame);

    /// <summary>Called once when the extraction completes (also after a corrupt capture ended it early).</summary>
    void Complete();
}

/// <summary>
/// A consumer whose state divides by IP address pair (the flow splitter, the TCP trace): in a parallel run with shards
/// (<see cref="ExtractionOptions.StateShards"/>) each shard's thread hands it the frames of the address pairs that hash
/// to that shard, on a part of its state of its own, instead of the reading thread handing it every frame; it merges
/// the parts, in the order one part would have made them, when it completes.
/// </summary>
internal interface IShardedFlowConsumer : IFrameConsumer
{
    /// <summary>Whether it can be sharded in a run with these options (a shard's frame carries no reassembly results).</summary>
    /// <param name="options">The run's options.</param>
    /// <returns>Whether the shards may take it.</returns>
    bool CanShare(ExtractionOptions options);

    /// <summary>Divides the state into <paramref name="count"/> parts, before the first frame.</summary>
    /// <param name="count">The shards.</param>
    void Share(int count);

    /// <summary>Takes one frame on the thread of its part's shard (frames in capture order, each part's alone).</summary>
    /// <param name="part">The shard.</param>
    /// <param name="frame">The frame, dissected, without reassembly results.</param>
    /// <param name="ip">Whether the frame has an IP layer (<see cref="Flows.FlowPacket.TryRead"/>).</param>
    /// <param name="packet">What flow tracking reads of it.</param>
    void Consume(int part, in ExtractedFrame frame, bool ip, in Flows.FlowPacket packet);
}

/// <summary>
/// A consumer that can keep a frame's record bytes past the call when they lie in a mapped input file (the flow splitter
/// hands them to its writer threads without copying them): the extractor gives it a lease on the mapping, before the
/// first frame, when it reads its input through one.
/// </summary>
internal interface IMappedInputConsumer : IFrameConsumer
{
    /// <summary>Takes a lease on the mapped input; the consumer releases it once it no longer needs the bytes.</summary>
    /// <param name="input">The lease.</param>
    void Attach(Capture.MappedInput input);
}

/// <summary>Decides whether a frame goes to the outputs and the stored frames.</summary>
/// <param name="frame">The frame, dissected.</param>
/// <returns>Whether it is selected.</returns>
public delegate bool FrameSelector(in ExtractedFrame frame);

/// <summary>Called for every frame as it is extracted (PyPCAPKit's <c>verbose</c> callback).</summary>
/// <param name="frame">The frame, dissected; valid only during the call.</param>
public delegate void FrameCallback(in ExtractedFrame frame);

/// <summary>
/// What to extract and where to, mirroring PyPCAPKit's <c>extract()</c>: <c>fin</c> → <see cref="InputPath"/> or
/// <see cref="InputStream"/>, <c>fout</c> → <see cref="OutputPath"/>, <c>format</c> → <see cref="Format"/>,
/// <c>files</c> → <see cref="Files"/>, <c>nofile</c> → <see cref="NoFile"/>, <c>store</c> → <see cref="Store"/>,
/// <c>verbose</c> → <see cref="Callback"/>, <c>engine</c> → <see cref="Engine"/>, <c>layer</c> →
/// <see cref="Layer"/>, <c>protocol</c> → <see cref="Protocol"/>.
/// </summary>
public sealed class ExtractionOptions
{
    /// <summary>The capture to read; <c>-</c> reads standard input. Ignored when <see cref="InputStream"/> is set.</summary>
    public string? InputPath { get; init; }

    /// <summary>A stream to read the capture from (need not be seekable).</summary>
    public Stream? InputStream { get; init; }

    /// <summary>Where the output goes: a file, or with <see cref="Files"/> a folder; <c>-</c> writes standard output.</summary>
    public string? OutputPath { get; init; }

    /// <summary>A stream to write the output to instead of <see cref="OutputPath"/> (not with <see cref="Files"/>); left open.</summary>
    public Stream? OutputStream { get; init; }

    /// <summary>The output format; <see cref="OutputFormat.None"/> (or <see cref="NoFile"/>) writes nothing.</summary>
    public OutputFormat Format { get; init; } = OutputFormat.Json;

    /// <summary>Write no output file, whatever <see cref="Format"/> says.</summary>
    public bool NoFile { get; init; }

    /// <summary>One output file per frame, in the folder <see cref="OutputPath"/> (<c>frame-000001.json</c>, …).</summary>
    public bool Files { get; init; }

    /// <summary>Keep every selected frame in <see cref="ExtractionResult.Frames"/> (a copy of its bytes and layers).</summary>
    public bool Store { get; init; }

    /// <summary>Called for every frame, selected or not.</summary>
    public FrameCallback? Callback { get; init; }

    /// <summary>Which frames go to the outputs and the stored frames; null selects all.</summary>
    public FrameSelector? Select { get; init; }

    /// <summary>The engine: null for the generated dissectors; <c>PcapKit.Engines.PacketDotNet</c> provides another.</summary>
    public ExtractionEngine? Engine { get; init; }

    /// <summary>
    /// The protocols to dissect with (<c>new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build()</c>);
    /// required unless an <see cref="Engine"/> dissects.
    /// </summary>
    public DissectorRegistry? Registry { get; init; }

    /// <summary>Stop dissecting after this layer; the rest of the frame is kept raw.</summary>
    public LayerKind? Layer { get; init; }

    /// <summary>Stop dissecting after this protocol (its identifier); the rest of the frame is kept raw.</summary>
    public string? Protocol { get; init; }

    /// <summary>Decode-as rules (<c>tcp.port==8080,http</c>).</summary>
    public IReadOnlyList<DecodeAsRule> DecodeAs { get; init; } = [];

    /// <summary>Offer payloads no dispatch key matched to the heuristic protocols (<see cref="DissectorOptions.Heuristics"/>); on by default.</summary>
    public bool Heuristics { get; init; } = true;

    /// <summary>Verify checksums while dissecting (shown in the outputs).</summary>
    public bool VerifyChecksums { get; init; }

    /// <summary>Indent JSON output.</summary>
    public bool Indented { get; init; }

    /// <summary>Consumers that see every frame of the pass (flow splitting, statistics), completed with the extractor.</summary>
    public IReadOnlyList<IFrameConsumer> Consumers { get; init; } = [];

    /// <summary>
    /// PyPCAPKit's TCP trace (<c>trace=True</c>, <c>trace_fout</c>, <c>trace_format</c>): every TCP flow to a file of its
    /// own in the same pass; the result's <see cref="ExtractionResult.Trace"/> lists each flow's file and frames.
    /// </summary>
    public Flows.TcpTraceOptions? Trace { get; init; }

    /// <summary>
    /// Reassemble fragmented IPv4 and IPv6 datagrams (PyPCAPKit's <c>reassembly=True</c> for ipv4/ipv6): the frame
    /// that completes one carries it (<see cref="ExtractedFrame.Datagram"/>) and its payload dissected from the
    /// transport header on (<see cref="ExtractedFrame.Reassembled"/>); the outputs show it under <c>reassembled</c>.
    /// </summary>
    public bool ReassembleIp { get; init; }

    /// <summary>The overlap policy and bounds of IP reassembly (defaults when null).</summary>
    public Reassembly.IpReassemblyOptions? IpReassembly { get; init; }

    /// <summary>
    /// Reassemble TCP streams (PyPCAPKit's <c>reassembly=True</c> for tcp): each segment's connection is on its frame
    /// (<see cref="ExtractedFrame.Stream"/>), <see cref="TcpStreamHandler"/> receives the bytes in order, gaps and
    /// closes, and the result lists the connections (<see cref="ExtractionResult.Streams"/>). Segments carried in IP
    /// fragments are taken from the reassembled datagram when <see cref="ReassembleIp"/> is on.
    /// </summary>
    public bool ReassembleTcp { get; init; }

    /// <summary>TCP reassembly's bounds and storage (defaults when null).</summary>
    public Reassembly.TcpReassemblyOptions? TcpReassembly { get; init; }

    /// <summary>Receives the reassembled TCP streams as they form.</summary>
    public Reassembly.ITcpStreamHandler? TcpStreamHandler { get; init; }

    /// <summary>Called for every reassembly report: conflicting overlaps, duplicates, timeouts, evictions, incomplete datagrams.</summary>
    public Action<Reassembly.ReassemblyReport>? ReassemblyReport { get; init; }

    /// <summary>
    /// The one-pass dataset workflow: every frame goes to its flow, and <see cref="FlowEnded"/> gets each flow when it
    /// ends — its frames as dissected in this pass and its payload per direction (the reassembled TCP stream; UDP and
    /// other datagrams' payloads). Turns TCP reassembly on.
    /// </summary>
    public Flows.FlowCollectorOptions? Flows { get; init; }

    /// <summary>
    /// Receives each flow of <see cref="Flows"/> when it ends (FIN/RST after a short linger, idle, evicted, end of
    /// capture), on the thread that runs the extraction, at the frame that ended it — with shards too, where the flows
    /// are filled on the shard threads (<see cref="StateShards"/>).
    /// </summary>
    public Action<Flows.CollectedFlow>? FlowEnded { get; init; }

    /// <summary>
    /// Options for the capture reader; null for the defaults — except that with a <see cref="Flows.FlowSplitter"/> among
    /// the <see cref="Consumers"/> the read-ahead only maps the file (<see cref="CaptureReaderOptions.ReadAheadIntoCache"/>
    /// false), its writer threads taking the cores. Options given are used as they are.
    /// </summary>
    public CaptureReaderOptions? ReaderOptions { get; init; }

    /// <summary>
    /// Makes a formatter that writes each selected frame in a format of the caller's (a line of fields) to the output
    /// instead of <see cref="Format"/>'s document; called once per thread that formats (once in all when the formatter
    /// says it <see cref="FrameFormatter.KeepsState"/>).
    /// </summary>
    public Func<FrameFormatter>? Formatter { get; init; }

    /// <summary>
    /// Threads that dissect frames in <see cref="Extractor.Run()"/> (1: all on the caller's thread; another engine
    /// always runs on one). The records are still read in order on the caller's thread, and everything the run makes
    /// is byte for byte the sequential run's. When nothing keeps state across frames and the output is compact JSON,
    /// a <see cref="Formatter"/> that keeps none, or nothing, the threads also select and format the frames;
    /// otherwise the caller's thread takes the dissected frames in order through reassembly (or, with
    /// <see cref="StateShards"/>, replays what the reassembly shards did), the trace, flows, the consumers, the
    /// callback, the selector, the output and the stored frames.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Shards of the IP and TCP reassembly state and of the flow state (the flow splitter's, the trace's and the
    /// <see cref="Flows"/> collector's) when <see cref="Threads"/> is above 1: each shard keeps the datagrams,
    /// connections and flows of the address pairs that hash to it, on a thread of its own; the reading thread replays
    /// what the reassembly shards did in frame order and hands over the flows the collector's parts ended at each frame,
    /// and the splitter and the trace merge their parts in the order one thread ends flows, so every result is the
    /// one-thread run's (README, "All cores"). 0: the reading thread keeps all the state itself. Null (the default):
    /// <c>Threads / 2</c> shards (at least 2) from three threads on, none below — on two cores the reading thread
    /// keeping the state measured faster (bench/README.md). Each shard holds its share of <see cref="IpReassembly"/>'s
    /// and <see cref="TcpReassembly"/>'s bounds, of the splitter's (open files, buffered bytes, held fragments) and of
    /// the collector's flows, so a run that reaches a bound may evict other entries than the one-thread run.
    /// </summary>
    public int? StateShards { get; init; }

    /// <summary>The shards a parallel run uses (see <see cref="StateShards"/>).</summary>
    internal int ShardCount => StateShards is { } shards ? Math.Max(0, shards) : Threads >= 3 ? Math.Max(2, Threads / 2) : 0;

    internal DissectorOptions ToDissectorOptions() => new()
    {
        VerifyChecksums = VerifyChecksums,
        StopAfterLayer = Layer,
        StopAfterProtocol = Protocol,
        DecodeAs = DecodeAs,
        Heuristics = Heuristics,
    };
}
