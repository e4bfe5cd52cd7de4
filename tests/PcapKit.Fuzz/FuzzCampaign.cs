using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PcapKit.Capture;

namespace PcapKit.Fuzz;

/// <summary>A frame taken from a corpus capture, with what a pcap record needs.</summary>
/// <param name="Data">The frame's bytes.</param>
/// <param name="Timestamp">Its time.</param>
/// <param name="OriginalLength">Its length on the wire (more than the data when the capture cut it short).</param>
public sealed record SourceFrame(byte[] Data, CaptureTimestamp Timestamp, uint OriginalLength);

/// <summary>The frames of one capture that share a link type, in capture order.</summary>
/// <param name="Capture">The capture's name.</param>
/// <param name="LinkType">The link type.</param>
/// <param name="Frames">The frames.</param>
public sealed record FrameGroup(string Capture, int LinkType, IReadOnlyList<SourceFrame> Frames);

/// <summary>An input that broke the pipeline: the exception or the broken bound, and the input to reproduce it.</summary>
/// <param name="Kind">"frames" or "file".</param>
/// <param name="Iteration">The batch or file number in the campaign.</param>
/// <param name="Source">The corpus capture it came from.</param>
/// <param name="Mutations">What was done to it.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="Input">The capture file that reproduces it.</param>
public sealed record FuzzFinding(string Kind, long Iteration, string Source, string Mutations, string Error, byte[] Input, int Threads);

/// <summary>What a campaign did.</summary>
public sealed class FuzzReport
{
    /// <summary>Frames mutated.</summary>
    public long FrameMutations { get; set; }

    /// <summary>Captures built from mutated frames and run.</summary>
    public long FrameBatches { get; set; }

    /// <summary>Whole files mutated and run.</summary>
    public long FileMutations { get; set; }

    /// <summary>Mutated files the reader rejected with the documented capture-format error.</summary>
    public long CaptureErrors { get; set; }

    /// <summary>The longest run.</summary>
    public TimeSpan SlowestRun { get; set; }

    /// <summary>The most one run allocated.</summary>
    public long MostAllocated { get; set; }

    /// <summary>The inputs that broke the pipeline.</summary>
    public List<FuzzFinding> Findings { get; } = [];

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant(
        $"{FrameMutations:N0} frame mutations in {FrameBatches:N0} captures, {FileMutations:N0} file mutations ({CaptureErrors:N0} rejected as damaged captures); slowest run {SlowestRun.TotalMilliseconds:N0} ms, most allocated {MostAllocated / 1048576.0:N1} MiB; {Findings.Count} findings");
}

/// <summary>
/// A seeded, deterministic fuzzing campaign over the corpus: frame mutations (captures of 64 consecutive corpus
/// frames, about half of them mutated, so reassembly and flow state see damaged traffic among good) and file
/// mutations (the structure of whole corpus captures), each run through <see cref="FuzzTarget"/> with a time bound.
/// </summary>
public sealed class FuzzCampaign
{
    private const int BatchSize = 64;
    private readonly List<(string Name, byte[] Bytes)> _files;
    private readonly List<FrameGroup> _groups;

    /// <summary>Loads every capture of a corpus folder and its frames.</summary>
    /// <param name="corpus">The folder (every file that reads as a capture is used).</param>
    public FuzzCampaign(string corpus)
    {
        _files = [];
        _groups = [];
        foreach (var path in Directory.EnumerateFiles(corpus).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 24 || !IsCaptureMagic(BitConverter.ToUInt32(bytes, 0)))
            {
                continue;
            }

            var name = Path.GetFileName(path);
            _files.Add((name, bytes));
            var byLink = new Dictionary<int, List<SourceFrame>>();
            try
            {
                using var reader = CaptureReader.Open(new MemoryStream(bytes), name);
                foreach (var record in reader)
                {
                    if (!byLink.TryGetValue(record.LinkType, out var frames))
                    {
                        byLink[record.LinkType] = frames = [];
                    }

                    frames.Add(new SourceFrame(record.Data.ToArray(), record.HasTimestamp ? record.Timestamp : default, record.OriginalLength));
                }
            }
            catch (InvalidDataException)
            {
                // A damaged corpus capture still gives the frames before the damage.
            }

            foreach (var (link, frames) in byLink)
            {
                if (link is >= 0 and <= 0xffff)
                {
                    _groups.Add(new FrameGroup(name, link, frames));
                }
            }
        }
    }

    /// <summary>The captures loaded.</summary>
    public int Files => _files.Count;

    /// <summary>The frames loaded.</summary>
    public int Frames => _groups.Sum(g => g.Frames.Count);

    /// <summary>The state bounds each run is held to.</summary>
    public FuzzBounds Bounds { get; init; } = new();

    /// <summary>The time one run may take before it counts as a hang.</summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Where the flow splitter writes (a tmpfs is fastest); a fresh folder under the temp folder when <see langword="null"/>.</summary>
    public string? ScratchFolder { get; init; }

    /// <summary>Runs <paramref name="frameMutations"/> frame mutations and <paramref name="fileMutations"/> file mutations.</summary>
    /// <param name="seed">The seed; the same seed and corpus give the same inputs.</param>
    /// <param name="frameMutations">Frames to mutate.</param>
    /// <param name="fileMutations">Files to mutate.</param>
    /// <param name="progress">Told the report now and then.</param>
    /// <returns>The report.</returns>
    public FuzzReport Run(int seed, long frameMutations, long fileMutations, Action<FuzzReport>? progress = null)
    {
        var report = new FuzzReport();
        var random = new Random(seed);
        var mutator = new Mutator(seed);
        var scratch = ScratchFolder ?? Path.Combine(Path.GetTempPath(), "pcapkit-fuzz-" + Environment.ProcessId);
        var lastProgress = Stopwatch.StartNew();
        while (report.FrameMutations < frameMutations && _groups.Count > 0)
        {
            var group = _groups[random.Next(_groups.Count)];
            var start = random.Next(group.Frames.Count);
            var batch = new List<SourceFrame>(BatchSize);
            var mutations = new List<string>();
            for (var i = 0; i < BatchSize && report.FrameMutations < frameMutations; i++)
            {
                var frame = group.Frames[(start + i) % group.Frames.Count];
                if (random.Next(2) == 0)
                {
                    var (data, applied) = mutator.MutateFrame(frame.Data, group.LinkType);
                    batch.Add(frame with { Data = data, OriginalLength = (uint)Math.Max(0L, data.Length + ((long)frame.OriginalLength - frame.Data.Length)) });
                    mutations.Add($"{i}:{string.Join('+', applied)}");
                    report.FrameMutations++;
                }
                else
                {
                    batch.Add(frame);
                }
            }

            report.FrameBatches++;
            var input = Pcap(group.LinkType, batch);
            if (!Execute(report, "frames", report.FrameBatches, group.Capture, string.Join(' ', mutations), input, report.FrameBatches % 16 == 0 ? scratch : null, Threads(report.FrameBatches)))
            {
                return report;
            }

            Progress();
        }

        while (report.FileMutations < fileMutations && _files.Count > 0)
        {
            var (name, bytes) = _files[random.Next(_files.Count)];
            var (input, applied) = mutator.MutateFile(bytes);
            report.FileMutations++;
            if (!Execute(report, "file", report.FileMutations, name, string.Join('+', applied), input, report.FileMutations % 4 == 0 ? scratch : null, Threads(report.FileMutations)))
            {
                return report;
            }

            Progress();
        }

        foreach (var folder in new[] { scratch, scratch + ".one" })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        return report;

        void Progress()
        {
            if (progress is not null && lastProgress.Elapsed > TimeSpan.FromSeconds(10))
            {
                progress(report);
                lastProgress.Restart();
            }
        }
    }

    /// <summary>A pcap file of <paramref name="frames"/>.</summary>
    /// <param name="linkType">The link type.</param>
    /// <param name="frames">The frames.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] Pcap(int linkType, IReadOnlyList<SourceFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        using var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, linkType, nanoseconds: true, leaveOpen: true))
        {
            foreach (var frame in frames)
            {
                writer.Write(frame.Timestamp, frame.Data, frame.OriginalLength);
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Every fourth input is extracted on two threads (dissection on a worker, the stateful stages in order), and
    /// every fourth other on three (IP and TCP reassembly on two shards, replayed in order).
    /// </summary>
    private static int Threads(long iteration) => (iteration % 4) switch { 2 => 2, 0 => 3, _ => 1 };

    /// <summary>Runs one input; false when it hung (the campaign stops: the run is still going in the background).</summary>
    private bool Execute(FuzzReport report, string kind, long iteration, string source, string mutations, byte[] input, string? flowFolder, int threads)
    {
        Empty(flowFolder);
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() => FuzzTarget.Run(input, Bounds, flowFolder, threads));
        string error;
        try
        {
            if (!run.Wait(RunTimeout))
            {
                error = $"no result after {RunTimeout.TotalSeconds:N0} s (a hang)";
                report.Findings.Add(new FuzzFinding(kind, iteration, source, mutations, error, input, threads));
                return false;
            }

            var outcome = run.Result;
            report.MostAllocated = Math.Max(report.MostAllocated, outcome.AllocatedBytes);
            if (threads > 1)
            {
                // Differential: the parallel run (sharded reassembly and splitting on three threads) makes what one thread makes.
                var oneFolder = flowFolder is null ? null : flowFolder + ".one";
                Empty(oneFolder);
                var one = FuzzTarget.Run(input, Bounds, oneFolder, threads: 1);
                if (one.Frames != outcome.Frames || one.CaptureError != outcome.CaptureError || one.Digest != outcome.Digest)
                {
                    error = $"{threads} threads made other results than one: {outcome.Frames} frames, digest {outcome.Digest:x16}, error {outcome.CaptureError} against {one.Frames}, {one.Digest:x16}, {one.CaptureError}";
                    report.Findings.Add(new FuzzFinding(kind, iteration, source, mutations, error, input, threads));
                }
            }

            if (outcome.CaptureError is not null)
            {
                report.CaptureErrors++;
            }
        }
        catch (AggregateException ex)
        {
            error = ex.InnerException!.ToString();
            report.Findings.Add(new FuzzFinding(kind, iteration, source, mutations, error, input, threads));
        }

        var elapsed = clock.Elapsed;
        if (elapsed > report.SlowestRun)
        {
            report.SlowestRun = elapsed;
        }

        return true;
    }

    /// <summary>Makes the splitter's folder empty (none: nothing).</summary>
    private static void Empty(string? folder)
    {
        if (folder is null)
        {
            return;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
    }

    private static bool IsCaptureMagic(uint magic) =>
        magic is 0xa1b2c3d4 or 0xd4c3b2a1 or 0xa1b23c4d or 0x4d3cb2a1 or 0xa1b2cd34 or 0x34cdb2a1 or 0x0a0d0d0a;
}
