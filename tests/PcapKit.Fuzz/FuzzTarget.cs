using System;
using System.IO;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.Output;
using PcapKit.Protocols;
using PcapKit.Reassembly;

namespace PcapKit.Fuzz;

/// <summary>The state bounds a fuzzed run is held to: small, so a run that ignores them shows.</summary>
public sealed class FuzzBounds
{
    /// <summary>IP reassembly: bytes of fragments held.</summary>
    public long IpBufferedBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>TCP reassembly: bytes of out-of-order segments held over all streams.</summary>
    public long TcpBufferedBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Flows the one-pass collector holds.</summary>
    public int Flows { get; init; } = 4096;

    /// <summary>Bytes a run may allocate beyond <see cref="AllocationPerInputByte"/> times its input (the JSON text, state up to the bounds above).</summary>
    public long AllocationBase { get; init; } = 96L * 1024 * 1024;

    /// <summary>Bytes a run may allocate per byte of input.</summary>
    public long AllocationPerInputByte { get; init; } = 400;
}

/// <summary>How a fuzzed run ended.</summary>
/// <param name="Frames">Frames extracted.</param>
/// <param name="CaptureError">The capture-format error that ended it (the one exception the pipeline documents), or <see langword="null"/>.</param>
/// <param name="AllocatedBytes">Bytes the run allocated.</param>
public sealed record FuzzOutcome(long Frames, string? CaptureError, long AllocatedBytes);

/// <summary>
/// Runs one capture through everything that reads it: reader → dissection (heuristics and checksum verification
/// on) → IP reassembly → TCP reassembly → HTTP/1, HTTP/2 and FTP on the streams → PyPCAPKit's trace, the one-pass
/// flow collector, <c>pcapkit fields</c> extraction and (optionally) the pkt2flow splitter → JSON. Anything thrown other than the capture-format
/// <see cref="InvalidDataException"/> escapes: that is a crash.
/// </summary>
public static class FuzzTarget
{
    private static readonly DissectorRegistry Registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();

    /// <summary>Runs <paramref name="capture"/>.</summary>
    /// <param name="capture">The capture file's bytes.</param>
    /// <param name="bounds">The state bounds.</param>
    /// <param name="flowFolder">Where the flow splitter writes (emptied by the caller), or <see langword="null"/> to leave it out.</param>
    /// <param name="threads">The extractor's threads: with 2, the frames are dissected on a worker and taken through the stateful stages in order on this thread.</param>
    /// <returns>How it ended.</returns>
    /// <exception cref="FuzzBoundException">The run allocated more than the bounds allow (on this thread).</exception>
    public static FuzzOutcome Run(byte[] capture, FuzzBounds bounds, string? flowFolder, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(bounds);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        using var input = new MemoryStream(capture, writable: false);
        using var splitter = flowFolder is null ? null : new FlowSplitter(new FlowSplitterOptions
        {
            OutputDirectory = flowFolder,
            Udp = true,
            TcpWithoutSyn = true,
            Others = true,
            CloseOnFinOrReset = true,
            IdleTimeout = TimeSpan.FromSeconds(30),
            MaxOpenFiles = 8,
            MaxBufferedBytes = 1024 * 1024,
        });
        var handler = new HttpStreamParser(_ => { }, new Http2StreamParser(_ => { }, new FtpDataTracker(_ => { })));
        string? error = null;
        long frames = 0;
        try
        {
            // The reader reads the file header when the extractor is made: a damaged header throws there.
            using var extractor = new Extractor(new ExtractionOptions
            {
                InputStream = input,
                InputPath = "fuzzed.pcap",
                OutputStream = Stream.Null,
                Format = OutputFormat.Json,
                Registry = Registry,
                VerifyChecksums = true,
                ReassembleIp = true,
                ReassembleTcp = true,
                IpReassembly = new IpReassemblyOptions { MaxBufferedBytes = bounds.IpBufferedBytes, MaxDatagrams = 256 },
                TcpReassembly = new TcpReassemblyOptions { MaxBufferedBytes = bounds.TcpBufferedBytes, MaxBufferedBytesPerDirection = 256 * 1024, MaxStreams = bounds.Flows },
                TcpStreamHandler = handler,
                Flows = new FlowCollectorOptions { MaxFlows = bounds.Flows, MaxFramesPerFlow = 64, MaxPayloadPerDirection = 64 * 1024 },
                FlowEnded = _ => { },
                Consumers = splitter is null ? [new FieldsConsumer(Registry)] : [new FieldsConsumer(Registry), splitter],
                Threads = threads,
            });
            try
            {
                extractor.Run();
            }
            finally
            {
                frames = extractor.FramesRead;
            }
        }
        catch (InvalidDataException ex) when (CaptureError.TryGetCaptureError(ex, out _))
        {
            error = ex.Message;
        }

        splitter?.Finish();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var allowed = bounds.AllocationBase + (bounds.AllocationPerInputByte * capture.Length);
        if (allocated > allowed)
        {
            throw new FuzzBoundException($"allocated {allocated:N0} bytes for a {capture.Length:N0}-byte capture (bound {allowed:N0})");
        }

        return new FuzzOutcome(frames, error, allocated);
    }
}

/// <summary>
/// <c>pcapkit fields</c> on every frame: the fields that follow state across frames (times, connection numbers,
/// relative sequence numbers) and a few of every layer, extracted and discarded.
/// </summary>
internal sealed class FieldsConsumer(DissectorRegistry registry) : IFrameConsumer
{
    private readonly FieldExtractor _fields = new(registry,
        ["frame.number", "frame.time_relative", "frame.time_delta", "frame.protocols", "tcp.stream", "tcp.seq", "tcp.ack", "tcp.nxtseq",
            "ip.src", "ipv6.dst", "tcp.flags", "tcp.len", "udp.dstport", "icmp.type", "dns.qry.name", "http.request.uri"]);

    public void Consume(in ExtractedFrame frame) => _fields.Extract(frame.Record, frame.Frame);

    public void Complete()
    {
    }
}

/// <summary>A run broke a rule that is not an exception of its own: too much memory, too much time.</summary>
/// <param name="message">What was broken.</param>
public sealed class FuzzBoundException(string message) : Exception(message);
