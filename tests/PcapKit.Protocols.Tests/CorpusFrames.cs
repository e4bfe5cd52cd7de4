using System.Collections.Generic;
using PcapKit.Dissection;
using PcapKit.TestSupport;

namespace PcapKit.Protocols.Tests;

/// <summary>Frames of corpus captures whose layers are all Ethernet, IPv4, TCP or UDP (with any undissected payload).</summary>
internal static class CorpusFrames
{
    private static readonly HashSet<string> Foundation = ["ethernet", "ipv4", "tcp", "udp"];

    public static List<byte[]> EthernetIpv4TcpUdp(string capture)
    {
        var frames = MiniPcap.Read(Corpus.File(capture), out var linkType);
        var result = new List<byte[]>();
        var stack = default(LayerStack);
        foreach (var frame in frames)
        {
            Packs.Dissector.Dissect(frame, (int)linkType, ref stack);
            var all = stack.Count >= 2;
            for (var i = 0; i < stack.Count && all; i++)
            {
                all = Foundation.Contains(Packs.Registry.GetProtocol(stack[i].Protocol).Name) && stack[i].Parse.IsOk;
            }

            if (all && Packs.Registry.GetProtocol(stack[1].Protocol).Name == "ipv4")
            {
                result.Add(frame);
            }
        }

        return result;
    }
}
