using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Extraction;
using PcapKit.Protocols;
using PcapKit.Reassembly;

namespace PcapKit.Benchmarks;

/// <summary>
/// One-pass extraction with IP and TCP reassembly on: frames/s and reassembled payload bytes/s next to the same pass
/// without reassembly, and the process's peak memory for a reassembling pass that reads the file through a stream (so
/// the file's pages are not counted as the process's memory).
/// </summary>
internal static class ReassemblyThroughput
{
    private static readonly DissectorRegistry Registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();

    public static int Run(string[] args)
    {
        var path = args.Length > 0 ? args[0] : "/tmp/pcapkit-bench-data/bulk.pcap";
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"No capture at {path}. Record one with ../shared/tools/make-bench-captures.sh, or pass a path.");
            return 2;
        }

        if (args.Length > 2 && args[1] == "--repeat")
        {
            return Repeated(path, int.Parse(args[2], CultureInfo.InvariantCulture));
        }

        if (args.Length > 1 && args[1] == "--collector")
        {
            return Collector(path);
        }

        var size = new FileInfo(path).Length;
        Console.WriteLine($"# {path}: {size / 1e6:F1} MB, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();

        // Peak memory first, before the other runs grow the heap: a streamed (not mapped) reassembling pass.
        var counter = new PayloadCounter();
        Reassemble(path, counter, mapped: false);
        using (var process = Process.GetCurrentProcess())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Peak working set of the process after a streamed pass with IP and TCP reassembly: {process.PeakWorkingSet64 / 1048576.0:F0} MiB ({counter.Streams:N0} streams, {counter.Bytes / 1e6:F0} MB of payload, {counter.Gaps:N0} gaps)"));
        }

        Console.WriteLine();
        Console.WriteLine("| contender | records | records/s | MB/s | bytes allocated per record |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var rates = Throughput.MeasureInterleaved(size,
            ("Extractor, streaming, no reassembly", () => Plain(path)),
            ("Extractor with IP and TCP reassembly, payload to a handler", () => Reassemble(path, new PayloadCounter(), mapped: true)),
            ($"the same, Threads = {Environment.ProcessorCount} (workers dissect, reassembly in order on the reading thread)", () => Reassemble(path, new PayloadCounter(), mapped: true, Environment.ProcessorCount, shards: 0)),
            ($"the same, Threads = {Environment.ProcessorCount}, StateShards = 2 (reassembly on two shard threads, replayed in order)", () => Reassemble(path, new PayloadCounter(), mapped: true, Environment.ProcessorCount, shards: 2)));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Reassembled payload delivered at {rates[1] * counter.Bytes / Math.Max(1, counter.Records) / 1e6:F0} MB/s; reassembly costs {100 * (1 - (rates[1] / rates[0])):F0}% of the plain pass's rate"));
        return 0;
    }

    /// <summary>
    /// Peak memory on a large file: the capture repeated <paramref name="times"/> times with shifted timestamps (its
    /// connections start over in each copy), written next to it, then one streamed pass with IP and TCP reassembly.
    /// </summary>
    private static int Repeated(string path, int times)
    {
        var big = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "pcapkit-repeated.pcap");
        // Read through a stream, not mapped: a mapped file's pages would count as the process's memory.
        var streamed = new CaptureReaderOptions { UseMemoryMap = false };
        long first = long.MaxValue, last = long.MinValue;
        using (var reader = CaptureReader.Open(path, streamed))
        {
            foreach (var record in reader)
            {
                first = Math.Min(first, record.Timestamp.TotalNanoseconds);
                last = Math.Max(last, record.Timestamp.TotalNanoseconds);
            }
        }

        var span = (ulong)(last - first) + 1_000_000_000UL;
        using (var writer = PcapWriter.Create(big, LinkTypes.Ethernet, nanoseconds: true))
        {
            for (var k = 0; k < times; k++)
            {
                using var reader = CaptureReader.Open(path, streamed);
                foreach (var record in reader)
                {
                    var shifted = new CaptureTimestamp((ulong)record.Timestamp.TotalNanoseconds + ((ulong)k * span), TimestampResolution.Nanoseconds);
                    writer.Write(shifted, record.Data, record.OriginalLength);
                }
            }
        }

        var size = new FileInfo(big).Length;
        var counter = new PayloadCounter();
        var watch = Stopwatch.StartNew();
        Reassemble(big, counter, mapped: false);
        var seconds = watch.Elapsed.TotalSeconds;
        using (var process = Process.GetCurrentProcess())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{big}: {size / 1e9:F2} GB, {counter.Records:N0} records ({times} × {Path.GetFileName(path)}): streamed pass with IP and TCP reassembly in {seconds:F1} s ({counter.Records / seconds:N0} records/s), {counter.Streams:N0} streams, {counter.Bytes / 1e9:F2} GB of payload, {counter.Gaps:N0} gaps; peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB"));
        }

        File.Delete(big);
        return 0;
    }

    /// <summary>
    /// The one-pass flow collector (every frame stored in its flow, payloads per direction, each flow handed over when it
    /// ends) on one thread, on two with the state on the reading thread, and on shards.
    /// </summary>
    private static int Collector(string path)
    {
        var size = new FileInfo(path).Length;
        Console.WriteLine($"# {path}: {size / 1e6:F1} MB, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| contender | records | records/s | MB/s | bytes allocated per record |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Throughput.MeasureInterleaved(size,
            ("Extractor with the flow collector (IP and TCP reassembly), one thread", () => Collect(path, threads: 1, shards: null)),
            ("the same, Threads = 2 (workers dissect, the collector on the reading thread)", () => Collect(path, threads: 2, shards: 0)),
            ("the same, Threads = 2, StateShards = 2 (reassembly and the collector's parts on two shard threads)", () => Collect(path, threads: 2, shards: 2)),
            ("the same, Threads = 3, StateShards = 2", () => Collect(path, threads: 3, shards: 2)));
        return 0;
    }

    private static long Collect(string path, int threads, int? shards)
    {
        long flows = 0, bytes = 0;
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = path,
            Registry = Registry,
            NoFile = true,
            ReassembleIp = true,
            Flows = new Flows.FlowCollectorOptions { MaxPayloadPerDirection = 64 * 1024, MaxFramesPerFlow = 1000 },
            FlowEnded = flow => (flows, bytes) = (flows + 1, bytes + flow.GetPayload(0).Length + flow.GetPayload(1).Length),
            Threads = threads,
            StateShards = shards,
        });
        extractor.Run();
        return flows > 0 ? extractor.FramesRead : 0;
    }

    private static long Plain(string path)
    {
        using var extractor = new Extractor(new ExtractionOptions { InputPath = path, Registry = Registry, NoFile = true });
        while (extractor.TryExtractNext(out _))
        {
        }

        return extractor.FramesRead;
    }

    private static long Reassemble(string path, PayloadCounter counter, bool mapped, int threads = 1, int? shards = null)
    {
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = path,
            Registry = Registry,
            NoFile = true,
            ReassembleIp = true,
            ReassembleTcp = true,
            TcpStreamHandler = counter,
            ReaderOptions = new CaptureReaderOptions { UseMemoryMap = mapped },
            Threads = threads,
            StateShards = shards,
        });
        extractor.Run();
        counter.Records = extractor.FramesRead;
        return extractor.FramesRead;
    }

    private sealed class PayloadCounter : ITcpStreamHandler
    {
        public long Bytes { get; private set; }

        public long Gaps { get; private set; }

        public long Streams { get; private set; }

        public long Records { get; set; }

        public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame) => Bytes += data.Length;

        public void OnGap(TcpStream stream, int direction, long offset, long length, string reason) => Gaps++;

        public void OnClose(TcpStream stream) => Streams++;
    }
}
