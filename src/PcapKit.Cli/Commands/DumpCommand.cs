using System;
using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Text;
using PcapKit.Extraction;
using PcapKit.Protocols;

namespace PcapKit.Cli.Commands;

/// <summary><c>pcapkit dump FILE</c>: one line per frame, in the manner of <c>tcpdump -n -S</c> (times in UTC).</summary>
internal static class DumpCommand
{
    public static Command Create(CommandContext context)
    {
        var file = new Argument<string>("file") { Description = "The capture; '-' reads standard input." };
        var epoch = new Option<bool>("--epoch") { Description = "Print times as seconds since the epoch (tcpdump -tt)." };
        var number = new Option<bool>("--number", "-#") { Description = "Start each line with the frame number (tcpdump -#)." };
        var command = new Command("dump", "Print one line per frame, like 'tcpdump -n -S'.") { file, epoch, number };
        CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var registry = CommandContext.BuildRegistry(parse);
            var dissector = CommonOptions.DissectorOptions(parse);
            var asEpoch = parse.GetValue(epoch);
            var withNumber = parse.GetValue(number);
            var input = parse.GetValue(file)!;
            using var stdin = input == "-" ? Console.OpenStandardInput() : null;
            using var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = input,
                InputStream = stdin,
                OutputStream = context.StandardOutputStream(),
                Registry = registry,
                DecodeAs = dissector.DecodeAs,
                Heuristics = dissector.Heuristics,
                VerifyChecksums = dissector.VerifyChecksums,
                Formatter = () => new DumpLine(asEpoch, withNumber),
                Threads = CommonOptions.ThreadCount(parse),
            });
            extractor.Run();
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One frame's line: its time (and number), then its summary.</summary>
    private sealed class DumpLine(bool asEpoch, bool withNumber) : FrameFormatter
    {
        private readonly StringBuilder _line = new();
        private readonly char[] _time = new char[40];
        private readonly Encoder _utf8 = Encoding.UTF8.GetEncoder();

        public override void Format(in ExtractedFrame frame, IBufferWriter<byte> output)
        {
            var record = frame.Record;
            var line = _line.Clear();
            if (withNumber)
            {
                line.Append(record.Number.ToString(CultureInfo.InvariantCulture)).Append("  ");
            }

            if (!record.HasTimestamp)
            {
                line.Append('-');
            }
            else if (asEpoch && record.Timestamp.TryFormatEpoch(_time, out var written))
            {
                line.Append(_time, 0, written);
            }
            else if (record.Timestamp.TryToDateTimeOffset(out var clock))
            {
                line.Append(clock.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append('.').Append(record.Timestamp.Microseconds.ToString("D6", CultureInfo.InvariantCulture));
            }
            else if (record.Timestamp.TryFormatEpoch(_time, out var epochWritten))
            {
                // Beyond the calendar (a corrupt timestamp): seconds since the epoch instead.
                line.Append(_time, 0, epochWritten);
            }

            line.Append(' ');
            FrameSummary.Append(line, frame.Frame);
            line.Append(Environment.NewLine);
            foreach (var chunk in line.GetChunks())
            {
                _utf8.Convert(chunk.Span, output, flush: false, out _, out _);
            }

            _utf8.Convert(ReadOnlySpan<char>.Empty, output, flush: true, out _, out _);
        }
    }
}
