using System.Collections.Generic;
using System.CommandLine;
using PcapKit.Dissection;

namespace PcapKit.Cli.Commands;

using ParseResult = System.CommandLine.ParseResult;

/// <summary>Options every command that dissects takes: decode-as rules, checksum verification, heuristics and threads.</summary>
internal static class CommonOptions
{
    public static readonly Option<string[]> DecodeAs = new("--decode-as", "-d")
    {
        Description = "Decode a dispatch key as a protocol, e.g. 'tcp.port==8080,http' (repeatable).",
    };

    public static readonly Option<bool> VerifyChecksums = new("--verify-checksums")
    {
        Description = "Verify IPv4, TCP and UDP checksums.",
    };

    public static readonly Option<bool> NoHeuristics = new("--no-heuristics")
    {
        Description = "Do not offer payloads on unregistered ports to the heuristic protocols (HTTP on any TCP port).",
    };

    public static readonly Option<int> Threads = new("--threads")
    {
        Description = "Threads at work (default: all cores). Frames are dissected on all of them, and formatted there too when nothing keeps " +
            "state across frames; statistics take them in order on one, and so do reassembly and flow splitting below three threads (from three " +
            "on they run on threads/2 shards, merged in order). The output is the one-thread run's. " +
            "With a folder of captures (fields -T parquet), how many captures are read at once.",
        DefaultValueFactory = _ => System.Environment.ProcessorCount,
    };

    public static void AddTo(Command command)
    {
        command.Add(DecodeAs);
        command.Add(VerifyChecksums);
        command.Add(NoHeuristics);
        command.Add(Threads);
    }

    /// <summary>The <c>--threads</c> value (at least 1).</summary>
    /// <param name="parse">The parsed command line.</param>
    /// <returns>The thread count.</returns>
    public static int ThreadCount(ParseResult parse) => AtLeastOne(parse.GetValue(Threads), "--threads");

    /// <summary>The commands that reassemble or split flows (extract, follow, flows): how many shard threads keep that state.</summary>
    public static readonly Option<int?> Shards = new("--shards")
    {
        Description = "IP and TCP reassembly and flow splitting on this many shard threads, merged in order (default: --threads / 2 from three " +
            "threads on, none below; 0: the thread reading the capture keeps the state). The output is the one-thread run's.",
    };

    /// <summary>The <c>--shards</c> value (null when not given); a usage error below 0.</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The shards, or null for the default.</returns>
    public static int? ShardCount(ParseResult parse) =>
        parse.GetValue(Shards) is { } shards ? shards >= 0 ? shards : throw new UsageException("--shards must be 0 or more.") : null;

    /// <summary>A count or size option's value, when it is at least 1; a usage error naming the option otherwise.</summary>
    /// <typeparam name="T">The number type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="option">The option's name.</param>
    /// <returns>The value.</returns>
    public static T AtLeastOne<T>(T value, string option)
        where T : System.Numerics.INumber<T> =>
        value >= T.One ? value : throw new UsageException(option + " must be at least 1.");

    public static DissectorOptions DissectorOptions(ParseResult parse, DissectorOptions? baseOptions = null)
    {
        var rules = new List<DecodeAsRule>();
        foreach (var text in parse.GetValue(DecodeAs) ?? [])
        {
            if (!DecodeAsRule.TryParse(text, out var rule))
            {
                throw new UsageException($"'{text}' is not a decode-as rule; write it as table==key,protocol (tcp.port==8080,http).");
            }

            rules.Add(rule!);
        }

        return (baseOptions ?? Dissection.DissectorOptions.Default) with
        {
            DecodeAs = rules,
            VerifyChecksums = parse.GetValue(VerifyChecksums),
            Heuristics = !parse.GetValue(NoHeuristics),
        };
    }
}
