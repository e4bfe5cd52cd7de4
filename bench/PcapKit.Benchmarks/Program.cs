using System;
using BenchmarkDotNet.Running;

namespace PcapKit.Benchmarks;

/// <summary>
/// <c>micro [BenchmarkDotNet args]</c> runs the BenchmarkDotNet suites; <c>throughput [file]</c> runs the whole-file
/// harness (every record of a large capture through each reader and dissector, same process, same file);
/// <c>extract [file] [slice]</c> measures the extraction pipeline and its JSON export against PacketDotNet and tshark;
/// <c>flows [file...]</c> splits captures into flow files next to tcpflow; <c>reassembly [file]</c> measures the pass with
/// IP and TCP reassembly; <c>application [file]</c> measures what DNS and HTTP add to layers 2–4; <c>loop [file]</c> measures what the
/// dissector's generic loop adds to the protocols' parsers; <c>large SOURCE OUT
/// [GB]</c> makes a capture of any size from a smaller one for the scale runs; <c>records [N]</c> reads a generated
/// capture of more than 2^31 records.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "throughput")
        {
            return Throughput.Run(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "extract")
        {
            return ExtractionThroughput.Run(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "reassembly")
        {
            return ReassemblyThroughput.Run(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "application")
        {
            return ApplicationThroughput.Run(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "records")
        {
            return ManyRecords.Run(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "large")
        {
            return LargeCapture.Run(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "loop")
        {
            return DissectorLoop.Run(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "flows")
        {
            return FlowThroughput.Run(args.AsSpan(1).ToArray());
        }

        var rest = args.Length > 0 && args[0] == "micro" ? args.AsSpan(1).ToArray() : args;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
        return 0;
    }
}
