using System;
using System.Globalization;

namespace PcapKit.Net;

/// <summary>
/// The addresses, IP protocol and ports of a packet, as the first IP layer of a frame and the transport layer
/// after it say. IPv4 addresses are kept as IPv4-mapped IPv6 addresses (<c>::ffff:a.b.c.d</c>) so one type holds
/// both families; ports are 0 for protocols without them.
/// </summary>
/// <param name="Version">4 or 6.</param>
/// <param name="Source">The source address (IPv4-mapped for IPv4).</param>
/// <param name="Destination">The destination address (IPv4-mapped for IPv4).</param>
/// <param name="Protocol">The IP protocol number of the transport layer (the last next-header value for IPv6).</param>
/// <param name="SourcePort">The source port, or 0.</param>
/// <param name="DestinationPort">The destination port, or 0.</param>
public readonly record struct FiveTuple(byte Version, Ipv6Address Source, Ipv6Address Destination, byte Protocol, ushort SourcePort, ushort DestinationPort)
{
    private static readonly UInt128 MappedPrefix = (UInt128)0xFFFF << 32;

    /// <summary>An IPv4 address as an IPv4-mapped IPv6 address (<c>::ffff:a.b.c.d</c>).</summary>
    /// <param name="address">The address.</param>
    /// <returns>The mapped address.</returns>
    public static Ipv6Address MapIpv4(Ipv4Address address) => new(MappedPrefix | address.Value);

    /// <summary>An IPv4 5-tuple.</summary>
    /// <param name="source">The source address.</param>
    /// <param name="destination">The destination address.</param>
    /// <param name="protocol">The IP protocol.</param>
    /// <param name="sourcePort">The source port, or 0.</param>
    /// <param name="destinationPort">The destination port, or 0.</param>
    /// <returns>The tuple.</returns>
    public static FiveTuple ForIpv4(Ipv4Address source, Ipv4Address destination, byte protocol, ushort sourcePort, ushort destinationPort) =>
        new(4, MapIpv4(source), MapIpv4(destination), protocol, sourcePort, destinationPort);

    /// <summary>The source address as IPv4 (meaningful when <see cref="Version"/> is 4).</summary>
    public Ipv4Address SourceIpv4 => new((uint)(Source.Value & uint.MaxValue));

    /// <summary>The destination address as IPv4 (meaningful when <see cref="Version"/> is 4).</summary>
    public Ipv4Address DestinationIpv4 => new((uint)(Destination.Value & uint.MaxValue));

    /// <summary>Formats an address of the tuple's family.</summary>
    /// <param name="address">The address (source or destination).</param>
    /// <returns>The text.</returns>
    public string FormatAddress(Ipv6Address address)
    {
        Span<char> text = stackalloc char[48];
        _ = TryFormatAddress(address, text, out var written);
        return new string(text[..written]);
    }

    /// <summary>Formats an address of the tuple's family into <paramref name="destination"/>, as <see cref="FormatAddress"/> does without a string.</summary>
    /// <param name="address">The address (source or destination).</param>
    /// <param name="destination">Where the text goes (39 characters hold any address).</param>
    /// <param name="charsWritten">The characters written.</param>
    /// <returns>False when <paramref name="destination"/> is too short.</returns>
    public bool TryFormatAddress(Ipv6Address address, Span<char> destination, out int charsWritten) => Version == 4
        ? new Ipv4Address((uint)(address.Value & uint.MaxValue)).TryFormat(destination, out charsWritten)
        : address.TryFormat(destination, out charsWritten);

    /// <summary>Formats an address of the tuple's family with a port: <c>10.0.0.1:40612</c>, an IPv6 address in brackets (RFC 5952 §6), <c>[2001:db8::1]:40612</c>.</summary>
    /// <param name="address">The address (source or destination).</param>
    /// <param name="port">Its port.</param>
    /// <returns>The text.</returns>
    public string FormatEndpoint(Ipv6Address address, ushort port) => Version == 4
        ? string.Create(CultureInfo.InvariantCulture, $"{FormatAddress(address)}:{port}")
        : string.Create(CultureInfo.InvariantCulture, $"[{FormatAddress(address)}]:{port}");

    /// <summary>The 5-tuple as text: <c>10.0.0.1:40612 > 10.0.0.2:80 proto 6</c>; an IPv6 address in brackets before its port (RFC 5952 §6), <c>[2001:db8::1]:40612</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{FormatEndpoint(Source, SourcePort)} > {FormatEndpoint(Destination, DestinationPort)} proto {Protocol}");
}
