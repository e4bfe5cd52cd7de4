using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using PcapKit.Dissection;
using PcapKit.Output;

namespace PcapKit.Cli.Commands;

using ParseResult = System.CommandLine.ParseResult;

/// <summary><c>pcapkit fields FILE -e NAME…</c>: one line per frame, values in tshark's <c>-T fields</c> conventions.</summary>
internal static class FieldsCommand
{
    public static Command Create(CommandContext context)
    {
        var input = new Argument<string>("file") { Description = "The capture ('-' reads standard input), or with -T parquet a folder of captures." };
        var fields = new Option<string[]>("-e", "--field") { Description = "A field to print (repeatable), e.g. ip.src, tcp.options.mss_val, frame.time_epoch.", AllowMultipleArgumentsPerToken = false, Required = true };
        var settings = new Option<string[]>("-E") { Description = "header=y|n, separator=/t|/s|<char>, occurrence=a|f|l, aggregator=<char>, quote=n|d|s." };
        var type = new Option<string>("-T") { Description = "The output: 'fields' (text lines, as tshark) or 'parquet' (typed columns, with -o).", DefaultValueFactory = _ => "fields" };
        type.AcceptOnlyFromAmong("fields", "parquet");
        var output = new Option<string?>("--output", "-o") { Description = "With -T parquet: the Parquet file, or for a folder of captures the dataset's folder." };
        var rowGroup = new Option<int>("--row-group-size") { Description = "With -T parquet: rows per row group (the rows held in memory).", DefaultValueFactory = _ => 65_536 };
        var command = new Command("fields", "Print fields of every frame, one line per frame, as 'tshark -T fields' does; or write them as Parquet.")
        {
            input, fields, settings, type, output, rowGroup,
        };
        CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var format = FieldsFormat.Parse(parse.GetValue(settings) ?? []);
            var registry = CommandContext.BuildRegistry(parse);
            var requested = parse.GetValue(fields)!;
            if (parse.GetValue(type) == "parquet")
            {
                return ParquetFields.Run(context, parse, registry, requested, new ParquetFields.Settings(
                    parse.GetValue(input)!,
                    parse.GetValue(output) ?? throw new UsageException("-T parquet writes a file: name it with -o OUT.parquet."),
                    parse.GetValue(rowGroup),
                    CommonOptions.ThreadCount(parse),
                    format.Occurrence switch { 'f' => Parquet.FieldOccurrences.First, 'l' => Parquet.FieldOccurrences.Last, _ => Parquet.FieldOccurrences.All }));
            }

            if (Directory.Exists(parse.GetValue(input)))
            {
                throw new UsageException("A folder of captures is read with -T parquet -o FOLDER; text output takes one capture.");
            }

            IReadOnlyList<string> names = requested;
            try
            {
                FieldExtractor.Validate(registry, names);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message.Split(" (Parameter")[0]);
            }

            var threadCount = CommonOptions.AtLeastOne(CommonOptions.ThreadCount(parse), "--threads");
            var dissector = CommonOptions.DissectorOptions(parse);
            var inputPath = parse.GetValue(input)!;
            using var stdin = inputPath == "-" ? Console.OpenStandardInput() : null;
            using var file = parse.GetValue(output) is { } path ? new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16) : null;
            var stream = (Stream?)file ?? context.StandardOutputStream();
            if (format.Header)
            {
                stream.Write(Encoding.UTF8.GetBytes(string.Join(format.Separator, names) + Environment.NewLine));
            }

            // frame.time_relative, frame.time_delta, tcp.stream and the relative sequence numbers depend on the frames before: those lines are made in order on one thread.
            var stateful = names.Any(FrameFields.DependsOnEarlierFrames);
            using var extractor = new Extraction.Extractor(new Extraction.ExtractionOptions
            {
                InputPath = inputPath,
                InputStream = stdin,
                OutputStream = stream,
                Registry = registry,
                DecodeAs = dissector.DecodeAs,
                Heuristics = dissector.Heuristics,
                VerifyChecksums = dissector.VerifyChecksums,
                Formatter = () => new FieldsLine(registry, names, format, stateful),
                Threads = threadCount,
            });
            extractor.Run();
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One frame's line: the fields in order, occurrences joined or picked, quoted as asked.</summary>
    private sealed class FieldsLine(DissectorRegistry registry, IReadOnlyList<string> names, FieldsFormat format, bool keepsState) : Extraction.FrameFormatter
    {
        private readonly FieldExtractor _extractor = new(registry, names);
        private readonly StringBuilder _line = new();

        public override bool KeepsState => keepsState;

        public override void Format(in Extraction.ExtractedFrame frame, System.Buffers.IBufferWriter<byte> output)
        {
            _extractor.Extract(frame.Record, frame.Frame);
            _line.Clear();
            for (var i = 0; i < names.Count; i++)
            {
                if (i > 0)
                {
                    _line.Append(format.Separator);
                }

                var start = _line.Length;
                if (format.KeepsEveryOccurrence)
                {
                    // The usual case copies the collected text without making a string of it.
                    _extractor.AppendValue(_line, i);
                }
                else
                {
                    _line.Append(format.SelectOccurrence(_extractor.GetValue(i)));
                }

                if (format.Quote is { } q && _line.Length > start)
                {
                    _line.Insert(start, q).Append(q);
                }
            }

            _line.Append(Environment.NewLine);
            foreach (var chunk in _line.GetChunks())
            {
                Encoding.UTF8.GetBytes(chunk.Span, output);
            }
        }
    }

    /// <summary>The <c>-E</c> settings, as tshark reads them.</summary>
    private sealed record FieldsFormat(bool Header, string Separator, char Occurrence, char Aggregator, char? Quote)
    {
        public static FieldsFormat Parse(IReadOnlyList<string> settings)
        {
            var format = new FieldsFormat(false, "\t", 'a', ',', null);
            foreach (var setting in settings)
            {
                var eq = setting.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new UsageException($"-E takes name=value, not '{setting}'.");
                }

                var name = setting[..eq];
                var value = setting[(eq + 1)..];
                format = name switch
                {
                    "header" => format with { Header = value is "y" or "Y" },
                    "separator" => format with { Separator = value switch { "/t" => "\t", "/s" => " ", _ => value } },
                    "occurrence" when value is "a" or "f" or "l" => format with { Occurrence = value[0] },
                    "aggregator" => format with { Aggregator = value switch { "/s" => ' ', "/t" => '\t', _ => value.Length > 0 ? value[0] : ',' } },
                    "quote" => format with { Quote = value switch { "d" => '"', "s" => '\'', _ => null } },
                    _ => throw new UsageException($"Unknown -E setting '{setting}'. Known: header, separator, occurrence, aggregator, quote."),
                };
            }

            return format;
        }

        /// <summary>Whether values go out as collected: every occurrence, joined with a comma.</summary>
        public bool KeepsEveryOccurrence => Occurrence == 'a' && Aggregator == ',';

        public string SelectOccurrence(string value)
        {
            if (value.Length == 0 || KeepsEveryOccurrence)
            {
                return value;
            }

            var parts = value.Split(',');
            return Occurrence switch
            {
                'f' => parts[0],
                'l' => parts[^1],
                _ => string.Join(Aggregator, parts),
            };
        }
    }
}
