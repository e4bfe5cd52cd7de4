using System;
using System.IO;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Protocols;

namespace PcapKit.Benchmarks;

/// <summary>
/// <c>application [file]</c>: what the application layer (DNS, mDNS, LLMNR, HTTP, SSDP) adds to the per-frame cost of
/// layers 2–4. Each contender reads and dissects every frame and hands every field of every layer to a visitor that
/// reads them (the application protocols decode their names and header lines there); the first stops after the
/// transport layer, the second dissects everything. Same process, same file, interleaved rounds.
/// </summary>
internal static class ApplicationThroughput
{
    public static int Run(string[] args)
    {
        var path = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("PCAPKIT_BENCH_FILE") ?? "/tmp/pcapkit-bench-data/small.pcap";
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"No capture at {path}. Record one with ../shared/tools/make-bench-captures.sh, or pass a path.");
            return 2;
        }

        var registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();
        var size = new FileInfo(path).Length;
        Console.WriteLine($"# {path}: {size / 1e6:F1} MB, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"# frames with an application layer: {CountApplication(path, registry):N0}");
        Console.WriteLine();
        Console.WriteLine("| contender | records | records/s | MB/s | bytes allocated per record |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var rates = Throughput.MeasureInterleaved(size,
            ("layers 2–4: read + dissect + visit every field", () => DissectAndVisit(path, registry, LayerKind.Transport)),
            ("all layers (DNS, HTTP, …): read + dissect + visit every field", () => DissectAndVisit(path, registry, null)));
        Console.WriteLine();
        Console.WriteLine($"The application layer adds {100 * ((rates[0] / rates[1]) - 1):F1}% to the per-frame cost of layers 2–4.");
        return 0;
    }

    private static long CountApplication(string path, DissectorRegistry registry)
    {
        var dissector = new Dissector(registry);
        var stack = new LayerStack();
        using var reader = CaptureReader.Open(path);
        long count = 0;
        foreach (var record in reader)
        {
            dissector.Dissect(record, stack);
            var frame = new Frame(record.Data, stack, registry);
            for (var i = 0; i < frame.LayerCount; i++)
            {
                if (frame.ProtocolAt(i).Layer == LayerKind.Application)
                {
                    count++;
                    break;
                }
            }
        }

        return count;
    }

    private static long DissectAndVisit(string path, DissectorRegistry registry, LayerKind? stopAfter)
    {
        var dissector = new Dissector(registry, new DissectorOptions { StopAfterLayer = stopAfter });
        var stack = new LayerStack();
        var visitor = new Reader();
        using var reader = CaptureReader.Open(path);
        long count = 0;
        foreach (var record in reader)
        {
            dissector.Dissect(record, stack);
            var frame = new Frame(record.Data, stack, registry);
            for (var i = 0; i < frame.LayerCount; i++)
            {
                frame.ProtocolAt(i).Accept(frame.LayerBytes(i), frame[i].ReportedLength, visitor);
            }

            count++;
        }

        return count + (long)(visitor.Sum & 0);
    }

    /// <summary>Reads every value and byte it is given (so nothing is optimised away); allocates nothing.</summary>
    private sealed class Reader : IFieldVisitor
    {
        public ulong Sum { get; private set; }

        public void Value(FieldDescriptor field, ulong value) => Sum += value;

        public void Bytes(FieldDescriptor field, scoped ReadOnlySpan<byte> value) => Sum += value.IsEmpty ? 0UL : value[^1];

        public void BeginList(FieldDescriptor field) => Sum++;

        public void EndList(FieldDescriptor field) => Sum++;

        public void BeginItem(FieldDescriptor item) => Sum++;

        public void EndItem(FieldDescriptor item) => Sum++;
    }
}
