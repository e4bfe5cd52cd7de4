using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PcapKit.Capture;
using Xunit;

namespace PcapKit.Tests;

/// <summary>
/// The mapped reader with its read-ahead thread (<see cref="CaptureReaderOptions.ReadAhead"/>): the same records as
/// without it and as through a stream, on a file large enough to have one; a reader disposed halfway stops it; a
/// small file gets none.
/// </summary>
public sealed class MappedReadAheadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-readahead-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public void ALargeFile_ReadsTheSameWithAndWithoutReadAhead_AndThroughAStream()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the read-ahead thread is Linux's (madvise)");
        // ~30 MiB: records of varied lengths, so their headers fall anywhere in the pages and windows.
        var path = Write("large.pcap", records: 40_000, seed: 7);
        using var ahead = CaptureReader.Open(path, new CaptureReaderOptions { ReadAhead = true });
        using var plain = CaptureReader.Open(path, new CaptureReaderOptions { ReadAhead = false });
        using var stream = CaptureReader.Open(path, new CaptureReaderOptions { UseMemoryMap = false });
        using var mapsOnly = CaptureReader.Open(path, new CaptureReaderOptions { ReadAheadIntoCache = false });
        Assert.True(ahead.ReadsAhead);
        Assert.True(ahead.Mapped!.ReadsAheadIntoCache);
        Assert.False(plain.ReadsAhead);
        Assert.False(stream.ReadsAhead);
        Assert.True(mapsOnly.ReadsAhead);
        Assert.False(mapsOnly.Mapped!.ReadsAheadIntoCache);

        var (count, hash) = Digest(ahead);
        Assert.Equal(40_000, count);
        Assert.Equal((count, hash), Digest(plain));
        Assert.Equal((count, hash), Digest(stream));
        Assert.Equal((count, hash), Digest(mapsOnly));

        // Both helpers mapped the whole file (one the kernel refused would have stopped at once, the records read the same);
        // only the first read it into the cache.
        foreach (var reader in new[] { ahead.Mapped, mapsOnly.Mapped })
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (reader.AheadBytes < new FileInfo(path).Length && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }

            Assert.True(reader.AheadBytes >= new FileInfo(path).Length, $"mapped ahead {reader.AheadBytes} of {new FileInfo(path).Length} bytes");
        }

        Assert.Equal(ahead.Mapped.AheadBytes, ahead.Mapped.CachedBytes);
        Assert.Equal(0, mapsOnly.Mapped.CachedBytes);
    }

    [SkippableFact]
    public async Task AReaderDisposedHalfway_StopsItsHelper_AndTheFileReadsAgain()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the read-ahead thread is Linux's (madvise)");
        var path = Write("halfway.pcap", records: 40_000, seed: 11);
        // On another thread, with a deadline: a Dispose that does not wake the helper waits for it forever.
        var run = Task.Run(() =>
        {
            for (var round = 0; round < 3; round++)
            {
                using var reader = CaptureReader.Open(path);
                Assert.True(reader.ReadsAhead);
                for (var i = 0; i < 10_000 * (round + 1) && reader.TryReadNext(out _); i++)
                {
                }
            }
        });

        // A TimeoutException when disposing a reader read halfway did not return.
        await run.WaitAsync(TimeSpan.FromSeconds(60));

        using var again = CaptureReader.Open(path);
        Assert.Equal(40_000, Digest(again).Count);
    }

    [SkippableTheory]
    [InlineData(40_000)]
    [InlineData(100)]
    public void AReaderDisposedTwice_DoesNotThrow_AndALeaseKeepsTheMapping(int records)
    {
        // Dispose may be called again (an Extractor disposed twice disposes its reader twice): the second call must not
        // throw nor release the mapping's reference a second time, which would unmap bytes a lease still holds.
        Skip.IfNot(OperatingSystem.IsLinux(), "the process's mappings are read from /proc/self/maps");
        var path = Write($"twice-{records}.pcap", records, seed: 5);
        var reader = CaptureReader.Open(path);
        Assert.Equal(records > 1_000, reader.ReadsAhead); // with a helper thread and without
        Assert.True(reader.TryReadNext(out _));
        var lease = reader.LeaseMapping()!;
        reader.Dispose();
        reader.Dispose();
        Assert.True(IsMapped(path));
        lease.Release();
        Assert.False(IsMapped(path));
    }

    private static bool IsMapped(string path) => File.ReadAllText("/proc/self/maps").Contains(path, StringComparison.Ordinal);

    [Fact]
    public void ASmallFile_HasNoHelper()
    {
        var path = Write("small.pcap", records: 100, seed: 3);
        using var reader = CaptureReader.Open(path);
        Assert.False(reader.ReadsAhead);
        Assert.Equal(100, Digest(reader).Count);
    }

    private string Write(string name, int records, int seed)
    {
        var path = Path.Combine(_folder, name);
        var random = new Random(seed);
        var data = new byte[1500];
        using var file = File.Create(path);
        using var writer = new PcapWriter(file, LinkTypes.Ethernet);
        for (var i = 0; i < records; i++)
        {
            random.NextBytes(data);
            var length = random.Next(40, data.Length + 1);
            writer.Write(new CaptureTimestamp(1_700_000_000_000_000UL + (ulong)i, TimestampResolution.Microseconds), data.AsSpan(0, length), (uint)length + 4);
        }

        return path;
    }

    private static (long Count, ulong Hash) Digest(CaptureReader reader)
    {
        long count = 0;
        ulong hash = 14695981039346656037;
        while (reader.TryReadNext(out var record))
        {
            count++;
            hash = (hash ^ (ulong)record.Timestamp.SaturatedNanoseconds ^ record.OriginalLength) * 1099511628211;
            foreach (var b in record.Data)
            {
                hash = (hash ^ b) * 1099511628211;
            }
        }

        return (count, hash);
    }
}
