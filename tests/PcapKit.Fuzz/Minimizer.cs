using System;
using System.Collections.Generic;
using System.IO;
using PcapKit.Capture;

namespace PcapKit.Fuzz;

/// <summary>Shrinks a failing capture to the records it needs, so a finding becomes a short regression test.</summary>
public static class Minimizer
{
    /// <summary>Drops records, then trailing bytes of records, while <paramref name="fails"/> still holds.</summary>
    /// <param name="capture">A pcap capture that fails (pcapng and unreadable files are returned as they are).</param>
    /// <param name="fails">Whether a capture still fails the same way.</param>
    /// <returns>The smallest failing capture found.</returns>
    public static byte[] Minimize(byte[] capture, Func<byte[], bool> fails)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(fails);
        int linkType;
        var frames = new List<SourceFrame>();
        try
        {
            using var reader = CaptureReader.Open(new MemoryStream(capture), "finding");
            if (reader.Format != CaptureFormat.Pcap)
            {
                return capture;
            }

            linkType = -1;
            foreach (var record in reader)
            {
                linkType = record.LinkType;
                frames.Add(new SourceFrame(record.Data.ToArray(), record.HasTimestamp ? record.Timestamp : default, record.OriginalLength));
            }
        }
        catch (InvalidDataException)
        {
            return capture;
        }

        if (linkType < 0 || !fails(FuzzCampaign.Pcap(linkType, frames)))
        {
            return capture;
        }

        for (var i = frames.Count - 1; i >= 0; i--)
        {
            var without = new List<SourceFrame>(frames);
            without.RemoveAt(i);
            if (fails(FuzzCampaign.Pcap(linkType, without)))
            {
                frames = without;
            }
        }

        for (var i = 0; i < frames.Count; i++)
        {
            for (var cut = frames[i].Data.Length / 2; cut > 0; cut /= 2)
            {
                var shorter = new List<SourceFrame>(frames);
                shorter[i] = frames[i] with { Data = frames[i].Data[..^cut], OriginalLength = frames[i].OriginalLength - (uint)cut };
                if (fails(FuzzCampaign.Pcap(linkType, shorter)))
                {
                    frames = shorter;
                }
            }
        }

        return FuzzCampaign.Pcap(linkType, frames);
    }
}
