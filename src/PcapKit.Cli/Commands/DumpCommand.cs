using System;
using System.CommandLine;
using System.Globalization;
using System.Text;
using PcapKit.Capture;
using PcapKit.Dissection;
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
            var dissector = new Dissector(registry, CommonOptions.DissectorOptions(parse));
            var stack = new LayerStack();
            var line = new StringBuilder();
            var asEpoch = parse.GetValue(epoch);
            var withNumber = parse.GetValue(number);
            Span<char> time = stackalloc char[40];
            using var reader = CaptureReader.Open(parse.GetValue(file)!);
            foreach (var record in reader)
            {
                dissector.Dissect(record, stack);
                var frame = new Frame(record.Data, stack, registry);
                line.Clear();
                if (withNumber)
                {
                    line.Append(record.Number.ToString(CultureInfo.InvariantCulture)).Append("  ");
                }

                if (!record.HasTimestamp)
                {
                    line.Append('-');
                }
                else if (asEpoch && record.Timestamp.TryFormatEpoch(time, out var written))
                {
                    line.Append(time[..written]);
                }
                else if (record.Timestamp.TryToDateTimeOffset(out var clock))
                {
                    line.Append(clock.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append('.').Append(record.Timestamp.Microseconds.ToString("D6", CultureInfo.InvariantCulture));
                }
                else if (record.Timestamp.TryFormatEpoch(time, out var epochWritten))
                {
                    // Beyond the calendar (a corrupt timestamp): seconds since the epoch instead.
                    line.Append(time[..epochWritten]);
                }

                line.Append(' ');
                FrameSummary.Append(line, frame);
                context.Output.WriteLine(line);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
