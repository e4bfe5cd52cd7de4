using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using PcapKit.Dissection;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.Protocols;

namespace PcapKit.Benchmarks;

/// <summary>
/// Flow splitting of large captures into a folder on a tmpfs: PcapKit's <see cref="FlowSplitter"/> (pkt2flow's
/// <c>-u -v -x</c>: every IP packet written) in this process, next to <c>tcpflow -r FILE -o DIR</c> (a separate
/// process, its start-up included) on the same file in the same run: a warm-up round, then <see cref="Runs"/> rounds
/// each running every contender once in turn (a slow stretch of a shared machine then slows them alike), the best
/// round of each reported. The output folder is emptied before each run, outside the timed part. PcapKit runs on one
/// thread, on all cores (the workers dissect; the splitter takes the frames in order on the reading thread) and on all
/// cores with two shards (each shard splits the flows of its address pairs, with a file writer of its own); the
/// comparison with tcpflow takes PcapKit's best. After the rounds, each one-thread split is made again (untimed) and its
/// files are written again with nothing but the splitter's own file calls (<see cref="FileSystemFloor"/>, a warm-up and
/// the best of <see cref="Runs"/> runs): the time no splitter of these files with as many writer threads saves on this
/// machine (measured apart from the rounds, so the ratio to it is not protected from a slow stretch as the others are).
/// </summary>
internal static class FlowThroughput
{
    private const int Runs = 7;
    private static readonly DissectorRegistry Registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();

    public static int Run(string[] args)
    {
        var files = args.Length > 0 ? args : ["/tmp/pcapkit-bench-data/bulk.pcap", "/tmp/pcapkit-bench-data/small.pcap"];
        var folder = Directory.Exists("/dev/shm") ? "/dev/shm/pcapkit-bench-flows" : Path.Combine(Path.GetTempPath(), "pcapkit-bench-flows");
        Console.WriteLine($"# flow splitting into {folder}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| capture | contender | packets | flows (files) | best of " + Runs + " rounds, s | packets/s | MB/s |");
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
            var cores = Environment.ProcessorCount;
            // Every contender once per round, in turn, a warm-up round first: a slow stretch of a shared machine slows
            // every contender alike instead of the one that happened to run then, so the ratios hold.
            var contenders = new List<Contender>();
            foreach (var (threads, shards) in cores > 1 ? new (int, int)[] { (1, 0), (cores, 0), (cores, 2) } : [(1, 0)])
            {
                var how = shards > 0 ? $"{threads} thread(s), {shards} shards" : $"{threads} thread(s)";
                foreach (var all in new[] { true, false })
                {
                    var label = all ? $"PcapKit FlowSplitter (-u -v -x: every IP flow), {how}" : $"PcapKit FlowSplitter (-v: TCP flows, as tcpflow), {how}";
                    var contender = new Contender(label, all, threads, shards);
                    contender.Work = () => (contender.Packets, contender.Files) = Split(path, folder, all, threads, shards);
                    contenders.Add(contender);
                }
            }

            var tcpflow = new Contender("tcpflow -r FILE -o DIR", All: false, Threads: 1, Shards: 0, IsPcapKit: false) { Work = () => Tcpflow(path, folder) };
            contenders.Add(tcpflow);
            Interleave(folder, contenders);
            // tcpflow runs last in each round: the folder holds its files, counted outside its time (its report.xml left out).
            tcpflow.Files = double.IsNaN(tcpflow.Best) ? 0 : Directory.GetFiles(folder).Count(f => Path.GetFileName(f) != "report.xml");

            var packets = contenders[0].Packets;
            double everyFloor = double.NaN, tcpFloor = double.NaN;
            foreach (var c in contenders[..^1])
            {
                Print(name, c.Label, c.Packets, c.Files, c.Best, size);
                if (c.Threads == 1)
                {
                    // The floor of the files this split writes: the split made again (untimed), then its files rewritten.
                    Empty(folder);
                    _ = Split(path, folder, c.All, 1, 0);
                    var floor = Floor(name, path, folder, c.All ? "every flow's" : "the TCP flows'");
                    if (c.All)
                    {
                        everyFloor = floor;
                    }
                    else
                    {
                        tcpFloor = floor;
                    }
                }
            }

            var ours = Best(contenders, all: true);
            var tcp = Best(contenders, all: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | PcapKit's time / its files' file-system floor: every flow / TCP only | | | | {ours / everyFloor:F2}× / {tcp / tcpFloor:F2}× | |"));
            if (double.IsNaN(tcpflow.Best))
            {
                Console.WriteLine($"| {name} | tcpflow: not installed (apt-get install tcpflow) | | | | | |");
                continue;
            }

            Print(name, tcpflow.Label, packets, tcpflow.Files, tcpflow.Best, size);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | PcapKit vs tcpflow: every flow / TCP only | | | | {tcpflow.Best / ours:F2}× / {tcpflow.Best / tcp:F2}× | |"));
        }

        Empty(folder);
        return 0;
    }

    /// <summary>
    /// The split just made (its files in <paramref name="folder"/>) written again with the splitter's own file calls alone on as many
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
            $"| {name} | file-system floor: {which} {files.Length:N0} files written again with the splitter's own file calls alone on {threads} threads, no record read | | {files.Length:N0} | {floor:F3} | | |"));
        return floor;
    }

    private static void Print(string capture, string contender, long packets, long flows, double seconds, long size) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {capture} | {contender} | {packets:N0} | {flows:N0} | {seconds:F3} | {packets / seconds:N0} | {size / seconds / 1e6:F0} |"));

    /// <summary>A contender of the comparison: its work, and what its runs gave.</summary>
    private sealed record Contender(string Label, bool All, int Threads, int Shards, bool IsPcapKit = true)
    {
        public Action Work { get; set; } = () => { };

        public long Packets { get; set; }

        public long Files { get; set; }

        /// <summary>The best wall time of its runs after the warm-up; NaN when it cannot run (tcpflow not installed).</summary>
        public double Best { get; set; } = double.MaxValue;
    }

    /// <summary>A warm-up round and <see cref="Runs"/> rounds, each running every contender once, in turn.</summary>
    private static void Interleave(string folder, List<Contender> contenders)
    {
        for (var round = 0; round <= Runs; round++)
        {
            foreach (var c in contenders)
            {
                if (double.IsNaN(c.Best))
                {
                    continue;
                }

                Empty(folder);
                GC.Collect();
                var watch = Stopwatch.StartNew();
                try
                {
                    c.Work();
                }
                catch (Win32Exception)
                {
                    c.Best = double.NaN;
                    continue;
                }

                if (round > 0)
                {
                    c.Best = Math.Min(c.Best, watch.Elapsed.TotalSeconds);
                }
            }
        }
    }

    /// <summary>PcapKit's best time over its configurations, for every flow or for TCP alone.</summary>
    private static double Best(List<Contender> contenders, bool all)
    {
        var best = double.MaxValue;
        foreach (var c in contenders)
        {
            if (c.IsPcapKit && c.All == all)
            {
                best = Math.Min(best, c.Best);
            }
        }

        return best;
    }

    /// <summary>The best wall time of a warm-up and <see cref="Runs"/> runs; NaN when the work cannot run.</summary>
    private static double Best(string folder, Action work)
    {
        var only = new Contender(string.Empty, All: false, Threads: 1, Shards: 0, IsPcapKit: false) { Work = work };
        Interleave(folder, [only]);
        return only.Best;
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
