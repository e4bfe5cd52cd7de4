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
/// <param name="Digest">A hash of everything the run made: the JSON document, every TCP handler call (with the connection's number and counters), every IP reassembly report and every flow ended — equal for runs on any number of threads.</param>
public sealed record FuzzOutcome(long Frames, string? CaptureError, long AllocatedBytes, ulong Digest);

/// <summary>
/// Runs one capture through everything that reads it: reader → dissection (heuristics and checksum verification
/// on) → IP reassembly → TCP reassembly → HTTP/1, HTTP/2 and FTP on the streams → the one-pass flow collector,
/// <c>pcapkit fields</c> extraction and (optionally) the pkt2flow splitter and PyPCAPKit's trace → JSON. Anything thrown other than the capture-format
/// <see cref="InvalidDataException"/> escapes: that is a crash.
/// </summary>
public static class FuzzTarget
{
    private static readonly DissectorRegistry Registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();

    /// <summary>Runs <paramref name="capture"/>.</summary>
    /// <param name="capture">The capture file's bytes.</param>
    /// <param name="bounds">The state bounds.</param>
    /// <param name="flowFolder">Where the flow splitter writes (emptied by the caller), or <see langword="null"/> to leave it out.</param>
    /// <param name="threads">The extractor's threads: with 2, the frames are dissected on a worker and taken through the stateful stages in order on this thread; from 3 on, IP and TCP reassembly and the splitter run on shard threads too.</param>
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
        var digest = new Digest();
        var handler = new DigestingHandler(digest, new HttpStreamParser(_ => { }, new Http2StreamParser(_ => { }, new FtpDataTracker(_ => { }))));
        using var output = new DigestStream(digest);
        string? error = null;
        long frames = 0;
        TcpTraceResult? trace = null;
        try
        {
            // The reader reads the file header when the extractor is made: a damaged header throws there.
            using var extractor = new Extractor(new ExtractionOptions
            {
                InputStream = input,
                InputPath = "fuzzed.pcap",
                OutputStream = output,
                Format = OutputFormat.Json,
                Registry = Registry,
                VerifyChecksums = true,
                ReassembleIp = true,
                ReassembleTcp = true,
                IpReassembly = new IpReassemblyOptions { MaxBufferedBytes = bounds.IpBufferedBytes, MaxDatagrams = 256 },
                TcpReassembly = new TcpReassemblyOptions { MaxBufferedBytes = bounds.TcpBufferedBytes, MaxBufferedBytesPerDirection = 256 * 1024, MaxStreams = bounds.Flows, IdleTimeout = TimeSpan.FromSeconds(60) },
                TcpStreamHandler = handler,
                Flows = new FlowCollectorOptions { MaxFlows = bounds.Flows, MaxFramesPerFlow = 64, MaxPayloadPerDirection = 64 * 1024 },
                FlowEnded = f =>
                {
                    digest.Add(f.FirstFrame);
                    digest.Add(f.FrameCount);
                    digest.Add(f.PayloadBytes[0]);
                    digest.Add(f.PayloadBytes[1]);
                    digest.Add(f.Frames.Count > 0 ? f.Frames[^1].Number : -1);
                    digest.Add(f.EndedBy.Length);
                    digest.Add(f.Stream?.Index ?? -1);
                    digest.Add(f.Stream?.Delivered[0] ?? -1);
                },
                ReassemblyReport = r =>
                {
                    digest.Add((long)r.Kind);
                    digest.Add(r.Frame);
                    digest.Add(r.Frames.Count);
                },
                Consumers = splitter is null ? [new FieldsConsumer(Registry)] : [new FieldsConsumer(Registry), splitter],
                // With the splitter, PyPCAPKit's trace too (pcap files: sharded on three threads).
                Trace = flowFolder is null ? null : new TcpTraceOptions { OutputDirectory = Path.Combine(flowFolder, "trace"), Bidirectional = true, MaxOpenFiles = 8 },
                Threads = threads,
            });
            try
            {
                trace = extractor.Run().Trace;
            }
            catch (InvalidDataException)
            {
                // A damaged capture: Run completed the extraction before rethrowing; the trace's result is kept.
                trace = extractor.Complete().Trace;
                throw;
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

        var split = splitter?.Finish();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var allowed = bounds.AllocationBase + (bounds.AllocationPerInputByte * capture.Length);
        if (allocated > allowed)
        {
            throw new FuzzBoundException($"allocated {allocated:N0} bytes for a {capture.Length:N0}-byte capture (bound {allowed:N0})");
        }

        foreach (var flow in trace?.Flows ?? [])
        {
            // The trace's flows, in order, with their frames (sharded on three threads too).
            digest.Add(System.Text.Encoding.UTF8.GetBytes(flow.File + "," + flow.ClosedBy));
            foreach (var number in flow.Frames)
            {
                digest.Add(number);
            }
        }

        if (split is not null)
        {
            // The splitter's index and skipped counts (on three threads it splits on shards and merges them).
            foreach (var flow in split.Flows)
            {
                digest.Add(System.Text.Encoding.UTF8.GetBytes(flow.File + "," + flow.ClosedBy));
                digest.Add(flow.Packets);
                digest.Add(flow.Bytes);
            }

            foreach (var (reason, count) in split.Skipped)
            {
                digest.Add(System.Text.Encoding.UTF8.GetBytes(reason));
                digest.Add(count);
            }
        }

        return new FuzzOutcome(frames, error, allocated, digest.Value);
    }
}

/// <summary>FNV-1a over what a run makes, in the order it makes it.</summary>
internal sealed class Digest
{
    public ulong Value { get; private set; } = 14695981039346656037UL;

    public void Add(ReadOnlySpan<byte> bytes)
    {
        var hash = Value;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        Value = hash;
    }

    public void Add(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        Add(bytes);
    }
}

/// <summary>The output stream, hashed and dropped.</summary>
internal sealed class DigestStream(Digest digest) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => digest.Add(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => digest.Add(buffer);
}

/// <summary>Hashes every handler call, with the connection's number and counters as the handler sees them, then passes it on.</summary>
internal sealed class DigestingHandler(Digest digest, ITcpStreamHandler next) : ITcpStreamHandler
{
    public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
    {
        State(stream);
        digest.Add(direction);
        digest.Add(offset);
        digest.Add(frame);
        digest.Add(data);
        next.OnData(stream, direction, offset, data, frame);
    }

    public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
    {
        State(stream);
        digest.Add(offset);
        digest.Add(length);
        next.OnGap(stream, direction, offset, length, reason);
    }

    public void OnClose(TcpStream stream)
    {
        State(stream);
        digest.Add((stream.ClosedBy ?? "?").GetHashCode(StringComparison.Ordinal));
        next.OnClose(stream);
    }

    private void State(TcpStream s)
    {
        digest.Add(s.Index);
        digest.Add(s.FirstFrame);
        digest.Add(s.LastFrame);
        digest.Add(s.Delivered[0] + (s.Delivered[1] << 32));
        digest.Add(s.Missing[0] + (s.Missing[1] << 32));
        digest.Add(s.Conflicts + (s.OutOfWindow << 32));
        digest.Add(s.FinFrame[0] + (s.FinFrame[1] << 32));
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
