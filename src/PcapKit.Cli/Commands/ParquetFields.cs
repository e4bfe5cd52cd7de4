using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Extraction;
using PcapKit.Parquet;

namespace PcapKit.Cli.Commands;

using ParseResult = System.CommandLine.ParseResult;

/// <summary>
/// <c>pcapkit fields … -T parquet -o OUT</c>: one capture into one Parquet file, or a folder of captures into a
/// dataset (one file per capture, same schema, a <c>capture</c> column naming the source), several captures at once.
/// </summary>
internal static class ParquetFields
{
    /// <summary>The suffix a Parquet file has while it is written; renamed when complete, so a reader of the dataset never sees half a file.</summary>
    public const string PartialSuffix = ".partial";

    public static int Run(CommandContext context, ParseResult parse, DissectorRegistry registry, IReadOnlyList<string> names, Settings settings)
    {
        CommonOptions.AtLeastOne(settings.RowGroupSize, "--row-group-size");
        CommonOptions.AtLeastOne(settings.Threads, "--threads");
        try
        {
            // The names are checked once, before any file is opened.
            ParquetFieldWriter.Validate(registry, names);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message.Split(" (Parameter")[0]);
        }

        var dissectorOptions = CommonOptions.DissectorOptions(parse);
        if (!Directory.Exists(settings.Input))
        {
            Write(registry, dissectorOptions, names, settings, settings.Input, settings.Output, capture: null, settings.Threads);
            return ExitCodes.Ok;
        }

        var root = Path.GetFullPath(settings.Input);
        var captures = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path))
            .Where(relative => !relative.EndsWith(".parquet", StringComparison.Ordinal) && !relative.EndsWith(PartialSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Directory.CreateDirectory(settings.Output);
        var failures = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var skipped = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var written = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        Parallel.ForEach(captures, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads }, relative =>
        {
            var target = Path.Combine(settings.Output, relative + ".parquet");
            try
            {
                if (NotACapture(Path.Combine(root, relative)) is { } reason)
                {
                    skipped[relative] = reason;
                    return;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                written[relative] = Write(registry, dissectorOptions, names, settings, Path.Combine(root, relative), target, relative.Replace(Path.DirectorySeparatorChar, '/'), threads: 1);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // The rows before a damaged record are in the file; the damage is reported below and fails the run.
                failures[relative] = ex.Message;
            }
        });

        foreach (var (relative, reason) in skipped.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            context.Error.WriteLine($"pcapkit: skipped {relative}: {reason}");
        }

        foreach (var (_, message) in failures.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            context.Error.WriteLine("pcapkit: " + message);
        }

        context.Error.WriteLine(FormattableString.Invariant(
            $"pcapkit: {written.Count} captures, {written.Values.Sum():N0} frames written to {settings.Output}; {skipped.Count} skipped, {failures.Count} failed"));
        return failures.IsEmpty ? ExitCodes.Ok : ExitCodes.BadInput;
    }

    /// <summary>
    /// Writes one capture's rows to <paramref name="target"/> (under a partial name until complete), the frames
    /// dissected on <paramref name="threads"/> threads and written in order.
    /// </summary>
    /// <returns>The rows written.</returns>
    private static long Write(DissectorRegistry registry, DissectorOptions options, IReadOnlyList<string> names, Settings settings, string input, string target, string? capture, int threads)
    {
        var partial = target + PartialSuffix;
        long rows;
        var complete = false;
        var writer = new ParquetFieldWriter(registry, names, new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), new ParquetFieldOptions
        {
            RowGroupSize = settings.RowGroupSize,
            Occurrences = settings.Occurrences,
            Capture = capture,
        });
        try
        {
            using var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = input,
                NoFile = true,
                Registry = registry,
                DecodeAs = options.DecodeAs,
                Heuristics = options.Heuristics,
                VerifyChecksums = options.VerifyChecksums,
                Threads = threads,
                Callback = (in ExtractedFrame frame) => writer.Add(frame.Record, frame.Frame),
            });
            extractor.Run();
            complete = true;
        }
        finally
        {
            // A damaged capture still gets a complete file of the frames before the damage, then the error goes on.
            rows = writer.Rows;
            writer.Dispose();
            if (complete || rows > 0)
            {
                File.Move(partial, target, overwrite: true);
            }
            else
            {
                File.Delete(partial);
            }
        }

        return rows;
    }

    /// <summary>Why a file in the folder is not read: empty, or without a pcap or pcapng magic number; <see langword="null"/> for a capture.</summary>
    private static string? NotACapture(string path)
    {
        if (new FileInfo(path).Length == 0)
        {
            return "an empty file";
        }

        try
        {
            using var reader = CaptureReader.Open(path);
            return null;
        }
        catch (InvalidDataException ex) when (CaptureError.TryGetCaptureError(ex, out var error) && error!.Offset == 0 && error.Kind == CaptureErrorKind.Unsupported)
        {
            return "not a pcap or pcapng file";
        }
    }

    /// <summary>What the command line asked for.</summary>
    public sealed record Settings(string Input, string Output, int RowGroupSize, int Threads, FieldOccurrences Occurrences);
}
