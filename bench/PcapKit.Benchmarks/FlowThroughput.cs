using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using PcapKit.Dissection;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.Protocols;

namespace PcapKit.Benchmarks;

/// <summary>
/// Flow splitting of large captures into a folder on a tmpfs: PcapKit's <see cref="FlowSplitter"/> (pkt2flow's
/// <c>-u -v -x</c>: every IP packet written) in this process, next to <c>tcpflow -r FILE -o DIR</c> (a separate
/// process, its start-up included) on the same file in the same run. The output folder is emptied before each run,
/// outside the timed part. PcapKit runs on one thread, on all cores (the workers dissect; the splitter takes the
/// frames in order on the reading thread) and on all cores with two shards (each shard splits the flows of its address
/// pairs, with a file writer of its own); the comparison with tcpflow takes PcapKit's best. After the one-thread split,
/// the same files are written again with nothing but the system calls (<see cref="FileSystemFloor"/>): the time no
/// splitter of these files with as many writer threads saves on this machine.
/// </summary>
internal static class FlowThroughput
{
    private const int Runs = 5;
    private static readonly DissectorRegistry Registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();

    public static int Run(string[] args)
    {
        var files = args.Length > 0 ? args : ["/tmp/pcapkit-bench-data/bulk.pcap", "/tmp/pcapkit-bench-data/small.pcap"];
        var folder = Directory.Exists("/dev/shm") ? "/dev/shm/pcapkit-bench-flows" : Path.Combine(Path.GetTempPath(), "pcapkit-bench-flows");
        Console.WriteLine($"# flow splitting into {folder}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| capture | contender | packets | flows (files) | best of " + Runs + " s | packets/s | MB/s |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var path in files)
        {
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"No capture at {path}. Record one with ../shared/tools/make-bench-captures.sh, or pass paths.");
                return 2;
            }

            var size = new FileInfo(path).Length;
            var name = Path.GetFileName(path);
            long packets = 0, flows = 0;
            var ours = double.MaxValue;
            double everyFloor = double.NaN, tcpFloor = double.NaN;
            var tcp = double.MaxValue;
            var cores = Environment.ProcessorCount;
            foreach (var (threads, shards) in cores > 1 ? new (int, int)[] { (1, 0), (cores, 0), (cores, 2) } : [(1, 0)])
            {
                var how = shards > 0 ? $"{threads} thread(s), {shards} shards" : $"{threads} thread(s)";
                var every = Best(folder, () => (packets, flows) = Split(path, folder, all: true, threads, shards));
                Print(name, $"PcapKit FlowSplitter (-u -v -x: every IP flow), {how}", packets, flows, every, size);
                if (threads == 1)
                {
                    everyFloor = Floor(name, path, folder, "every flow's");
                }

                var onlyTcp = Best(folder, () => (packets, flows) = Split(path, folder, all: false, threads, shards));
                Print(name, $"PcapKit FlowSplitter (-v: TCP flows, as tcpflow), {how}", packets, flows, onlyTcp, size);
                if (threads == 1)
                {
                    tcpFloor = Floor(name, path, folder, "the TCP flows'");
                }

                ours = Math.Min(ours, every);
                tcp = Math.Min(tcp, onlyTcp);
            }

            var theirs = Best(folder, () => Tcpflow(path, folder));
            if (double.IsNaN(theirs))
            {
                Console.WriteLine($"| {name} | tcpflow: not installed (apt-get install tcpflow) | | | | | |");
                continue;
            }

            Print(name, "tcpflow -r FILE -o DIR", packets, Directory.GetFiles(folder).Length, theirs, size);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | PcapKit vs tcpflow: every flow / TCP only | | | | {theirs / ours:F2}× / {theirs / tcp:F2}× | |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | PcapKit's time / its files' file-system floor: every flow / TCP only | | | | {ours / everyFloor:F2}× / {tcp / tcpFloor:F2}× | |"));
        }

        Empty(folder);
        return 0;
    }

    /// <summary>
    /// The split just made (its files in <paramref name="folder"/>) written again with bare system calls on as many
    /// threads as the splitter has writers (<see cref="FileSystemFloor"/>): the part of its time no splitter with as many
    /// writers avoids.
    /// NaN off Linux.
    /// </summary>
    private static double Floor(string name, string path, string folder, string which)
    {
        var files = FileSystemFloor.FilesOf(folder);
        var threads = new FlowSplitterOptions().WriterThreads;
        var floor = FileSystemFloor.Write(path, files, folder + "-floor", threads, write => Best(folder + "-floor", write));
        Empty(folder + "-floor");
        // No packets are read: the packets/s and MB/s columns stay empty.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | file-system floor: {which} {files.Length:N0} files written again with bare system calls on {threads} threads, no record read | | {files.Length:N0} | {floor:F3} | | |"));
        return floor;
    }

    private static void Print(string capture, string contender, long packets, long flows, double seconds, long size) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {capture} | {contender} | {packets:N0} | {flows:N0} | {seconds:F3} | {packets / seconds:N0} | {size / seconds / 1e6:F0} |"));

    /// <summary>The best wall time of a warm-up and <see cref="Runs"/> runs; NaN when the contender cannot run.</summary>
    private static double Best(string folder, Action work)
    {
        var best = double.MaxValue;
        for (var run = 0; run <= Runs; run++)
        {
            Empty(folder);
            GC.Collect();
            var watch = Stopwatch.StartNew();
            try
            {
                work();
            }
            catch (Win32Exception)
            {
                return double.NaN;
            }

            if (run > 0)
            {
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
        }

        return best;
    }

    private static (long Packets, long Flows) Split(string path, string folder, bool all, int threads, int shards)
    {
        using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = all, TcpWithoutSyn = true, Others = all });
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = path,
            NoFile = true,
            Registry = Registry,
            Layer = FlowSplitter.DeepestLayer,
            Consumers = [splitter],
            Threads = threads,
            StateShards = shards,
        });
        extractor.Run();
        var result = splitter.Finish();
        return (extractor.FramesRead, result.Flows.Count);
    }

    private static void Tcpflow(string path, string folder)
    {
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("tcpflow") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-r", path, "-o", folder })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tcpflow exited with {process.ExitCode}");
        }
    }

    private static void Empty(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
