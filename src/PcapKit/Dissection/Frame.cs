using System;
using System.Text;

namespace PcapKit.Dissection;

/// <summary>
/// A dissected frame: its bytes and layers, with typed access to each layer's generated view. A view over the
/// frame's bytes, valid while they are.
/// </summary>
public readonly ref struct Frame
{
    private readonly ReadOnlySpan<Layer> _layers;
    private readonly int _rawOffset;
    private readonly int _rawLength;

    /// <summary>Creates a frame over dissected bytes.</summary>
    /// <param name="data">The frame's bytes.</param>
    /// <param name="layers">Its layers, from <see cref="Dissector.Dissect(in Capture.CaptureRecord, LayerStack)"/>.</param>
    /// <param name="registry">The registry the layers' protocol indexes refer to.</param>
    public Frame(ReadOnlySpan<byte> data, LayerStack layers, DissectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Data = data;
        _layers = layers.Layers;
        _rawOffset = layers.RawOffset;
        _rawLength = layers.RawLength;
        RawReason = layers.RawReason;
        Registry = registry;
    }

    /// <summary>Creates a frame over bytes and layers kept from an earlier dissection (<see cref="Extraction.StoredFrame"/>).</summary>
    /// <param name="data">The frame's bytes.</param>
    /// <param name="layers">Its layers.</param>
    /// <param name="rawOffset">The offset of the bytes no layer dissected.</param>
    /// <param name="rawLength">Their length.</param>
    /// <param name="rawReason">Why they were not dissected.</param>
    /// <param name="registry">The registry the layers' protocol indexes refer to.</param>
    public Frame(ReadOnlySpan<byte> data, ReadOnlySpan<Layer> layers, int rawOffset, int rawLength, string? rawReason, DissectorRegistry registry)
    {
        Data = data;
        _layers = layers;
        _rawOffset = rawOffset;
        _rawLength = rawLength;
        RawReason = rawReason;
        Registry = registry;
    }

    /// <summary>The frame's bytes.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The registry.</summary>
    public DissectorRegistry Registry { get; }

    /// <summary>The number of layers.</summary>
    public int LayerCount => _layers.Length;

    /// <summary>The layers, outermost first.</summary>
    public ReadOnlySpan<Layer> Layers => _layers;

    /// <summary>The layer at <paramref name="index"/>.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The layer.</returns>
    public ref readonly Layer this[int index] => ref _layers[index];

    /// <summary>The protocol of the layer at <paramref name="index"/>.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The protocol.</returns>
    public ProtocolDescriptor ProtocolAt(int index) => Registry.GetProtocol(_layers[index].Protocol);

    /// <summary>The bytes of the layer at <paramref name="index"/> (its unit: header and payload).</summary>
    /// <param name="index">The index.</param>
    /// <returns>The bytes.</returns>
    public ReadOnlySpan<byte> LayerBytes(int index)
    {
        ref readonly var layer = ref _layers[index];
        return Data.Slice(layer.Offset, layer.Length);
    }

    /// <summary>
    /// The bytes of layer <paramref name="index"/> after the unit its payload went to: the next layer ends before this
    /// one does (Ethernet's padding after a short IPv4 datagram, a second DNS message after the first in a TCP segment).
    /// Empty when the next layer fills the payload, or when there is no next layer (then what is left is <see cref="Raw"/>).
    /// </summary>
    /// <param name="index">The layer.</param>
    /// <param name="offset">Where the trailer starts in the frame.</param>
    /// <returns>The trailer's bytes.</returns>
    public ReadOnlySpan<byte> GetTrailer(int index, out int offset)
    {
        ref readonly var layer = ref _layers[index];
        offset = layer.Offset + layer.Length;
        if (index + 1 >= _layers.Length)
        {
            return [];
        }

        // The end of what later layers inside this one cover (several units back to back, Layer.Repeats, count too).
        var end = -1;
        for (var i = index + 1; i < _layers.Length; i++)
        {
            ref readonly var inner = ref _layers[i];
            if (inner.Offset >= layer.Offset && inner.Offset < offset)
            {
                end = Math.Max(end, inner.Offset + inner.Length);
            }
        }

        if (end < 0 || end >= offset)
        {
            return [];
        }

        var trailer = Data.Slice(end, offset - end);
        offset = end;
        return trailer;
    }

    /// <summary>
    /// Whether layer <paramref name="index"/> is a further unit after an earlier unit of the same protocol that repeats
    /// (<see cref="Layer.Repeats"/>: a second DNS message in a TCP segment) rather than inside the layer before it.
    /// </summary>
    /// <param name="index">The layer.</param>
    /// <returns>Whether it follows instead of nesting.</returns>
    public bool IsFollowingUnit(int index)
    {
        ref readonly var layer = ref _layers[index];
        for (var j = 0; j < index; j++)
        {
            ref readonly var earlier = ref _layers[j];
            if (earlier.Repeats && earlier.Protocol == layer.Protocol && layer.Offset >= earlier.Offset + earlier.Length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The bytes no layer dissected.</summary>
    public ReadOnlySpan<byte> Raw => Data.Slice(_rawOffset, _rawLength);

    /// <summary>The offset of <see cref="Raw"/> in the frame.</summary>
    public int RawOffset => _rawOffset;

    /// <summary>Why <see cref="Raw"/> was not dissected, or null.</summary>
    public string? RawReason { get; }

    /// <summary>Whether every layer parsed.</summary>
    public bool IsWellFormed
    {
        get
        {
            for (var i = 0; i < _layers.Length; i++)
            {
                if (!_layers[i].IsParsed)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Whether a layer of protocol <paramref name="name"/> is present.</summary>
    /// <param name="name">The protocol's identifier.</param>
    /// <returns>Whether it is.</returns>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The index of the first layer of protocol <paramref name="name"/>, or -1.</summary>
    /// <param name="name">The protocol's identifier.</param>
    /// <param name="occurrence">Which occurrence (0 for the first, 1 for an inner one in a tunnel).</param>
    /// <returns>The index.</returns>
    public int IndexOf(string name, int occurrence = 0)
    {
        var protocol = Registry.IndexOf(name);
        for (var i = 0; i < _layers.Length && protocol >= 0; i++)
        {
            if (_layers[i].Protocol == protocol && occurrence-- == 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Gets the view of the first layer of the view's protocol that parsed.</summary>
    /// <typeparam name="T">The generated view type (<c>Tcp.View</c>).</typeparam>
    /// <param name="view">The view.</param>
    /// <returns>Whether the frame has such a layer.</returns>
    public bool TryGet<T>(out T view)
        where T : IHeaderView<T>, allows ref struct => TryGet(0, out view);

    /// <summary>Gets the view of the <paramref name="occurrence"/>-th layer of the view's protocol (0 = outermost).</summary>
    /// <typeparam name="T">The generated view type.</typeparam>
    /// <param name="occurrence">Which occurrence.</param>
    /// <param name="view">The view.</param>
    /// <returns>Whether the frame has such a layer.</returns>
    public bool TryGet<T>(int occurrence, out T view)
        where T : IHeaderView<T>, allows ref struct
    {
        var descriptor = T.Descriptor;
        var registry = Registry;
        for (var i = 0; i < _layers.Length; i++)
        {
            ref readonly var layer = ref _layers[i];
            if (ReferenceEquals(registry.GetProtocol(layer.Protocol), descriptor) && layer.IsParsed && occurrence-- == 0)
            {
                return T.TryParse(Data.Slice(layer.Offset, layer.Length), layer.ReportedLength, out view).IsOk;
            }
        }

        view = default!;
        return false;
    }

    /// <summary>
    /// The 5-tuple of the frame: the addresses of its first IP layer (a protocol with address roles), the IP protocol
    /// of the last layer reached from it by protocol number (past IPv6 extension headers) — or, when that layer's payload
    /// was not dissected (a fragment after the first, a protocol the pack lacks after an IPv6 extension header or AH), the
    /// protocol it names — and the ports of the first transport
    /// layer after it (a protocol with port roles; 0 when there is none, as for ICMP and later fragments).
    /// </summary>
    /// <param name="tuple">The 5-tuple.</param>
    /// <returns>Whether the frame has an IP layer whose addresses were captured.</returns>
    public bool TryGetFiveTuple(out Net.FiveTuple tuple)
    {
        for (var i = 0; i < _layers.Length; i++)
        {
            var ip = Registry.GetProtocol(_layers[i].Protocol);
            if (!ip.TryGetAddresses(LayerBytes(i), out var version, out var source, out var destination))
            {
                continue;
            }

            byte protocol = 0;
            ushort sourcePort = 0, destinationPort = 0;
            var last = i;
            var ports = false;
            for (var j = i + 1; j < _layers.Length && _layers[j].DispatchTable == Registry.IpProtocolTable; j++)
            {
                protocol = (byte)_layers[j].DispatchKey;
                last = j;
                if (Registry.GetProtocol(_layers[j].Protocol).TryGetPorts(LayerBytes(j), out sourcePort, out destinationPort))
                {
                    ports = true;
                    break;
                }
            }

            // A header whose payload was not dissected (a fragment after the first: IPv4's, or an IPv6 Fragment header's;
            // a protocol the pack lacks after an extension header or AH) still names the protocol it carries.
            if (!ports && Registry.GetProtocol(_layers[last].Protocol).TryGetRoleValue(LayerBytes(last), Annotations.FieldRole.Protocol, out var carried))
            {
                protocol = (byte)carried;
            }

            tuple = new Net.FiveTuple(version, source, destination, protocol, sourcePort, destinationPort);
            return true;
        }

        tuple = default;
        return false;
    }

    /// <summary>Writes the protocol chain, PyPCAPKit-style (<c>Ethernet:IPv4:TCP</c> uses titles; this uses identifiers: <c>ethernet:ipv4:tcp</c>).</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="separator">The separator.</param>
    public void AppendChain(StringBuilder builder, char separator = ':')
    {
        ArgumentNullException.ThrowIfNull(builder);
        for (var i = 0; i < _layers.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(separator);
            }

            builder.Append(Registry.GetProtocol(_layers[i].Protocol).Name);
        }
    }

    /// <summary>The protocol chain (<c>ethernet:ipv4:tcp</c>).</summary>
    /// <returns>The chain.</returns>
    public string GetChain()
    {
        var sb = new StringBuilder();
        AppendChain(sb);
        return sb.ToString();
    }
}
