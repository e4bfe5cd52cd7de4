using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using PacketDotNet;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Net;
using PcapKit.Output;

namespace PcapKit.Engines.PacketDotNet;

/// <summary>
/// Extraction with PacketDotNet instead of the generated dissectors: every record becomes a PacketDotNet
/// <see cref="Packet"/>, kept as it is (stored frames hold it in <see cref="StoredFrame.EnginePacket"/>), while
/// extraction still gets the protocol chain, the 5-tuple and an output view of each layer from it.
/// </summary>
public sealed class PacketDotNetEngine : ExtractionEngine
{
    // Link types PacketDotNet knows, found once by reflection at start-up, never per packet.
    private static readonly HashSet<int> Known = BuildKnown();

    /// <inheritdoc/>
    public override string Name => "packetdotnet";

    /// <inheritdoc/>
    /// <returns>A <see cref="PacketDotNetFrame"/>: PacketDotNet's <see cref="Packet"/> as it is, with its layers parsed.</returns>
    public override object? Dissect(in CaptureRecord record)
    {
        if (!TryMap(record.LinkType, out var linkLayer))
        {
            return new PacketDotNetFrame(null, [], "PacketDotNet has no link layer " + LinkTypes.GetName(record.LinkType));
        }

        var layers = new List<Packet>(4);
        try
        {
            // PacketDotNet parses each payload when first asked for it: walk them all now, so a malformed layer is
            // found here and every consumer sees the same layers.
            for (Packet? layer = Packet.ParsePacket(linkLayer, record.Data.ToArray()); layer is not null; layer = layer.PayloadPacket)
            {
                layers.Add(layer);
            }
        }
        catch (Exception e) when (IsPacketDotNetComplaint(e))
        {
            // PacketDotNet throws on some malformed packets; the layers it parsed are kept, with its reason.
            return new PacketDotNetFrame(layers.Count > 0 ? layers[0] : null, layers, e.GetType().Name + ": " + e.Message) { FiveTuple = ReadFiveTuple(layers, out _) };
        }

        var tuple = ReadFiveTuple(layers, out var tupleError);
        return new PacketDotNetFrame(layers.Count > 0 ? layers[0] : null, layers, tupleError) { FiveTuple = tuple };
    }

    /// <summary>The exceptions PacketDotNet's parsers throw on bad input (its properties read lazily, so anywhere).</summary>
    private static bool IsPacketDotNetComplaint(Exception e) =>
        e is ArgumentException or IndexOutOfRangeException or InvalidOperationException or NotImplementedException or NotSupportedException or OverflowException;

    /// <summary>Reads the 5-tuple now, while the packet's properties can still be guarded.</summary>
    private static FiveTuple? ReadFiveTuple(List<Packet> layers, out string? error)
    {
        error = null;
        try
        {
            for (var i = 0; i < layers.Count; i++)
            {
                if (layers[i] is not IPPacket ip)
                {
                    continue;
                }

                ushort sourcePort = 0, destinationPort = 0;
                if (i + 1 < layers.Count && layers[i + 1] is TransportPacket transport)
                {
                    sourcePort = transport.SourcePort;
                    destinationPort = transport.DestinationPort;
                }

                var v4 = ip.SourceAddress.AddressFamily == AddressFamily.InterNetwork;
                return new FiveTuple((byte)(v4 ? 4 : 6), Address(ip.SourceAddress.GetAddressBytes()), Address(ip.DestinationAddress.GetAddressBytes()), (byte)ip.Protocol, sourcePort, destinationPort);
            }
        }
        catch (Exception e) when (IsPacketDotNetComplaint(e))
        {
            error = e.GetType().Name + ": " + e.Message;
        }

        return null;
    }

    /// <summary>Maps a LINKTYPE_ value to PacketDotNet's <see cref="LinkLayers"/>.</summary>
    /// <param name="linkType">The link type.</param>
    /// <param name="linkLayer">PacketDotNet's value.</param>
    /// <returns>Whether PacketDotNet can parse the link type.</returns>
    public static bool TryMap(int linkType, out LinkLayers linkLayer)
    {
        // LINKTYPE_IPV4 and LINKTYPE_IPV6 carry raw IP, which PacketDotNet reads as its Raw link layer.
        linkLayer = linkType is LinkTypes.Ipv4 or LinkTypes.Ipv6 ? LinkLayers.Raw : (LinkLayers)linkType;
        return linkType is LinkTypes.Ipv4 or LinkTypes.Ipv6 || Known.Contains(linkType);
    }

    /// <inheritdoc/>
    public override string GetChain(object? packet)
    {
        if (packet is not PacketDotNetFrame frame)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        foreach (var layer in frame.Layers)
        {
            if (builder.Length > 0)
            {
                builder.Append(':');
            }

            builder.Append(LayerName(layer));
        }

        return builder.ToString();
    }

    /// <summary>A layer's name: its PacketDotNet type without the <c>Packet</c> suffix (<c>Ethernet</c>, <c>IPv4</c>, <c>Tcp</c>).</summary>
    /// <param name="packet">The layer.</param>
    /// <returns>The name.</returns>
    public static string LayerName(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var name = packet.GetType().Name;
        return name.EndsWith("Packet", StringComparison.Ordinal) ? name[..^"Packet".Length] : name;
    }

    /// <inheritdoc/>
    public override bool TryGetFiveTuple(object? packet, out FiveTuple tuple)
    {
        if (packet is PacketDotNetFrame { FiveTuple: { } found })
        {
            tuple = found;
            return true;
        }

        tuple = default;
        return false;
    }

    private static Ipv6Address Address(byte[] bytes) =>
        bytes.Length == 4 ? FiveTuple.MapIpv4(Ipv4Address.Read(bytes)) : Ipv6Address.Read(bytes);

    /// <inheritdoc/>
    public override void WriteLayers(object? packet, DocumentWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (packet is not PacketDotNetFrame frame)
        {
            return;
        }

        if (frame.Error is { } error)
        {
            writer.WriteString("engine_error", error);
        }

        writer.StartArray("layers");
        foreach (var layer in frame.Layers)
        {
            // PacketDotNet reads lazily and can throw from any property: read everything before writing, so the
            // document stays well formed whatever PacketDotNet does.
            var name = LayerName(layer);
            byte[]? header = null;
            string? summary = null;
            string? layerError = null;
            try
            {
                header = layer.HeaderData;
                summary = layer.ToString();
            }
            catch (Exception e) when (IsPacketDotNetComplaint(e))
            {
                layerError = e.GetType().Name + ": " + e.Message;
            }

            writer.StartObject(name);
            writer.WriteString("protocol", name);
            if (header is not null)
            {
                writer.WriteNumber("header_length", (long)header.Length);
                writer.WriteBytes("header", header);
            }

            if (summary is not null)
            {
                writer.WriteString("summary", summary);
            }

            if (layerError is not null)
            {
                writer.WriteString("error", layerError);
            }

            writer.EndObject();
        }

        writer.EndArray();
    }

    private static HashSet<int> BuildKnown()
    {
        var known = new HashSet<int>();
        foreach (var value in Enum.GetValues<LinkLayers>())
        {
            known.Add((int)value);
        }

        return known;
    }
}

/// <summary>What the PacketDotNet engine keeps for a record: PacketDotNet's packet as it is, and its layers.</summary>
/// <param name="Packet">The outermost packet (PacketDotNet's own object), or null when PacketDotNet could not start.</param>
/// <param name="Layers">The layers PacketDotNet parsed, outermost first.</param>
/// <param name="Error">Why PacketDotNet stopped early (its exception), or null.</param>
public sealed record PacketDotNetFrame(Packet? Packet, IReadOnlyList<Packet> Layers, string? Error)
{
    /// <summary>The 5-tuple of the first IP layer, read when the frame was dissected, or null.</summary>
    public FiveTuple? FiveTuple { get; init; }
}
