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

    /// <summary>
    /// Counts every frame under the path of its protocol chain, as tshark names the protocols. Each thread that
    /// formats frames counts its own share (a <see cref="HierarchyCounter"/>); the shares are merged at the end, a
    /// node's children in the order of the frame that first reached each, as one thread would have listed them.
    /// </summary>
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

        var counters = new System.Collections.Concurrent.ConcurrentQueue<HierarchyCounter>();
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = path,
            InputStream = input,
            OutputStream = System.IO.Stream.Null,
            Registry = registry,
            DecodeAs = options.DecodeAs,
            Heuristics = options.Heuristics,
            VerifyChecksums = options.VerifyChecksums,
            Threads = threads,
            Formatter = () =>
            {
                var counter = new HierarchyCounter(labels);
                counters.Enqueue(counter);
                return counter;
            },
        }))
        {
            extractor.Run();
        }

        var root = new Node(string.Empty);
        foreach (var counter in counters)
        {
            root.Merge(counter.Root);
        }

        return root;
    }

    /// <summary>One thread's share of the hierarchy: the frames it formatted, counted under their chains' paths.</summary>
    private sealed class HierarchyCounter(HashSet<string> labels) : FrameFormatter
    {
        // Each distinct chain's path of nodes, found once: a frame then costs a lookup, no strings (a few hundred
        // chains in practice; past MaxPaths a hostile capture's chains are walked each time instead of kept).
        private const int MaxPaths = 10_000;
        private readonly StringBuilder _chain = new();
        private readonly Dictionary<string, Node[]> _paths = new(StringComparer.Ordinal);
        private char[] _text = new char[256];

        public Node Root { get; } = new(string.Empty);

        public override void Format(in ExtractedFrame frame, System.Buffers.IBufferWriter<byte> output)
        {
            _chain.Clear();
            FieldExtractor.AppendTsharkChain(_chain, frame.Frame);
            if (_text.Length < _chain.Length)
            {
                _text = new char[_chain.Length * 2];
            }

            _chain.CopyTo(0, _text, _chain.Length);
            var key = _text.AsSpan(0, _chain.Length);
            var number = frame.Number;
            if (!_paths.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var nodes))
            {
                nodes = PathOf(Root, key.ToString(), labels, number);
                if (_paths.Count < MaxPaths)
                {
                    _paths[key.ToString()] = nodes;
                }
            }

            foreach (var node in nodes)
            {
                node.Frames++;
                node.Bytes += frame.Record.OriginalLength;
            }
        }
    }

    /// <summary>The nodes a chain counts under, made as they are first needed (by frame <paramref name="number"/>).</summary>
    private static Node[] PathOf(Node root, string chain, HashSet<string> labels, long number)
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

            node = node.Child(name, number);
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

        /// <summary>The number of the first frame counted here.</summary>
        public long FirstFrame { get; private set; } = long.MaxValue;

        /// <summary>The children, in the order they were first seen (as tshark lists them).</summary>
        public List<Node> Children { get; } = [];

        /// <summary>The child <paramref name="name"/>, made when frame <paramref name="frame"/> first reaches it.</summary>
        public Node Child(string name, long frame)
        {
            if (!_byName.TryGetValue(name, out var child))
            {
                child = new Node(name) { FirstFrame = frame };
                _byName[name] = child;
                Children.Add(child);
            }

            return child;
        }

        /// <summary>Adds another share's counts under this node, keeping the children in first-seen order.</summary>
        public void Merge(Node other)
        {
            Frames += other.Frames;
            Bytes += other.Bytes;
            foreach (var theirs in other.Children)
            {
                var mine = Child(theirs.Name, theirs.FirstFrame);
                mine.FirstFrame = Math.Min(mine.FirstFrame, theirs.FirstFrame);
                mine.Merge(theirs);
            }

            Children.Sort((a, b) => a.FirstFrame.CompareTo(b.FirstFrame));
        }
    }
}
