using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Engines.PacketDotNet;
using PcapKit.Net;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Integration.Tests;

/// <summary>
/// Both engines over the corpus: the generated dissectors and PacketDotNet must agree on each frame's protocol
/// chain (mapped to common names, up to what both parse) and 5-tuple. Every difference is put in a category with
/// its reason; a difference in no category fails the test.
/// </summary>
public sealed class EngineComparisonTests(ITestOutputHelper output)
{
    /// <summary>Our protocol → PacketDotNet's layer name; protocols PacketDotNet has no packet class for are left out of both chains.</summary>
    private static readonly Dictionary<string, string> Common = new(StringComparer.Ordinal)
    {
        ["ethernet"] = "Ethernet", ["vlan"] = "Ieee8021Q", ["linux_sll"] = "LinuxSll", ["linux_sll2"] = "LinuxSll2", ["null"] = "Null",
        ["arp"] = "Arp", ["ipv4"] = "IPv4", ["ipv6"] = "IPv6", ["icmp"] = "IcmpV4", ["icmpv6"] = "IcmpV6", ["igmp"] = "Igmp",
        ["gre"] = "Gre", ["tcp"] = "Tcp", ["udp"] = "Udp",
    };

    [SkippableFact]
    public void BothEngines_AgreeOnChainsAndFiveTuples_OverTheCorpus()
    {
        var registry = Packs.Registry;
        var dissector = new Dissector(registry);
        var stack = new LayerStack();
        var engine = new PacketDotNetEngine();
        var categories = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var unexplained = new List<string>();
        int frames = 0, sameChain = 0, tuples = 0, sameTuple = 0;
        foreach (var capture in Corpus.Captures().Where(c => !Corpus.IsRejectedByTshark(c)))
        {
            using var reader = CaptureReader.Open(Corpus.File(capture));
            try
            {
                foreach (var record in reader)
                {
                    frames++;
                    dissector.Dissect(record, stack);
                    var frame = new Frame(record.Data, stack, registry);
                    var theirs = (PacketDotNetFrame)engine.Dissect(record)!;
                    var (ourChain, ourNext) = Ours(frame);
                    var theirChain = Theirs(theirs);
                    if (ourChain.SequenceEqual(theirChain))
                    {
                        sameChain++;
                    }
                    else if (Explain(ourChain, theirChain, ourNext, theirs) is { } reason)
                    {
                        categories[reason] = categories.GetValueOrDefault(reason) + 1;
                    }
                    else
                    {
                        unexplained.Add($"{capture} frame {record.Number}: ours {string.Join(':', ourChain)}, PacketDotNet {string.Join(':', theirChain)} ({theirs.Error ?? "no error"})");
                    }

                    var ourTuple = frame.TryGetFiveTuple(out var a);
                    var theirTuple = engine.TryGetFiveTuple(theirs, out var b);
                    if (!ourTuple || !theirTuple)
                    {
                        continue;
                    }

                    tuples++;
                    if (a == b)
                    {
                        sameTuple++;
                    }
                    else if (ExplainTuple(frame, a, b) is { } reason)
                    {
                        categories["5-tuple: " + reason] = categories.GetValueOrDefault("5-tuple: " + reason) + 1;
                    }
                    else
                    {
                        unexplained.Add($"{capture} frame {record.Number}: 5-tuple ours {a}, PacketDotNet {b}");
                    }
                }
            }
            catch (InvalidDataException)
            {
                // A corrupt file ends early for both engines; the reader's own tests check where.
            }
        }

        output.WriteLine($"{frames} frames: chains agree on {sameChain}, 5-tuples on {sameTuple} of {tuples}. Differences by reason:");
        foreach (var (reason, count) in categories)
        {
            output.WriteLine($"  {count,5}  {reason}");
        }

        Assert.True(unexplained.Count == 0, $"{unexplained.Count} differences without a reason:\n" + string.Join("\n", unexplained.Take(30)));
        Assert.True(sameChain > frames * 0.95, $"chains agree on only {sameChain} of {frames} frames");
        Assert.True(sameTuple > tuples * 0.98, $"5-tuples agree on only {sameTuple} of {tuples}");
    }

    /// <summary>Our chain in PacketDotNet's names, up to the first ICMP (PacketDotNet does not parse the quoted datagram); and our first protocol PacketDotNet has no class for.</summary>
    private static (List<string> Chain, string? Uncommon) Ours(Frame frame)
    {
        var chain = new List<string>();
        string? uncommon = null;
        for (var i = 0; i < frame.LayerCount; i++)
        {
            var name = frame.ProtocolAt(i).Name;
            if (Common.TryGetValue(name, out var mapped))
            {
                chain.Add(mapped);
                if (name is "icmp" or "icmpv6")
                {
                    break;
                }
            }
            else
            {
                uncommon ??= name;
            }
        }

        return (chain, uncommon);
    }

    /// <summary>PacketDotNet's chain without the layers beyond the pack's (DHCP, NDP messages) and RawIP (a link type, not a protocol).</summary>
    private static List<string> Theirs(PacketDotNetFrame frame)
    {
        var chain = new List<string>();
        foreach (var layer in frame.Layers)
        {
            var name = PacketDotNetEngine.LayerName(layer);
            name = name.StartsWith("Igmp", StringComparison.Ordinal) ? "Igmp" : name;
            if (Common.ContainsValue(name))
            {
                chain.Add(name);
            }
        }

        return chain;
    }

    private static string? Explain(List<string> ours, List<string> theirs, string? uncommon, PacketDotNetFrame frame)
    {
        var prefix = theirs.Count < ours.Count && ours.Take(theirs.Count).SequenceEqual(theirs);
        if (prefix && frame.Error is { } error)
        {
            return "PacketDotNet stops at a layer it finds malformed: " + error.Split(':')[0];
        }

        if (prefix && uncommon is not null)
        {
            return $"PacketDotNet has no dissector for {uncommon}, so it stops before what follows";
        }

        if (prefix)
        {
            // Both parsed the same layers, then PacketDotNet stopped without complaint (RARP: EtherType 0x8035 has no PacketDotNet class).
            return $"PacketDotNet leaves the payload undissected where the pack reads a {ours[theirs.Count]} layer";
        }

        _ = frame;
        return null;
    }

    private static string? ExplainTuple(Frame frame, FiveTuple ours, FiveTuple theirs)
    {
        if ((ours.Version, ours.Source, ours.Destination) == (theirs.Version, theirs.Source, theirs.Destination) && ours.Protocol != theirs.Protocol)
        {
            return "behind IPv6 extension headers PacketDotNet's protocol is the fixed header's next header; the pack's is the transport's";
        }

        if ((ours.Version, ours.Source, ours.Destination, ours.Protocol) == (theirs.Version, theirs.Source, theirs.Destination, theirs.Protocol) &&
            theirs.SourcePort == 0 && theirs.DestinationPort == 0 && frame.LayerCount > 0)
        {
            return "PacketDotNet did not reach the transport header (cut short, or behind a hundred extension headers), so it has no ports";
        }

        return null;
    }
}
