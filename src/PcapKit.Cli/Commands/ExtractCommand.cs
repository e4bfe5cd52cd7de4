using System;
using System.CommandLine;
using System.Globalization;
using PcapKit.Dissection;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.Reassembly;

namespace PcapKit.Cli.Commands;

/// <summary><c>pcapkit extract FILE -o OUT -f json|tree|plist|pcap</c>: PyPCAPKit's <c>extract()</c> from the command line.</summary>
internal static class ExtractCommand
{
    public static Command Create(CommandContext context)
    {
        var file = new Argument<string>("file") { Description = "The capture; '-' reads standard input." };
        var output = new Option<string>("--output", "-o") { Description = "The output file (a folder with --files); '-' or nothing writes standard output.", DefaultValueFactory = _ => "-" };
        var format = new Option<string>("--format", "-f") { Description = "json, tree, plist or pcap (the selected frames' records).", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "tree", "plist", "pcap");
        var files = new Option<bool>("--files") { Description = "One output file per frame, in the folder given by -o." };
        var noFile = new Option<bool>("--no-file") { Description = "Write no output; only dissect (and count)." };
        var layer = new Option<string?>("--layer") { Description = "Stop dissecting after this layer: link, internet, transport or application; the rest is kept raw." };
        layer.AcceptOnlyFromAmong("link", "internet", "transport", "application");
        var protocol = new Option<string?>("--protocol") { Description = "Stop dissecting after this protocol (ipv4, tcp, …)." };
        var engine = new Option<string>("--engine") { Description = "default (the generated dissectors) or packetdotnet.", DefaultValueFactory = _ => "default" };
        engine.AcceptOnlyFromAmong(Engines.Names);
        var select = new Option<string?>("--select") { Description = "Only frames that contain this protocol go to the output (pcap re-export of, say, tcp)." };
        var indent = new Option<bool>("--indent") { Description = "Indent JSON output." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bar and no summary on standard error." };
        var maxDatagrams = new Option<int>("--max-datagrams") { Description = "IP reassembly: the most datagrams in progress; the oldest is dropped (and reported) beyond it.", DefaultValueFactory = _ => 16_384 };
        var maxFragmentBytes = new Option<long>("--max-fragment-bytes") { Description = "IP reassembly: the most bytes of fragments held.", DefaultValueFactory = _ => 32L * 1024 * 1024 };
        var maxStreams = new Option<int>("--max-streams") { Description = "TCP reassembly: the most open connections; the least recently active is closed as 'evicted' beyond it.", DefaultValueFactory = _ => 200_000 };
        var maxStreamBytes = new Option<long>("--max-stream-bytes") { Description = "TCP reassembly: the most out-of-order bytes held over all connections (per direction: 4 MiB).", DefaultValueFactory = _ => 64L * 1024 * 1024 };
        var trace = new Option<string?>("--trace") { Description = "PyPCAPKit's TCP trace: every TCP flow to a file of its own in this folder, named {src}_{sport}-{dst}_{dport}-{timestamp}." };
        var traceFormat = new Option<string>("--trace-format") { Description = "The trace files' format: pcap, json, tree or plist.", DefaultValueFactory = _ => "pcap" };
        traceFormat.AcceptOnlyFromAmong("pcap", "json", "tree", "plist");
        var traceBoth = new Option<bool>("--trace-bidirectional") { Description = "Trace both directions of a connection in one file (PyPCAPKit 1.x traces each direction on its own)." };
        var reassemble = new Option<string?>("--reassemble") { Description = "ip, tcp or ip,tcp: reassemble fragmented IPv4/IPv6 datagrams (the completing frame carries the datagram, dissected from its transport header on) and TCP streams (each frame gets its stream number; a summary per stream)." };
        reassemble.AcceptOnlyFromAmong("ip", "tcp", "ip,tcp", "tcp,ip");
        var overlap = new Option<string>("--overlap-policy") { Description = "Which bytes win where IP fragments overlap: first, last, bsd or linux.", DefaultValueFactory = _ => "first" };
        overlap.AcceptOnlyFromAmong("first", "last", "bsd", "linux");
        var strict = new Option<bool>("--strict") { Description = "PyPCAPKit's reasm_strict: only completed IP datagrams count (--strict false reports incomplete ones with what arrived).", DefaultValueFactory = _ => true };
        var command = new Command("extract", "Dissect every frame once and write it as JSON, a tree, a plist, or re-export the frames as pcap.")
        {
            file, output, format, files, noFile, layer, protocol, engine, select, indent, quiet, maxDatagrams, maxFragmentBytes, maxStreams, maxStreamBytes, trace, traceFormat, traceBoth, reassemble, overlap, strict, CommonOptions.Shards,
        };
        CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var registry = CommandContext.BuildRegistry(parse);
            var dissector = CommonOptions.DissectorOptions(parse);
            var protocolName = parse.GetValue(protocol);
            if (protocolName is not null && registry.IndexOf(protocolName) < 0)
            {
                throw new UsageException($"No protocol named '{protocolName}' (see 'pcapkit protocols').");
            }

            var selectName = parse.GetValue(select);
            var selectIndex = selectName is null ? -1 : registry.IndexOf(selectName);
            if (selectName is not null && selectIndex < 0)
            {
                throw new UsageException($"No protocol named '{selectName}' to select (see 'pcapkit protocols').");
            }

            var outPath = parse.GetValue(output)!;
            var toStdout = outPath == "-" && !parse.GetValue(files);
            var quietRun = parse.GetValue(quiet);
            using var progress = new ProgressBar(context.Error, quietRun);
            var input = parse.GetValue(file)!;
            using var stdin = input == "-" ? Console.OpenStandardInput() : null;
            var tcpStreams = new System.Collections.Generic.List<TcpStream>();
            var collector = new StreamCollector(tcpStreams);
            var options = new ExtractionOptions
            {
                Threads = CommonOptions.ThreadCount(parse),
                StateShards = CommonOptions.ShardCount(parse),
                InputPath = input,
                InputStream = stdin,
                OutputPath = toStdout ? null : outPath,
                OutputStream = toStdout ? context.StandardOutputStream() : null,
                Format = ParseFormat(parse.GetValue(format)),
                Files = parse.GetValue(files),
                NoFile = parse.GetValue(noFile),
                Registry = registry,
                Engine = Engines.Create(parse.GetValue(engine)!),
                Layer = parse.GetValue(layer) switch
                {
                    "link" => LayerKind.Link,
                    "internet" => LayerKind.Internet,
                    "transport" => LayerKind.Transport,
                    "application" => LayerKind.Application,
                    _ => null,
                },
                Protocol = protocolName,
                DecodeAs = dissector.DecodeAs,
                Heuristics = dissector.Heuristics,
                VerifyChecksums = dissector.VerifyChecksums,
                Indented = parse.GetValue(indent),
                Select = selectIndex < 0 ? null : (in ExtractedFrame f) => Contains(f.Frame, selectIndex),
                ReassembleIp = parse.GetValue(reassemble)?.Contains("ip", StringComparison.Ordinal) == true,
                ReassembleTcp = parse.GetValue(reassemble)?.Contains("tcp", StringComparison.Ordinal) == true,
                TcpStreamHandler = collector,
                TcpReassembly = new TcpReassemblyOptions
                {
                    MaxStreams = CommonOptions.AtLeastOne(parse.GetValue(maxStreams), "--max-streams"),
                    MaxBufferedBytes = CommonOptions.AtLeastOne(parse.GetValue(maxStreamBytes), "--max-stream-bytes"),
                },
                IpReassembly = new IpReassemblyOptions
                {
                    MaxDatagrams = CommonOptions.AtLeastOne(parse.GetValue(maxDatagrams), "--max-datagrams"),
                    MaxBufferedBytes = CommonOptions.AtLeastOne(parse.GetValue(maxFragmentBytes), "--max-fragment-bytes"),
                    Strict = parse.GetValue(strict),
                    Policy = parse.GetValue(overlap) switch
                    {
                        "last" => OverlapPolicy.Last,
                        "bsd" => OverlapPolicy.Bsd,
                        "linux" => OverlapPolicy.Linux,
                        _ => OverlapPolicy.First,
                    },
                },
                ReassemblyReport = quietRun ? null : r => context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"pcapkit: reassembly: frame {r.Frame}: {r.Kind}: {r.Detail}{(r.Datagram is { } d ? $" (incomplete datagram of frames {string.Join(',', d.Frames)}: {d.Chunks.Count} chunks)" : string.Empty)}")),
                Trace = parse.GetValue(trace) is { } traceFolder
                    ? new TcpTraceOptions { OutputDirectory = traceFolder, Format = ParseFormat(parse.GetValue(traceFormat)), Bidirectional = parse.GetValue(traceBoth) }
                    : null,
            };
            if ((options.Trace is not null || options.ReassembleIp || options.ReassembleTcp) && options.Engine is not null)
            {
                throw new UsageException("--trace and --reassemble read the generated dissectors' layers; they do not run with --engine " + parse.GetValue(engine) + ".");
            }


            using var extractor = new Extractor(options);

            // Run finishes the output before a damaged capture's error goes on: every frame before the damage is in it,
            // and its summary names the error.
            var result = extractor.Run(() => progress.Report(extractor.FramesRead, extractor.Reader.Position, extractor.Reader.Length), System.Threading.CancellationToken.None);
            if (!quietRun)
            {
                var s = result.Summary;
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"pcapkit: {s.Frames:N0} frames ({s.Selected:N0} written, {s.Malformed:N0} malformed) from {result.Name}{(toStdout || options.NoFile ? string.Empty : " to " + outPath)}"));
                if (options.ReassembleTcp)
                {
                    context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pcapkit: {collector.Count:N0} TCP streams{(collector.Count > tcpStreams.Count ? $" (the first {tcpStreams.Count})" : string.Empty)}"));
                    foreach (var stream in tcpStreams)
                    {
                        var c = stream.Client;
                        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  tcp.stream {stream.Index}: {c.FormatEndpoint(c.Source, c.SourcePort)} → {c.FormatEndpoint(c.Destination, c.DestinationPort)}: {stream.Delivered[0]:N0} + {stream.Delivered[1]:N0} bytes, {stream.Missing[0] + stream.Missing[1]:N0} missing, ended by {stream.ClosedBy}"));
                    }
                }

                if (result.Trace is { } traced)
                {
                    context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"pcapkit: {traced.Segments:N0} TCP segments traced to {traced.Flows.Count:N0} flows in {options.Trace!.OutputDirectory}"));
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Keeps the first ended streams for the summary and counts them all.</summary>
    private sealed class StreamCollector(System.Collections.Generic.List<TcpStream> streams) : ITcpStreamHandler
    {
        public long Count { get; private set; }

        public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
        {
        }

        public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
        {
        }

        public void OnClose(TcpStream stream)
        {
            if (++Count <= 100)
            {
                streams.Add(stream);
            }
        }
    }

    private static OutputFormat ParseFormat(string? name) => name switch
    {
        "tree" => OutputFormat.Tree,
        "plist" => OutputFormat.Plist,
        "pcap" => OutputFormat.Pcap,
        _ => OutputFormat.Json,
    };

    private static bool Contains(Frame frame, int protocol)
    {
        foreach (ref readonly var layer in frame.Layers)
        {
            if (layer.Protocol == protocol)
            {
                return true;
            }
        }

        return false;
    }
}
