using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Text;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Output;

namespace PcapKit.Cli.Commands;

using ParseResult = System.CommandLine.ParseResult;

/// <summary><c>pcapkit fields FILE -e NAME…</c>: one line per frame, values in tshark's <c>-T fields</c> conventions.</summary>
internal static class FieldsCommand
{
    public static Command Create(CommandContext context)
    {
        var file = new Argument<string>("file") { Description = "The capture; '-' reads standard input." };
        var fields = new Option<string[]>("-e", "--field") { Description = "A field to print (repeatable), e.g. ip.src, tcp.options.mss_val, frame.time_epoch.", AllowMultipleArgumentsPerToken = false, Required = true };
        var settings = new Option<string[]>("-E") { Description = "header=y|n, separator=/t|/s|<char>, occurrence=a|f|l, aggregator=<char>, quote=n|d|s." };
        var command = new Command("fields", "Print fields of every frame, one line per frame, as 'tshark -T fields' does.") { file, fields, settings };
        CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var format = FieldsFormat.Parse(parse.GetValue(settings) ?? []);
            var registry = CommandContext.BuildRegistry(parse);
            // tcp.stream is not in any packet: it is the connection's number, which TCP reassembly counts as tshark does.
            var requested = parse.GetValue(fields)!;
            var streamColumn = Array.IndexOf(requested, TcpStreamField);
            var tcp = streamColumn >= 0 ? new Reassembly.TcpReassembler(new Reassembly.TcpReassemblyOptions()) : null;
            FieldExtractor extractor;
            try
            {
                extractor = new FieldExtractor(registry, [.. requested.Where(n => n != TcpStreamField)]);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message.Split(" (Parameter")[0]);
            }

            var o = context.Output;
            var names = extractor.Names.ToList();
            if (streamColumn >= 0)
            {
                names.Insert(streamColumn, TcpStreamField);
            }

            if (format.Header)
            {
                o.WriteLine(string.Join(format.Separator, names));
            }

            var dissector = new Dissector(registry, CommonOptions.DissectorOptions(parse));
            var stack = new LayerStack();
            var line = new StringBuilder();
            using var reader = CaptureReader.Open(parse.GetValue(file)!);
            foreach (var record in reader)
            {
                dissector.Dissect(record, stack);
                var frame = new Frame(record.Data, stack, registry);
                extractor.Extract(record, frame);
                var stream = tcp?.Add(frame, record);
                line.Clear();
                for (var i = 0; i < names.Count; i++)
                {
                    if (i > 0)
                    {
                        line.Append(format.Separator);
                    }

                    var value = i == streamColumn ? stream?.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty
                        : extractor.GetValue(streamColumn >= 0 && i > streamColumn ? i - 1 : i);
                    value = format.SelectOccurrence(value);
                    if (format.Quote is { } q && value.Length > 0)
                    {
                        line.Append(q).Append(value).Append(q);
                    }
                    else
                    {
                        line.Append(value);
                    }
                }

                o.WriteLine(line);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The <c>-E</c> settings, as tshark reads them.</summary>
    private const string TcpStreamField = "tcp.stream";

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

        public string SelectOccurrence(string value)
        {
            if (value.Length == 0 || (Occurrence == 'a' && Aggregator == ','))
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
