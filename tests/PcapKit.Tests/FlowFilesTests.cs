using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PcapKit.Capture;
using PcapKit.Flows;
using Xunit;

namespace PcapKit.Tests;

/// <summary>
/// The flow splitter's output side: a flow gone quiet before its file exists has the file created during the run, once
/// (a flow with a file keeps gathering its records); a flow whose buffer filled starts its next buffer as large.
/// </summary>
public sealed class FlowFilesTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-flowfiles-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AQuietFlowWithoutAFile_GoesToDiskDuringTheRun_OnlyOnce()
    {
        // One writer, batches of one operation: an operation handed over is performed in order, soon.
        using var files = new FlowFiles(maxOpenFiles: 4, flowBuffer: 4096, budget: 1 << 20, writers: 1, batchOperations: 1, quiet: Second);
        var a = new FlowFile(_folder, "a.pcap");
        var b = new FlowFile(_folder, "b.pcap");
        files.Append(a, "AAAA"u8, default);
        a.LastTime = 0;
        files.Append(b, "BBBB"u8, default);
        b.LastTime = Second / 2;

        // At 1.2 s, a has been quiet for longer than a second, b not.
        files.FlushQuiet(Second * 12 / 10);
        Assert.Equal(4, WaitForFile(a.PartialPath, 4));
        Assert.False(File.Exists(b.PartialPath));

        // a speaks again; at 10 s both are quiet, but a has its file: only b goes to disk, a keeps its 2 bytes buffered
        // (what was handed to the writer is counted when handed).
        files.Append(a, "aa"u8, default);
        a.LastTime = 2 * Second;
        files.FlushQuiet(10 * Second);
        Assert.Equal(4, WaitForFile(b.PartialPath, 4));
        Assert.Equal(4, a.Length);
        Assert.Equal(2, a.Buffered);

        files.Complete(a);
        files.Complete(b);
        files.Stop();
        Assert.Equal("AAAAaa", File.ReadAllText(a.FinalPath));
        Assert.Equal("BBBB", File.ReadAllText(b.FinalPath));
        Assert.Empty(Directory.GetFiles(_folder, "*" + FlowFile.PartialSuffix));
    }

    [SkippableFact]
    public void OpenDescriptors_StayWithinTheBound_AndNoneIsLeftOnceStopped()
    {
        // 50 flows' files, at most 4 open at once over two writers; each writer also holds the output folder open (its
        // files are opened and renamed by their names in it). Counted from /proc/self/fd: only descriptors of this
        // test's folder, as other tests run alongside.
        Skip.IfNot(FlowFileSystem.Native, "the process's descriptors are read from /proc/self/fd, and the folder descriptors are the system calls' (Linux on x64 or arm64)");
        // The folder as the descriptors name it (a temporary folder's path may go through a link): a marker's.
        string folder;
        using (var marker = File.Create(Path.Combine(_folder, "marker")))
        {
            folder = Path.GetDirectoryName(new FileInfo("/proc/self/fd/" + marker.SafeFileHandle.DangerousGetHandle()).LinkTarget)!;
        }

        var flows = Enumerable.Range(0, 50).Select(i => new FlowFile(_folder, $"cat/f{i}.pcap")).ToArray();
        using (var files = new FlowFiles(maxOpenFiles: 4, flowBuffer: 4096, budget: 1 << 20, writers: 2, batchOperations: 1, quiet: Second))
        {
            foreach (var flow in flows)
            {
                files.Append(flow, "data"u8, default);
            }

            // Every flow quiet: each goes to its file now.
            files.FlushQuiet(2 * Second);
            foreach (var flow in flows)
            {
                Assert.Equal(4, WaitForFile(flow.PartialPath, 4));
            }

            Assert.InRange(OpenIn(folder + "/"), 1, 4);
            Assert.Equal(2, Open(folder)); // each writer's output folder
            foreach (var flow in flows)
            {
                files.Complete(flow);
            }

            files.Stop();
            Assert.Equal(0, OpenIn(folder + "/"));
            Assert.Equal(0, Open(folder));
        }

        Assert.All(flows, flow => Assert.Equal("data", File.ReadAllText(flow.FinalPath)));
        Assert.Empty(Directory.GetFiles(_folder, "*" + FlowFile.PartialSuffix, SearchOption.AllDirectories));

        // Descriptors of files under a folder, and of the folder itself.
        static int OpenIn(string prefix) => Targets().Count(target => target.StartsWith(prefix, StringComparison.Ordinal));
        static int Open(string folder) => Targets().Count(target => target == folder);
        static string[] Targets() => Directory.GetFileSystemEntries("/proc/self/fd").Select(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget ?? string.Empty;
            }
            catch (IOException)
            {
                return string.Empty; // closed while counted
            }
        }).ToArray();
    }

    [Fact]
    public void AFlowWhoseBufferFilled_StartsItsNextAsLarge_AQuietOneDoesNot()
    {
        using var files = new FlowFiles(maxOpenFiles: 4, flowBuffer: 1024, budget: 1 << 20, writers: 1, batchOperations: 1, quiet: Second);
        var full = new FlowFile(_folder, "full.pcap");
        var quiet = new FlowFile(_folder, "quiet.pcap");
        // 100-byte records: the buffer grows 256 → 512 → 1,024; the 11th record does not fit, the 1,000 bytes go to disk,
        // and the next buffer is 1,024 bytes at once (it would start at 256 again).
        var record = new byte[100];
        for (var i = 0; i < 11; i++)
        {
            files.Append(full, record, default);
        }

        Assert.Equal(1000, full.Length);
        Assert.Equal(1024, full.Capacity);
        Assert.Equal(100, full.Buffered);
        Assert.Equal(1024, full.Buffer!.Length);

        files.Append(quiet, "q"u8, default);
        quiet.LastTime = 0;
        files.FlushQuiet(2 * Second);
        Assert.Equal(0, quiet.Capacity);
        files.Append(quiet, "q"u8, default);
        Assert.True(quiet.Buffer!.Length < 1024, $"a {quiet.Buffer.Length}-byte buffer for a flow of single bytes");

        files.Complete(full);
        files.Complete(quiet);
        files.Stop();
        Assert.Equal(1100, new FileInfo(full.FinalPath).Length);
        Assert.Equal("qq", File.ReadAllText(quiet.FinalPath));
    }

    [Fact]
    public void AnAbandonedRun_WritesWhatWasHandedOver_UnderTheTemporaryName()
    {
        // Disposed without Stop (a cancelled split): an operation waiting in a batch (32 by default) is still written,
        // as one handed over alone was before batches; nothing is renamed.
        var a = new FlowFile(_folder, "a.pcap");
        using (var files = new FlowFiles(maxOpenFiles: 4, flowBuffer: 4096, budget: 1 << 20, writers: 1, quiet: Second))
        {
            files.Append(a, "AAAA"u8, default);
            a.LastTime = 0;
            files.FlushQuiet(2 * Second);
            files.Append(a, "aa"u8, default); // still buffered: an abandoned run does not write it
        }

        Assert.Equal("AAAA", File.ReadAllText(a.PartialPath));
        Assert.False(File.Exists(a.FinalPath));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void RecordsOfABulkFlow_WrittenFromTheMappedInput_AreTheBytesACopyWrites(bool pcapngOutput)
    {
        Skip.IfNot(FlowFileSystem.Native, "pieces of a mapped input are written with Linux's system calls only");
        // Two flows taking records in turn (so their pieces of the input are not contiguous: the 256-piece limit is
        // reached) and a third taking 6 MiB in a row (with pcap output one growing piece: the 4 MiB limit), records of
        // 40–1,500 bytes.
        var input = Path.Combine(_folder, "input.pcap");
        var random = new Random(5);
        var data = new byte[1500];
        using (var writer = PcapWriter.Create(input, LinkTypes.Ethernet))
        {
            for (var i = 0; i < 10_000; i++)
            {
                random.NextBytes(data);
                var length = i % 7 == 3 ? 54 : random.Next(40, data.Length + 1);
                writer.Write(new CaptureTimestamp(1_700_000_000_000_000UL + (ulong)i, TimestampResolution.Microseconds), data.AsSpan(0, length), (uint)length);
            }
        }

        using var reader = CaptureReader.Open(input, new CaptureReaderOptions { ReadAhead = false });
        var lease = reader.LeaseMapping()!;
        var format = new FlowCaptureFormat(pcapngOutput, Nanoseconds: false, LinkTypes.Ethernet, 262_144);
        var copied = new[] { new FlowFile(_folder, "c0"), new FlowFile(_folder, "c1"), new FlowFile(_folder, "c2") };
        var mapped = new[] { new FlowFile(_folder, "m0"), new FlowFile(_folder, "m1"), new FlowFile(_folder, "m2") };
        long mostReferenced = 0;
        var mostPieces = 0;
        using (var copying = new FlowFiles(maxOpenFiles: 4, flowBuffer: 16_384, budget: 1 << 22, writers: 2))
        using (var mapping = new FlowFiles(maxOpenFiles: 4, flowBuffer: 16_384, budget: 1 << 22, writers: 2))
        {
            mapping.Attach(lease);
            for (var f = 0; f < 3; f++)
            {
                format.WriteHeader(copying, copied[f]);
                format.WriteHeader(mapping, mapped[f]);
            }

            var number = 0;
            while (reader.TryReadNext(out var record))
            {
                var f = number < 2_000 ? number % 2 : 2;
                number++;
                format.WriteRecord(copying, copied[f], record.Timestamp, record.Timestamp.SaturatedNanoseconds, record.Data, record.OriginalLength);
                format.WriteRecord(mapping, mapped[f], record.Timestamp, record.Timestamp.SaturatedNanoseconds, record.Data, record.OriginalLength);
                if (number < 4)
                {
                    // A flow's first 16 KiB are copied: only a flow that filled a buffer keeps pieces.
                    Assert.Null(mapped[f].Pieces);
                }

                mostReferenced = Math.Max(mostReferenced, mapped[f].Referenced);
                mostPieces = Math.Max(mostPieces, mapped[f].PieceCount);
            }

            for (var f = 0; f < 3; f++)
            {
                copying.Complete(copied[f]);
                mapping.Complete(mapped[f]);
            }

            copying.Stop();
            mapping.Stop();
        }

        lease.Release();
        Assert.InRange(mostPieces, 200, 256);
        if (!pcapngOutput)
        {
            // An Enhanced Packet Block's header and trailer are not the input's: each record is pieces of its own.
            Assert.InRange(mostReferenced, 3 << 20, 4 << 20);
        }

        for (var f = 0; f < 3; f++)
        {
            var expected = File.ReadAllBytes(copied[f].FinalPath);
            Assert.True(expected.Length > 512 << 10);
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(mapped[f].FinalPath)), "flow " + f);
        }
    }

    [SkippableFact]
    public async Task AFlowHoldingOnlyPieces_GetsABufferWithinATightBudget()
    {
        Skip.IfNot(FlowFileSystem.Native, "pieces of a mapped input are written with Linux's system calls only");
        // The smallest budget (four 1 KiB buffers: 4 KiB, which a flow's pieces alone take). After its first buffer, a
        // flow's long records (in place, with gaps between them) are pieces; when the pieces are full they go to the writer
        // with the buffer, and the next long records make pieces of a flow without a buffer. A short record that does not
        // continue them is then copied and needs a buffer: the flow's own pieces must not count against it (they did: it
        // waited for room forever).
        var input = Path.Combine(_folder, "tight.pcap");
        using (var writer = PcapWriter.Create(input, LinkTypes.Ethernet))
        {
            for (var i = 0; i < 620; i++)
            {
                var length = i < 8 ? 200 : i % 2 == 0 ? 600 : 50;
                writer.Write(new CaptureTimestamp(1_700_000_000_000_000UL + (ulong)i, TimestampResolution.Microseconds), new byte[length], (uint)length);
            }
        }

        var work = Task.Run(() =>
        {
            using var reader = CaptureReader.Open(input);
            var lease = reader.LeaseMapping()!;
            var format = new FlowCaptureFormat(false, Nanoseconds: false, LinkTypes.Ethernet, 262_144);
            var file = new FlowFile(_folder, "tight-out.pcap");
            var expected = new MemoryStream();
            using (var files = new FlowFiles(maxOpenFiles: 2, flowBuffer: 1024, budget: 4096, writers: 1))
            {
                files.Attach(lease);
                format.WriteHeader(files, file);
                var number = 0;
                while (reader.TryReadNext(out var record))
                {
                    // The first eight, the long ones up to 606 (each after a gap: 299 pieces), then the short 609 (after a gap).
                    var take = number < 8 || (number % 2 == 0 && number <= 606) || number == 609;
                    if (take)
                    {
                        format.WriteRecord(files, file, record.Timestamp, record.Timestamp.SaturatedNanoseconds, record.Data, record.OriginalLength);
                        expected.Write(record.Data);
                    }

                    number++;
                }

                files.Complete(file);
                files.Stop();
                Assert.True(files.MappedBytes > 0);
            }

            lease.Release();
            using var written = CaptureReader.Open(file.FinalPath);
            var read = new MemoryStream();
            while (written.TryReadNext(out var record))
            {
                read.Write(record.Data);
            }

            Assert.Equal(expected.ToArray(), read.ToArray());
        });

        // A TimeoutException when the flow waited for room it could not get.
        await work.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void FlowFilesWithALargestBufferNotAPowerOfTwo_WriteRecordsAroundIt()
    {
        // 3000 becomes 4096: a 3,500-byte record fits a pool buffer, a 5,000-byte one gets its own.
        var records = new[] { 100, 3500, 5000, 10, 4096 }.Select((n, i) => Enumerable.Repeat((byte)('a' + i), n).ToArray()).ToArray();
        var file = new FlowFile(_folder, "f.pcap");
        using (var files = new FlowFiles(maxOpenFiles: 2, flowBuffer: 3000, budget: 1 << 16, writers: 1))
        {
            foreach (var record in records)
            {
                files.Append(file, record, default);
            }

            files.Complete(file);
            files.Stop();
        }

        Assert.Equal(records.SelectMany(r => r).ToArray(), File.ReadAllBytes(file.FinalPath));
    }

    // Waits (up to 10 s) for the writer thread to have written at least `length` bytes to the file; returns its length.
    private static long WaitForFile(string path, long length)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (File.Exists(path) && new FileInfo(path).Length >= length)
            {
                return new FileInfo(path).Length;
            }

            Thread.Sleep(5);
        }

        return File.Exists(path) ? new FileInfo(path).Length : -1;
    }
}
