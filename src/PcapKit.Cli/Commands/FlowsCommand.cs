using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using PcapKit.Extraction;
using PcapKit.Flows;

namespace PcapKit.Cli.Commands;

/// <summary><c>pcapkit flows FILE -o DIR [-u] [-v] [-x]</c>: pkt2flow's splitter, without its bugs.</summary>
internal static class FlowsCommand
{
    public static Command Create(CommandContext context)
    {
        var file = new Argument<string>("file") { Description = "The capture; '-' reads standard input." };
        var output = new Option<string>("--output", "-o") { Description = "The output folder.", DefaultValueFactory = _ => "pkt2flow.out" };
        var udp = new Option<bool>("-u") { Description = "Write UDP flows too." };
        var noSyn = new Option<bool>("-v") { Description = "Write TCP flows whose first packet is not a SYN too." };
        var others = new Option<bool>("-x") { Description = "Write flows of other IP protocols too (each keyed by its protocol)." };
        var hard = new Option<double>("--hard-timeout") { Description = "Seconds after a flow's first packet when it ends (pkt2flow: 1800).", DefaultValueFactory = _ => 1800 };
        var idle = new Option<double?>("--idle-timeout") { Description = "Seconds without a packet after which a flow ends." };
        var fin = new Option<bool>("--close-on-fin") { Description = "End a TCP flow when both sides sent FIN, or either sent RST." };
        var maxOpen = new Option<int>("--max-open-files") { Description = "The most flow files open at once.", DefaultValueFactory = _ => 256 };
        var pcapng = new Option<bool>("--pcapng") { Description = "Write pcapng flow files (nanosecond, 64-bit timestamps) instead of pcap." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bar and no summary." };
        var parquet = new Option<bool>("--parquet-index") { Description = "Write the index as flows.parquet too (typed columns, for DuckDB, Spark or Trino)." };
        var command = new Command("flows", "Split a capture into one pcap file per bidirectional flow, as pkt2flow does (tcp_syn/, tcp_nosyn/, udp/, others/).")
        {
            file, output, udp, noSyn, others, hard, idle, fin, maxOpen, pcapng, quiet, parquet, CommonOptions.Shards,
        };
        CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var registry = CommandContext.BuildRegistry(parse);
            var dissector = CommonOptions.DissectorOptions(parse);
            var folder = parse.GetValue(output)!;
            using var splitter = new FlowSplitter(new FlowSplitterOptions
            {
                OutputDirectory = folder,
                Udp = parse.GetValue(udp),
                TcpWithoutSyn = parse.GetValue(noSyn),
                Others = parse.GetValue(others),
                HardTimeout = TimeSpan.FromSeconds(parse.GetValue(hard)),
                IdleTimeout = parse.GetValue(idle) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                CloseOnFinOrReset = parse.GetValue(fin),
                MaxOpenFiles = CommonOptions.AtLeastOne(parse.GetValue(maxOpen), "--max-open-files"),
                PcapNg = parse.GetValue(pcapng),
                // Made from the index below: an earlier split's goes when this one starts, with or without the option.
                DerivedIndexFiles = [Parquet.ParquetFlowIndex.FileName],
            });
            var input = parse.GetValue(file)!;
            using var stdin = input == "-" ? Console.OpenStandardInput() : null;
            var quietRun = parse.GetValue(quiet);
            using var progress = new ProgressBar(context.Error, quietRun);
            using var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = input,
                InputStream = stdin,
                NoFile = true,
                Registry = registry,
                Layer = FlowSplitter.DeepestLayer,
                DecodeAs = dissector.DecodeAs,
                Heuristics = dissector.Heuristics,
                Consumers = [splitter],
                // The splitter writes its files on threads of its own: unless told, one fewer thread dissects.
                Threads = parse.GetResult(CommonOptions.Threads) is { Implicit: false } ? CommonOptions.ThreadCount(parse) : Math.Max(1, Environment.ProcessorCount - 1),
                StateShards = CommonOptions.ShardCount(parse),
            });

            // Run finishes the split (its Complete), also for a damaged capture before the error goes on: every flow gets
            // the packets before the damage, its final name and its line in the index — and in the Parquet index, made
            // from the finished split either way.
            try
            {
                extractor.Run(() => progress.Report(extractor.FramesRead, extractor.Reader.Position, extractor.Reader.Length), default);
            }
            finally
            {
                if (parse.GetValue(parquet) && splitter.Result is { } finished)
                {
                    WriteParquetIndex(folder, finished);
                }
            }

            var result = splitter.Finish();

            if (!quietRun)
            {
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"pcapkit: {extractor.FramesRead:N0} packets, {result.PacketsWritten:N0} written to {result.Flows.Count:N0} flows in {folder}, {result.Skipped.Values.Sum():N0} skipped"));
                foreach (var (reason, count) in result.Skipped.OrderByDescending(s => s.Value))
                {
                    context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  skipped {count:N0}: {reason}"));
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The flow index as <c>flows.parquet</c>, under a temporary name until it is whole, as every file of a split.</summary>
    private static void WriteParquetIndex(string folder, FlowSplitResult result)
    {
        var path = System.IO.Path.Combine(folder, Parquet.ParquetFlowIndex.FileName);
        var partial = path + ParquetFields.PartialSuffix;
        using (var index = new System.IO.FileStream(partial, System.IO.FileMode.Create))
        {
            Parquet.ParquetFlowIndex.WriteAsync(result.Flows, index).GetAwaiter().GetResult();
        }

        System.IO.File.Move(partial, path, overwrite: true);
    }
}
