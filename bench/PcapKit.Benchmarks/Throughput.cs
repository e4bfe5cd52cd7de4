using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.MemoryMappedFiles;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Protocols;
using SharpPcap;
using SharpPcap.LibPcap;

namespace PcapKit.Benchmarks;

/// <summary>
/// Whole-file throughput: every record of one large capture through each contender in the same process, best of
/// three runs each. Prints records/s, MB/s, bytes allocated per record and the ratios.
/// </summary>
internal static class Throughput
{
    private const int Runs = 3;

    public static int Run(string[] args)
    {
        var path = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("PCAPKIT_BENCH_FILE") ?? "/tmp/pcapkit-bench-data/bulk.pcap";
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"No capture at {path}. Record one with ../shared/tools/make-bench-captures.sh, or pass a path.");
            return 2;
        }

        var size = new FileInfo(path).Length;
        Console.WriteLine($"# {path}: {size / 1e6:F1} MB, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| contender | records | records/s | MB/s | bytes allocated per record |");
        Console.WriteLine("|---|---:|---:|---:|---:|");

        var floor = Measure("C-like loop over the mapped file (record headers only)", size, () => FloorLoop(path));
        var mapped = Measure("PcapKit CaptureReader, memory-mapped", size, () => ReadRecords(path, true));
        var streamed = Measure("PcapKit CaptureReader, FileStream", size, () => ReadRecords(path, false));
        var sharp = Measure("SharpPcap CaptureFileReaderDevice", size, () => SharpPcapRecords(path));
        Console.WriteLine();
        Console.WriteLine($"PcapKit (mapped) vs SharpPcap: {mapped / sharp:F2}×; vs the floor loop: {100 * mapped / floor:F0}% of its rate");
        Console.WriteLine();
        Console.WriteLine("| dissection contender | records | records/s | MB/s | bytes allocated per record |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var ours = Measure("PcapKit: read + dissect every layer + 5-tuple", size, () => DissectPcapKit(path));
        var theirs = Measure("SharpPcap + PacketDotNet: read + ParsePacket + 5-tuple", size, () => DissectPacketDotNet(path));
        Console.WriteLine();
        Console.WriteLine($"PcapKit dissection vs PacketDotNet: {ours / theirs:F2}×");
        return 0;
    }

    /// <summary>Runs <paramref name="work"/> (returning records) and prints the best of three; returns records/s.</summary>
    private static double Measure(string name, long size, Func<long> work)
    {
        work(); // warm-up: JIT tiers, page cache
        var best = double.MaxValue;
        long records = 0, allocated = 0;
        for (var i = 0; i < Runs; i++)
        {
            GC.Collect();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            records = work();
            var seconds = watch.Elapsed.TotalSeconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            best = Math.Min(best, seconds);
        }

        var rate = records / best;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {records:N0} | {rate:N0} | {size / best / 1e6:F0} | {(double)allocated / Math.Max(1, records):F1} |"));
        return rate;
    }

    private static unsafe long FloorLoop(string path)
    {
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        try
        {
            var length = new FileInfo(path).Length;
            long offset = 24, count = 0, bytes = 0;
            while (offset + 16 <= length)
            {
                var captured = *(uint*)(p + offset + 8);
                bytes += p[offset + 16];
                offset += 16 + captured;
                count++;
            }

            return count + (bytes & 0);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static long ReadRecords(string path, bool mapped)
    {
        using var reader = CaptureReader.Open(path, new CaptureReaderOptions { UseMemoryMap = mapped });
        long count = 0, bytes = 0;
        foreach (var record in reader)
        {
            count++;
            bytes += record.Data.Length > 0 ? record.Data[0] : 0;
        }

        return count + (bytes & 0);
    }

    private static long SharpPcapRecords(string path)
    {
        using var device = new CaptureFileReaderDevice(path);
        device.Open();
        long count = 0, bytes = 0;
        while (device.GetNextPacket(out var capture) == GetPacketStatus.PacketRead)
        {
            count++;
            var data = capture.Data;
            bytes += data.Length > 0 ? data[0] : 0;
        }

        return count + (bytes & 0);
    }

    private static long DissectPcapKit(string path)
    {
        var registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();
        var dissector = new Dissector(registry);
        var stack = default(LayerStack);
        using var reader = CaptureReader.Open(path);
        long count = 0;
        ulong hash = 0;
        foreach (var record in reader)
        {
            dissector.Dissect(record, ref stack);
            var frame = new Frame(record.Data, ref stack, registry);
            if (frame.TryGet(out Ipv4.View ip))
            {
                hash += ip.Source.Value ^ ip.Destination.Value ^ (ulong)ip.Protocol;
                if (frame.TryGet(out Tcp.View tcp))
                {
                    hash += (ulong)tcp.SourcePort << 16 | tcp.DestinationPort;
                }
                else if (frame.TryGet(out Udp.View udp))
                {
                    hash += (ulong)udp.SourcePort << 16 | udp.DestinationPort;
                }
            }

            count++;
        }

        return count + (long)(hash & 0);
    }

    private static long DissectPacketDotNet(string path)
    {
        using var device = new CaptureFileReaderDevice(path);
        device.Open();
        long count = 0;
        ulong hash = 0;
        while (device.GetNextPacket(out var capture) == GetPacketStatus.PacketRead)
        {
            var packet = capture.GetPacket().GetPacket();
            if (packet.Extract<global::PacketDotNet.IPv4Packet>() is { } ip)
            {
                hash += (ulong)ip.SourceAddress.GetHashCode() ^ (ulong)ip.DestinationAddress.GetHashCode() ^ (ulong)ip.Protocol;
                if (packet.Extract<global::PacketDotNet.TcpPacket>() is { } tcp)
                {
                    hash += (ulong)tcp.SourcePort << 16 | tcp.DestinationPort;
                }
                else if (packet.Extract<global::PacketDotNet.UdpPacket>() is { } udp)
                {
                    hash += (ulong)udp.SourcePort << 16 | udp.DestinationPort;
                }
            }

            count++;
        }

        return count + (long)(hash & 0);
    }
}
