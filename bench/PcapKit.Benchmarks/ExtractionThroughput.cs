using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using PcapKit.Dissection;
using PcapKit.Extraction;
using PcapKit.Protocols;

namespace PcapKit.Benchmarks;

/// <summary>
/// The extraction pipeline on a large capture: streaming (dissect every layer, read the 5-tuple, keep nothing)
/// next to PacketDotNet doing the same work, and the JSON export next to <c>tshark -T json</c> on a slice (when
/// tshark is installed), all in the same run.
/// </summary>
internal static class ExtractionThroughput
{
    private static readonly DissectorRegistry Registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();

    public static int Run(string[] args)
    {
        var path = args.Length > 0 ? args[0] : "/tmp/pcapkit-bench-data/bulk.pcap";
        var slice = args.Length > 1 ? args[1] : Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-50k.pcap");
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"No capture at {path}. Record one with ../shared/tools/make-bench-captures.sh, or pass a path.");
            return 2;
        }

        var size = new FileInfo(path).Length;
        Console.WriteLine($"# {path}: {size / 1e6:F1} MB, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| extraction contender | records | records/s | MB/s | bytes allocated per record |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var output = Path.Combine(Path.GetTempPath(), "pcapkit-bench-extract.json");
        var rates = Throughput.MeasureInterleaved(size,
            ("PcapKit Extractor, streaming: every layer + 5-tuple, nothing kept", () => Stream(path)),
            ("PcapKit Dissector loop (no Extractor): every layer + 5-tuple", () => DissectorLoop(path)),
            ("SharpPcap + PacketDotNet: ParsePacket + 5-tuple", () => Throughput.DissectPacketDotNet(path)),
            ("PcapKit Extractor, JSON export to a file, 1 thread", () => ExportJson(path, output, threads: 1)),
            ("PcapKit Extractor, JSON export, output discarded, 1 thread", () => ExportJson(path, null, threads: 1)),
            ("PcapKit Extractor, JSON export to a file, 2 threads", () => ExportJson(path, output, threads: 2)),
            ("PcapKit Extractor, JSON export, output discarded, 2 threads", () => ExportJson(path, null, threads: 2)));
        Console.WriteLine();
        Console.WriteLine($"Streaming extraction vs PacketDotNet: {rates[0] / rates[2]:F2}×; JSON written: {new FileInfo(output).Length / 1e6:F0} MB");
        Console.WriteLine($"JSON export, 2 threads vs 1: {rates[5] / rates[3]:F2}× to a file, {rates[6] / rates[4]:F2}× discarded");
        File.Delete(output);

        if (File.Exists(slice))
        {
            CompareWithTshark(slice);
        }

        return 0;
    }

    private static long Stream(string path)
    {
        using var extractor = new Extractor(new ExtractionOptions { InputPath = path, Registry = Registry, NoFile = true });
        ulong hash = 0;
        while (extractor.TryExtractNext(out var frame))
        {
            if (frame.Frame.TryGetFiveTuple(out var tuple))
            {
                hash += (ulong)tuple.SourcePort ^ tuple.DestinationPort;
            }
        }

        return extractor.FramesRead + (long)(hash & 0);
    }

    private static long DissectorLoop(string path)
    {
        var dissector = new Dissector(Registry);
        var stack = new LayerStack();
        using var reader = Capture.CaptureReader.Open(path);
        ulong hash = 0;
        long count = 0;
        foreach (var record in reader)
        {
            dissector.Dissect(record, stack);
            if (new Frame(record.Data, stack, Registry).TryGetFiveTuple(out var tuple))
            {
                hash += (ulong)tuple.SourcePort ^ tuple.DestinationPort;
            }

            count++;
        }

        return count + (long)(hash & 0);
    }

    private static long ExportJson(string path, string? output, int threads = 1)
    {
        using var extractor = new Extractor(new ExtractionOptions
        {
            Threads = threads,
            InputPath = path,
            OutputPath = output,
            OutputStream = output is null ? System.IO.Stream.Null : null,
            Registry = Registry,
            Format = OutputFormat.Json,
        });
        return extractor.Run().Summary.Frames;
    }

    /// <summary>JSON export of the slice by PcapKit and by <c>tshark -T json</c> (a separate process: its start-up is included, as a user pays it).</summary>
    private static void CompareWithTshark(string slice)
    {
        var size = new FileInfo(slice).Length;
        Console.WriteLine();
        Console.WriteLine($"# JSON export of {slice} ({size / 1e6:F1} MB)");
        Console.WriteLine();
        Console.WriteLine("| JSON exporter | records | records/s | MB/s | bytes allocated per record |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        // tshark's JSON goes to a pipe this process reads and discards; PcapKit's goes to a discarding stream likewise.
        var ours = Throughput.MeasureInterleaved(size, ("PcapKit Extractor, JSON export, output discarded", () => ExportJson(slice, null)))[0];

        var watch = Stopwatch.StartNew();
        var start = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-n", "-r", slice, "-T", "json" })
        {
            start.ArgumentList.Add(a);
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"(tshark is not installed: {e.Message})");
            return;
        }

        long bytes = 0;
        var buffer = new char[1 << 16];
        int n;
        while ((n = process!.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
        {
            bytes += n;
        }

        process.WaitForExit();
        var seconds = watch.Elapsed.TotalSeconds;
        long records = 0;
        using (var reader = Capture.CaptureReader.Open(slice))
        {
            foreach (var _ in reader)
            {
                records++;
            }
        }

        var theirs = records / seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| tshark -T json (one run, its start-up included) | {records:N0} | {theirs:N0} | {size / seconds / 1e6:F1} | (another process) |"));
        Console.WriteLine();
        Console.WriteLine($"PcapKit JSON export vs tshark -T json: {ours / theirs:F0}×");
    }
}
