using System;
using System.Globalization;
using System.Text;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Protocols;

/// <summary>
/// One line per frame in the manner of <c>tcpdump -n -S</c> (absolute sequence numbers): the network layer's
/// addresses and ports, then what the transport or control protocol says (TCP flags, sequence, ack, window;
/// ICMP message; UDP length), or the link layer's description for frames without IP.
/// </summary>
public static class FrameSummary
{
    /// <summary>Writes the summary of <paramref name="frame"/> (without the timestamp) to <paramref name="builder"/>.</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="frame">The frame.</param>
    public static void Append(StringBuilder builder, Frame frame)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var ip = -1;
        for (var i = 0; i < frame.LayerCount && ip < 0; i++)
        {
            var name = frame.ProtocolAt(i).Name;
            if (name is "ipv4" or "ipv6")
            {
                ip = i;
            }
            else if (name == "arp" && frame[i].Parse.IsOk)
            {
                AppendArp(builder, frame, i);
                return;
            }
        }

        if (ip < 0)
        {
            AppendLink(builder, frame);
            return;
        }

        var v6 = frame.ProtocolAt(ip).Name == "ipv6";
        builder.Append(v6 ? "IP6 " : "IP ");
        if (!frame.ProtocolAt(ip).TryGetAddresses(frame.LayerBytes(ip), out var version, out var source, out var destination))
        {
            builder.Append("truncated-ip").Append(v6 ? "6" : string.Empty).Append(", length ").Append(frame.Data.Length.ToString(CultureInfo.InvariantCulture));
            return;
        }

        // The layer that names what the datagram carries: the first one after the IP layer and its extension headers.
        var next = ip + 1;
        while (next < frame.LayerCount && frame.ProtocolAt(next).Name.StartsWith("ipv6_", StringComparison.Ordinal) && frame.ProtocolAt(next).Name != "ipv6_fraghdr")
        {
            next++;
        }

        var transport = next < frame.LayerCount ? frame.ProtocolAt(next).Name : null;
        ushort sourcePort = 0, destinationPort = 0;
        var hasPorts = transport is not null && frame.ProtocolAt(next).TryGetPorts(frame.LayerBytes(next), out sourcePort, out destinationPort);
        AppendEndpoint(builder, version, source, hasPorts, sourcePort);
        builder.Append(" > ");
        AppendEndpoint(builder, version, destination, hasPorts, destinationPort);
        builder.Append(": ");
        switch (transport)
        {
            case "tcp" when frame[next].Parse.IsOk && Tcp.View.TryParse(frame.LayerBytes(next), frame[next].ReportedLength, out var tcp).IsOk:
                AppendTcp(builder, tcp);
                break;
            case "udp" when Udp.TryParse(frame.LayerBytes(next), out var udp).IsOk:
                builder.Append("UDP, length ").Append(Math.Max(0, udp.Length - Udp.FixedHeaderLength).ToString(CultureInfo.InvariantCulture));
                break;
            case "icmp" when Icmp.TryParse(frame.LayerBytes(next), out var icmp).IsOk:
                AppendIcmp(builder, icmp, frame.LayerBytes(next).Length);
                break;
            case "icmpv6" when Icmpv6.TryParse(frame.LayerBytes(next), out var icmp6).IsOk:
                AppendIcmpv6(builder, icmp6, frame.LayerBytes(next).Length);
                break;
            case "ipv6_fraghdr" when Ipv6Fragment.TryParse(frame.LayerBytes(next), out var fragment).IsOk:
                builder.Append("frag (").Append((fragment.Offset * 8).ToString(CultureInfo.InvariantCulture)).Append('|')
                    .Append(Math.Max(0, frame.LayerBytes(next).Length - Ipv6Fragment.FixedHeaderLength).ToString(CultureInfo.InvariantCulture)).Append(')');
                break;
            case null when !v6 && Ipv4.TryParse(frame.LayerBytes(ip), out var ipv4).IsOk && (ipv4.MoreFragments || ipv4.FragmentOffset != 0):
                builder.Append(ipv4.Protocol.GetName() ?? "ip-proto-" + ((byte)ipv4.Protocol).ToString(CultureInfo.InvariantCulture))
                    .Append(" (frag ").Append(ipv4.Identification.ToString(CultureInfo.InvariantCulture)).Append(':')
                    .Append(ipv4.Payload.Length.ToString(CultureInfo.InvariantCulture)).Append('@')
                    .Append((ipv4.FragmentOffset * 8).ToString(CultureInfo.InvariantCulture)).Append(ipv4.MoreFragments ? "+)" : ")");
                break;
            case null:
                builder.Append("length ").Append(frame.LayerBytes(ip).Length.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                builder.Append(transport.ToUpperInvariant()).Append(", length ").Append(frame.LayerBytes(next).Length.ToString(CultureInfo.InvariantCulture));
                if (!frame[next].Parse.IsOk)
                {
                    builder.Append(" [|").Append(transport).Append(']');
                }

                break;
        }

        // What the transport carries, when a dissector knows it (tcpdump names it after the transport: "length 77: HTTP").
        var application = next + 1;
        if (transport is not null && application < frame.LayerCount && frame.ProtocolAt(application).Layer == LayerKind.Application)
        {
            var name = frame.ProtocolAt(application).Name;
            builder.Append(": ").Append(name.ToUpperInvariant());
            if (!frame[application].Parse.IsOk)
            {
                builder.Append(" [|").Append(name).Append(']');
            }
        }
    }

    /// <summary>The summary of <paramref name="frame"/>.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>The line.</returns>
    public static string Get(Frame frame)
    {
        var builder = new StringBuilder();
        Append(builder, frame);
        return builder.ToString();
    }

    private static void AppendEndpoint(StringBuilder builder, byte version, Ipv6Address address, bool hasPorts, ushort port)
    {
        builder.Append(version == 4 ? new Ipv4Address((uint)(address.Value & uint.MaxValue)).ToString() : address.ToString());
        if (hasPorts)
        {
            builder.Append('.').Append(port.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void AppendTcp(StringBuilder builder, Tcp.View tcp)
    {
        var flags = tcp.Flags;
        builder.Append("Flags [");
        if ((flags & TcpFlags.Syn) != 0) builder.Append('S');
        if ((flags & TcpFlags.Fin) != 0) builder.Append('F');
        if ((flags & TcpFlags.Rst) != 0) builder.Append('R');
        if ((flags & TcpFlags.Psh) != 0) builder.Append('P');
        if ((flags & TcpFlags.Urg) != 0) builder.Append('U');
        if ((flags & TcpFlags.Ece) != 0) builder.Append('E');
        if ((flags & TcpFlags.Cwr) != 0) builder.Append('W');
        if ((flags & TcpFlags.Ack) != 0) builder.Append('.');
        if ((flags & (TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst | TcpFlags.Psh | TcpFlags.Urg | TcpFlags.Ece | TcpFlags.Cwr | TcpFlags.Ack)) == 0) builder.Append("none");
        builder.Append("], seq ").Append(tcp.SequenceNumber.ToString(CultureInfo.InvariantCulture));
        var length = Math.Max(0, tcp.PayloadLength);
        if (length > 0)
        {
            builder.Append(':').Append(((uint)(tcp.SequenceNumber + length)).ToString(CultureInfo.InvariantCulture));
        }

        if ((flags & TcpFlags.Ack) != 0)
        {
            builder.Append(", ack ").Append(tcp.AcknowledgmentNumber.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append(", win ").Append(tcp.Window.ToString(CultureInfo.InvariantCulture));
        if (tcp.Options.TryGetMss(out ushort mss))
        {
            builder.Append(", options [mss ").Append(mss.ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        builder.Append(", length ").Append(length.ToString(CultureInfo.InvariantCulture));
    }

    private static void AppendIcmp(StringBuilder builder, Icmp.View icmp, int length)
    {
        builder.Append("ICMP ");
        var name = icmp.Type.GetName();
        builder.Append(name is null ? "type-#" + ((byte)icmp.Type).ToString(CultureInfo.InvariantCulture) : name.Replace('_', ' '));
        if (icmp.Message.TryGetEcho(out var echo))
        {
            builder.Append(", id ").Append(echo.Identifier.ToString(CultureInfo.InvariantCulture)).Append(", seq ").Append(echo.SequenceNumber.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append(", length ").Append(length.ToString(CultureInfo.InvariantCulture));
    }

    private static void AppendIcmpv6(StringBuilder builder, Icmpv6.View icmp, int length)
    {
        builder.Append("ICMP6, ");
        var name = icmp.Type.GetName();
        builder.Append(name is null ? "type-#" + ((byte)icmp.Type).ToString(CultureInfo.InvariantCulture) : name.Replace('_', ' '));
        if (icmp.Message.TryGetEcho(out var echo))
        {
            builder.Append(", id ").Append(echo.Identifier.ToString(CultureInfo.InvariantCulture)).Append(", seq ").Append(echo.SequenceNumber.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append(", length ").Append(length.ToString(CultureInfo.InvariantCulture));
    }

    private static void AppendArp(StringBuilder builder, Frame frame, int index)
    {
        if (!Arp.TryParse(frame.LayerBytes(index), out var arp).IsOk)
        {
            builder.Append("ARP, truncated");
            return;
        }

        builder.Append(arp.ProtocolType == 0x0800 ? "ARP, " : "ARP (proto 0x" + arp.ProtocolType.ToString("x4", CultureInfo.InvariantCulture) + "), ");
        switch (arp.Operation)
        {
            case ArpOperation.Request:
                builder.Append("Request who-has ").Append(Address(arp.TargetProtocolAddress)).Append(" tell ").Append(Address(arp.SenderProtocolAddress));
                break;
            case ArpOperation.Reply:
                builder.Append("Reply ").Append(Address(arp.SenderProtocolAddress)).Append(" is-at ").Append(Address(arp.SenderHardwareAddress));
                break;
            default:
                builder.Append(arp.Operation.GetName() ?? "op " + ((ushort)arp.Operation).ToString(CultureInfo.InvariantCulture));
                break;
        }

        builder.Append(", length ").Append(frame.LayerBytes(index).Length.ToString(CultureInfo.InvariantCulture));
    }

    private static string Address(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        4 => Ipv4Address.Read(bytes).ToString(),
        6 => MacAddress.Read(bytes).ToString(),
        16 => Ipv6Address.Read(bytes).ToString(),
        _ => Convert.ToHexStringLower(bytes),
    };

    private static void AppendLink(StringBuilder builder, Frame frame)
    {
        if (frame.LayerCount == 0)
        {
            builder.Append("unknown link type, length ").Append(frame.Data.Length.ToString(CultureInfo.InvariantCulture));
            return;
        }

        var last = frame.LayerCount - 1;
        builder.Append(frame.ProtocolAt(last).Title);
        if (frame.ProtocolAt(0).Name == "ethernet" && Ethernet.TryParse(frame.Data, out var eth).IsOk)
        {
            builder.Append(", ethertype 0x").Append(((ushort)eth.EtherType).ToString("x4", CultureInfo.InvariantCulture));
        }

        builder.Append(", length ").Append(frame.Data.Length.ToString(CultureInfo.InvariantCulture));
        if (!frame.IsWellFormed)
        {
            builder.Append(" [|").Append(frame.ProtocolAt(last).Name).Append(']');
        }
    }
}
