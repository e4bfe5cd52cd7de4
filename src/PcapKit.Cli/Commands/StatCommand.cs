using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Text;
using PcapKit.Dissection;
using PcapKit.Extraction;
using PcapKit.Output;

namespace PcapKit.Cli.Commands;

/// <summary><c>pcapkit stat phs FILE</c>: protocol hierarchy statistics in the layout of <c>tshark -qz io,phs</c>.</summary>
internal static class StatCommand
{
    private const string Rule = "===================================================================";

    public static Command Create(CommandContext context)
    {
        var file = new Argument<string>("file") { Description = "The capture; '-' reads standard input." };
        var phs = new Command("phs", "Protocol hierarchy: for each protocol path, the frames and bytes that carry it (tshark -qz io,phs).") { file };
        CommonOptions.AddTo(phs);
        phs.SetAction(parse =>
        {
            var registry = CommandContext.BuildRegistry(parse);
            var input = parse.GetValue(file)!;
            using var stdin = input == "-" ? Console.OpenStandardInput() : null;
            var root = BuildHierarchy(registry, CommonOptions.DissectorOptions(parse), input, stdin, CommonOptions.ThreadCount(parse));
            var o = context.Output;
            o.WriteLine();
            o.WriteLine(Rule);
            o.WriteLine("Protocol Hierarchy Statistics");
            o.WriteLine("Filter: ");
            o.WriteLine();
            foreach (var child in root.Children)
            {
                Write(o, child, 0);
            }

            o.WriteLine(Rule);
            return ExitCodes.Ok;
        });
        return new Command("stat", "Statistics over a capture.") { phs };
    }

    /// <summary>Counts every frame under the path of its protocol chain, as tshark names the protocols.</summary>
    internal static Node BuildHierarchy(DissectorRegistry registry, DissectorOptions options, string path, System.IO.Stream? input, int threads)
    {
        // The chain labels (ethertype, …) are not protocols: tshark's hierarchy leaves them out.
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var protocol in registry.Protocols)
        {
            for (var t = 0; t < protocol.DispatchTables.Count; t++)
            {
                if (protocol.GetDispatchLabel(t) is { Length: > 0 } label)
                {
                    labels.Add(label);
                }
            }
        }

        var chain = new StringBuilder();
        var text = new char[256];
        var root = new Node(string.Empty);

        // Each distinct chain's path of nodes, found once: a frame then costs a lookup, no strings (a few hundred
        // chains in practice; past MaxPaths a hostile capture's chains are walked each time instead of kept).
        const int MaxPaths = 10_000;
        var paths = new Dictionary<string, Node[]>(StringComparer.Ordinal);
        var lookup = paths.GetAlternateLookup<ReadOnlySpan<char>>();
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = path,
            InputStream = input,
            NoFile = true,
            Registry = registry,
            DecodeAs = options.DecodeAs,
            Heuristics = options.Heuristics,
            VerifyChecksums = options.VerifyChecksums,
            Threads = threads,
            Callback = (in ExtractedFrame frame) =>
            {
                chain.Clear();
                FieldExtractor.AppendTsharkChain(chain, frame.Frame);
                if (text.Length < chain.Length)
                {
                    text = new char[chain.Length * 2];
                }

                chain.CopyTo(0, text, chain.Length);
                var key = text.AsSpan(0, chain.Length);
                if (!lookup.TryGetValue(key, out var nodes))
                {
                    nodes = PathOf(root, key.ToString(), labels);
                    if (paths.Count < MaxPaths)
                    {
                        paths[key.ToString()] = nodes;
                    }
                }

                foreach (var node in nodes)
                {
                    node.Frames++;
                    node.Bytes += frame.Record.OriginalLength;
                }
            },
        });
        extractor.Run();
        return root;
    }

    /// <summary>The nodes a chain counts under, made as they are first needed.</summary>
    private static Node[] PathOf(Node root, string chain, HashSet<string> labels)
    {
        var nodes = new List<Node>();
        var node = root;
        foreach (var name in chain.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            // Chain labels, and IPv6's extension headers (ipv6.hopopts: fields of IPv6 in tshark's tree), are not
            // protocols of the hierarchy.
            if (labels.Contains(name) || name.Contains('.', StringComparison.Ordinal))
            {
                continue;
            }

            node = node.Child(name);
            nodes.Add(node);
        }

        return [.. nodes];
    }

    private static void Write(System.IO.TextWriter o, Node node, int depth)
    {
        var name = new string(' ', 2 * depth) + node.Name;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-41}frames:{node.Frames} bytes:{node.Bytes}"));
        foreach (var child in node.Children)
        {
            Write(o, child, depth + 1);
        }
    }

    /// <summary>One protocol at one place in the hierarchy.</summary>
    internal sealed class Node(string name)
    {
        private readonly Dictionary<string, Node> _byName = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public long Frames { get; set; }

        public long Bytes { get; set; }

        /// <summary>The children, in the order they were first seen (as tshark lists them).</summary>
        public List<Node> Children { get; } = [];

        public Node Child(string name)
        {
            if (!_byName.TryGetValue(name, out var child))
            {
                child = new Node(name);
                _byName[name] = child;
                Children.Add(child);
            }

            return child;
        }
    }
}
