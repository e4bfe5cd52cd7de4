using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.TestSupport;

namespace PcapKit.Protocols.Tests;

/// <summary>One record of a corpus capture, copied out of the reader.</summary>
/// <param name="Number">The frame number (1-based, as tshark counts).</param>
/// <param name="LinkType">The link type of its interface.</param>
/// <param name="OriginalLength">Its length on the wire.</param>
/// <param name="Data">The captured bytes.</param>
internal sealed record CorpusFrame(long Number, int LinkType, int OriginalLength, byte[] Data);

/// <summary>The frames of corpus captures, read once with the library's reader and cached.</summary>
internal static class CorpusFrames
{
    private static readonly HashSet<string> Foundation = ["ethernet", "ipv4", "tcp", "udp"];
    private static readonly ConcurrentDictionary<string, (IReadOnlyList<CorpusFrame> Frames, string? Error)> Cache = new(StringComparer.Ordinal);

    /// <summary>Every record of a capture, up to the end or the first corrupt record.</summary>
    /// <param name="capture">The capture's file name in the corpus.</param>
    /// <param name="error">The reader's error at a corrupt or truncated record (the frames before it are returned), or null.</param>
    /// <returns>The frames.</returns>
    public static IReadOnlyList<CorpusFrame> Read(string capture, out string? error)
    {
        var path = Corpus.File(capture);
        var entry = Cache.GetOrAdd(capture, _ => Load(path));
        error = entry.Error;
        return entry.Frames;
    }

    /// <summary>Every capture of the corpus that tshark could open, by name.</summary>
    /// <returns>The names.</returns>
    public static IEnumerable<string> Captures()
    {
        foreach (var capture in Corpus.Captures())
        {
            if (!Corpus.IsRejectedByTshark(capture))
            {
                yield return capture;
            }
        }
    }

    /// <summary>Frames of a capture whose layers are all Ethernet, IPv4, TCP or UDP (with any undissected payload).</summary>
    /// <param name="capture">The capture.</param>
    /// <returns>The frames' bytes.</returns>
    public static List<byte[]> EthernetIpv4TcpUdp(string capture)
    {
        var result = new List<byte[]>();
        var stack = new LayerStack();
        foreach (var frame in Read(capture, out _))
        {
            if (frame.LinkType != LinkTypes.Ethernet)
            {
                continue;
            }

            Packs.Dissector.Dissect(frame.Data, frame.LinkType, stack);
            var all = stack.Count >= 2;
            for (var i = 0; i < stack.Count && all; i++)
            {
                all = Foundation.Contains(Packs.Registry.GetProtocol(stack[i].Protocol).Name) && stack[i].Parse.IsOk;
            }

            if (all && Packs.Registry.GetProtocol(stack[1].Protocol).Name == "ipv4")
            {
                result.Add(frame.Data);
            }
        }

        return result;
    }

    private static (IReadOnlyList<CorpusFrame>, string?) Load(string path)
    {
        var frames = new List<CorpusFrame>();
        using var reader = CaptureReader.Open(path);
        try
        {
            while (reader.TryReadNext(out var record))
            {
                frames.Add(new CorpusFrame(record.Number, record.LinkType, (int)Math.Min(record.OriginalLength, int.MaxValue), record.Data.ToArray()));
            }
        }
        catch (InvalidDataException e)
        {
            // The reader has delivered every good record before the damage; the caller sees the error text.
            return (frames, e.Message);
        }

        return (frames, null);
    }
}
