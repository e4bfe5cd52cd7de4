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
            ("Extractor with IP and TCP reassembly, payload to a handler", () => Reassemble(path, new PayloadCounter(), mapped: true)));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Reassembled payload delivered at {rates[1] * counter.Bytes / Math.Max(1, counter.Records) / 1e6:F0} MB/s; reassembly costs {100 * (1 - (rates[1] / rates[0])):F0}% of the plain pass's rate"));
        return 0;
    }

    private static long Plain(string path)
    {
        using var extractor = new Extractor(new ExtractionOptions { InputPath = path, Registry = Registry, NoFile = true });
        while (extractor.TryExtractNext(out _))
        {
        }

        return extractor.FramesRead;
    }

    private static long Reassemble(string path, PayloadCounter counter, bool mapped)
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
        });
        while (extractor.TryExtractNext(out _))
        {
        }

        extractor.Complete();
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
