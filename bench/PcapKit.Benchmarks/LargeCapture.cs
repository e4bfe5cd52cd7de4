using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using PcapKit.Capture;

namespace PcapKit.Benchmarks;

/// <summary>
/// <c>large SOURCE OUT [GB]</c>: a capture of any size for the scale runs, made by repeating SOURCE (an Ethernet
/// pcap or pcapng) as pcap: each copy's timestamps shifted past the previous copy's end and its IPv4 and IPv6
/// addresses shifted (the third octet of IPv4, byte 12 of IPv6, plus the copy's number), so every copy's flows and
/// fragments are new ones, as in a longer capture of more hosts. Checksums are not recomputed.
/// </summary>
internal static class LargeCapture
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: large SOURCE OUT [GB, default 8]");
            return 2;
        }

        var target = (long)((args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 8) * 1e9);
        long written = 24;
        long records = 0;
        var copy = 0;
        long shift = 0;
        using var output = new FileStream(args[1], FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        using var writer = new PcapWriter(output, LinkTypes.Ethernet, nanoseconds: true);
        var buffer = new byte[262_144];
        while (written < target)
        {
            long first = long.MinValue;
            long last = 0;
            using var reader = CaptureReader.Open(args[0]);
            foreach (var record in reader)
            {
                if (record.LinkType != LinkTypes.Ethernet || !record.HasTimestamp)
                {
                    continue;
                }

                var time = record.Timestamp.TotalNanoseconds;
                first = first == long.MinValue ? time : first;
                last = time;
                var data = buffer.AsSpan(0, record.Data.Length);
                record.Data.CopyTo(data);
                Shift(data, copy);
                var shifted = time + shift;
                writer.Write(CaptureTimestamp.FromNanoseconds(shifted / 1_000_000_000, (uint)(shifted % 1_000_000_000)), data, record.OriginalLength);
                written += 16 + data.Length;
                records++;
                if (written >= target)
                {
                    break;
                }
            }

            shift += last - first + 1_000_000_000;
            copy++;
        }

        writer.Flush();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{args[1]}: {written:N0} bytes, {records:N0} records, {copy} copies of {args[0]}"));
        return 0;
    }

    private static void Shift(Span<byte> frame, int copy)
    {
        if (frame.Length < 14 || copy == 0)
        {
            return;
        }

        var ethertype = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        var ip = frame[14..];
        if (ethertype == 0x0800 && ip.Length >= 20)
        {
            ip[14] = (byte)(ip[14] + copy);
            ip[18] = (byte)(ip[18] + copy);
        }
        else if (ethertype == 0x86DD && ip.Length >= 40)
        {
            ip[8 + 12] = (byte)(ip[8 + 12] + copy);
            ip[24 + 12] = (byte)(ip[24 + 12] + copy);
        }
    }
}
