using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Protocols;

namespace PcapKit.Benchmarks;

/// <summary>
/// What the dissector's generic loop costs over the protocols' own parsers, with the frames in memory (no reading):
/// <see cref="Dissector"/> down to the transport layer, against a loop that looks each next protocol up in the
/// registry and calls its descriptor without keeping layers, and against the Ethernet, IPv4/IPv6 and TCP/UDP
/// descriptors called directly by their types (no lookups; fewer layers: other protocols are skipped there, so compare
/// per layer). Every layer's result is read in the last two, and kept in the first.
/// </summary>
internal static class DissectorLoop
{
    private const int Runs = 9;
    private static long _sink;

    public static int Run(string[] args)
    {
        var path = args.Length > 0 ? args[0] : "/tmp/pcapkit-bench-data/small.pcap";
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"No capture at {path}. Record one with ../shared/tools/make-bench-captures.sh, or pass a path.");
            return 2;
        }

        var frames = new List<byte[]>();
        using (var reader = CaptureReader.Open(path))
        {
            foreach (var record in reader)
            {
                if (record.LinkType == 1)
                {
                    frames.Add(record.Data.ToArray());
                }
            }
        }

        var registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();
        var dissector = new Dissector(registry, new DissectorOptions { StopAfterLayer = LayerKind.Transport });
        var stack = new LayerStack();
        var contenders = new (string Name, Func<long> Work)[]
        {
            ("Dissector down to the transport layer (layers kept)", () => Descend(frames, dissector, stack)),
            ("registry lookups + descriptor calls (no layers kept)", () => Generic(frames, registry)),
            ("Ethernet, IPv4/IPv6, TCP/UDP descriptors called directly", () => Direct(frames)),
        };

        Console.WriteLine($"# {path}: {frames.Count:N0} Ethernet frames in memory, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| loop | layers per frame | ns per frame (best of " + Runs + ") |");
        Console.WriteLine("|---|---:|---:|");
        var best = new double[contenders.Length];
        var layers = new long[contenders.Length];
        Array.Fill(best, double.MaxValue);
        foreach (var (_, work) in contenders)
        {
            work(); // warm-up
        }

        for (var round = 0; round < Runs; round++)
        {
            for (var c = 0; c < contenders.Length; c++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                layers[c] = contenders[c].Work();
                best[c] = Math.Min(best[c], watch.Elapsed.TotalSeconds * 1e9 / frames.Count);
            }
        }

        for (var c = 0; c < contenders.Length; c++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {contenders[c].Name} | {(double)layers[c] / frames.Count:F2} | {best[c]:F1} |"));
        }

        return (int)(_sink & 0);
    }

    private static long Descend(List<byte[]> frames, Dissector dissector, LayerStack stack)
    {
        long layers = 0;
        foreach (var frame in frames)
        {
            dissector.Dissect(frame, 1, stack);
            layers += stack.Count;
        }

        return layers;
    }

    private static long Generic(List<byte[]> frames, DissectorRegistry registry)
    {
        long layers = 0;
        foreach (var frame in frames)
        {
            var span = frame.AsSpan();
            int table = 0, offset = 0, end = span.Length;
            ulong key = 1;
            var context = new DissectionContext { ReportedLength = span.Length };
            while (registry.TryLookup(table, key, out var protocol))
            {
                var descriptor = registry.GetProtocol(protocol);
                context.DispatchKey = key;
                descriptor.Dissect(span[offset..end], ref context, out var result);
                layers += Use(result);
                if (!result.Parse.IsOk || result.NextTable < 0 || descriptor.Layer >= LayerKind.Transport)
                {
                    break;
                }

                var length = Math.Clamp(result.Length, 0, end - offset);
                end = offset + length;
                offset += Math.Clamp(result.HeaderLength, 0, length);
                table = registry.GetTableId(protocol, result.NextTable);
                key = result.Key0;
            }
        }

        return layers;
    }

    private static long Direct(List<byte[]> frames)
    {
        var (ethernet, ipv4, ipv6, tcp, udp) = (Ethernet.Descriptor, Ipv4.Descriptor, Ipv6.Descriptor, Tcp.Descriptor, Udp.Descriptor);
        long layers = 0;
        foreach (var frame in frames)
        {
            var span = frame.AsSpan();
            var context = new DissectionContext { ReportedLength = span.Length };
            ethernet.Dissect(span, ref context, out var link);
            layers += Use(link);
            var offset = link.HeaderLength;
            LayerResult network;
            if (link.Key0 == 0x0800)
            {
                ipv4.Dissect(span[offset..], ref context, out network);
            }
            else if (link.Key0 == 0x86dd)
            {
                ipv6.Dissect(span[offset..], ref context, out network);
            }
            else
            {
                continue;
            }

            layers += Use(network);
            offset += network.HeaderLength;
            if (network.Key0 == 6)
            {
                tcp.Dissect(span[offset..], ref context, out var transport);
                layers += Use(transport);
            }
            else if (network.Key0 == 17)
            {
                udp.Dissect(span[offset..], ref context, out var transport);
                layers += Use(transport);
            }
        }

        return layers;
    }

    // Reads every field of a layer's result, so that no loop is spared computing it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Use(in LayerResult r)
    {
        _sink += r.Length + r.ReportedLength + r.HeaderLength + r.NextTable + r.KeyCount + (long)r.Key0 + (long)r.Key1 + (r.Truncated ? 1 : 0) + (r.PayloadIsQuoted ? 1 : 0) +
                 (r.PayloadIsFragment ? 1 : 0) + (r.Repeats ? 1 : 0) + (int)r.Checksum + (r.ChecksumVerified ? 1 : 0) +
                 r.Parse.Offset + (int)r.Parse.Status + (r.Parse.Field?.Length ?? 0) + (r.Parse.Reason?.Length ?? 0);
        return 1;
    }
}
