using System;
using System.IO;
using System.Linq;
using PcapKit.Fuzz;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Integration.Tests;

/// <summary>
/// The fuzzing harness (tests/PcapKit.Fuzz): a short seeded campaign over the corpus (the long one is a command in
/// the README), and every input it ever broke the pipeline with, as hex.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    /// <summary>Inputs that once broke the pipeline (minimized by the harness), with what they broke.</summary>
    public static TheoryData<string, string> Findings() => new()
    {
        {
            // TcpReassembler.Hold sliced a cut-short segment's payload past its end when the part to hold was only
            // bytes not captured (ArgumentOutOfRangeException); seed 1, file mutation 191 of zeek__tcp_retransmit-fast009.pcap.
            "tcp-hold-missing-only",
            FuzzFindings.TcpHoldMissingOnly
        },
        {
            // The generated UDP-Lite checksum verifier sliced the checksum field out of a coverage that stops before
            // it (ArgumentOutOfRangeException in Inet16.Compute); seed 1, a frame batch of libpcap__ipv6_ext_headers.pcap.
            "udplite-coverage-before-checksum",
            FuzzFindings.UdpLiteCoverageBeforeChecksum
        },
        {
            "udplite-coverage-four",
            FuzzFindings.UdpLiteCoverageFour
        },
        {
            // Three threads (IP and TCP reassembly on two shards) reported other timeouts than one: the reassembler
            // dropped datagrams from its oldest until one was not yet timed out, so with a clock that runs backwards
            // what a shard dropped depended on what else it held; each datagram now times out by its own first
            // fragment's time. Seed 31, frame batch 2680 of ppp__ipv4-options.pcap.
            "fragment-timeout-clock-backwards",
            FuzzFindings.FragmentTimeoutClockBackwards
        },
    };

    [SkippableFact]
    public void AShortCampaign_OfFrameAndFileMutations_BreaksNothing()
    {
        var campaign = new FuzzCampaign(Corpus.Require());
        var report = campaign.Run(seed: 20261204, frameMutations: 40_000, fileMutations: 2_000);
        output.WriteLine(report.ToString());
        Assert.Equal(40_000, report.FrameMutations);
        Assert.Equal(2_000, report.FileMutations);
        Assert.InRange(report.CaptureErrors, 1, report.FileMutations - 1);
        Assert.True(report.Findings.Count == 0, string.Join("\n\n", report.Findings.Take(3).Select(f => $"{f.Kind} {f.Iteration} from {f.Source} ({f.Mutations}): {f.Error}\n{Convert.ToHexStringLower(f.Input)}")));
    }

    [Theory]
    [MemberData(nameof(Findings))]
    public void EveryFinding_RunsThroughThePipeline(string name, string hex)
    {
        var capture = Convert.FromHexString(hex);
        var folder = Path.Combine(Path.GetTempPath(), "pcapkit-finding-" + name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var outcome = FuzzTarget.Run(capture, new FuzzBounds(), folder);
            Assert.True(outcome.Frames > 0 || outcome.CaptureError is not null);

            // And on two and three threads (the stateful stages on the reading thread; reassembly on two shards),
            // everything the run makes is the one-thread run's.
            var one = FuzzTarget.Run(capture, new FuzzBounds(), null, threads: 1);
            foreach (var threads in new[] { 2, 3 })
            {
                var many = FuzzTarget.Run(capture, new FuzzBounds(), null, threads);
                Assert.Equal((one.Frames, one.CaptureError, one.Digest), (many.Frames, many.CaptureError, many.Digest));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Mutations_AreDeterministic()
    {
        var frame = Convert.FromHexString("4500003c1c4640004006b1e6c0a80001c0a800c7c35a0050000000010000000050022000917c0000");
        var a = new Mutator(7);
        var b = new Mutator(7);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(a.MutateFrame(frame, 228).Frame, b.MutateFrame(frame, 228).Frame);
        }
    }

    [Fact]
    public void TheLayoutWalk_FindsEveryRecordLength_OfAPcap()
    {
        var frame = new byte[40];
        var pcap = FuzzCampaign.Pcap(228, [new SourceFrame(frame, default, 40), new SourceFrame(frame, default, 40)]);
        var layout = CaptureLayout.Of(pcap);
        Assert.Equal([24 + 8, 24 + 12, 24 + 16 + 40 + 8, 24 + 16 + 40 + 12], layout.LengthFields);
        Assert.True(layout.LittleEndian);
    }
}
