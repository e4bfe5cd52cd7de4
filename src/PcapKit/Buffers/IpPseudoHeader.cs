using System;
using PcapKit.Net;

namespace PcapKit.Buffers;

/// <summary>
/// The IPv4 (RFC 9293 §3.1) or IPv6 (RFC 8200 §8.1) pseudo-header an upper-layer checksum covers. The upper-layer
/// length is not stored: it is the length of the bytes being checksummed.
/// </summary>
public readonly struct IpPseudoHeader : IEquatable<IpPseudoHeader>
{
    private IpPseudoHeader(byte version, UInt128 source, UInt128 destination, byte protocol)
    {
        Version = version;
        Source = source;
        Destination = destination;
        Protocol = protocol;
    }

    /// <summary>4 or 6; 0 when there is no pseudo-header.</summary>
    public byte Version { get; }

    /// <summary>The source address (IPv4 in the low 32 bits).</summary>
    public UInt128 Source { get; }

    /// <summary>The destination address (IPv4 in the low 32 bits). For IPv6 with a routing header, the final destination.</summary>
    public UInt128 Destination { get; }

    /// <summary>The upper-layer protocol number.</summary>
    public byte Protocol { get; }

    /// <summary>Whether a pseudo-header is present.</summary>
    public bool IsPresent => Version != 0;

    /// <summary>An IPv4 pseudo-header.</summary>
    /// <param name="source">The source address.</param>
    /// <param name="destination">The destination address.</param>
    /// <param name="protocol">The protocol number.</param>
    /// <returns>The pseudo-header.</returns>
    public static IpPseudoHeader ForIpv4(Ipv4Address source, Ipv4Address destination, byte protocol) =>
        new(4, source.Value, destination.Value, protocol);

    /// <summary>An IPv6 pseudo-header.</summary>
    /// <param name="source">The source address.</param>
    /// <param name="destination">The (final) destination address.</param>
    /// <param name="nextHeader">The upper-layer protocol number.</param>
    /// <returns>The pseudo-header.</returns>
    public static IpPseudoHeader ForIpv6(Ipv6Address source, Ipv6Address destination, byte nextHeader) =>
        new(6, source.Value, destination.Value, nextHeader);

    /// <summary>The same addresses with another protocol number.</summary>
    /// <param name="protocol">The protocol number.</param>
    /// <returns>The pseudo-header.</returns>
    public IpPseudoHeader WithProtocol(byte protocol) => new(Version, Source, Destination, protocol);

    /// <summary>The same pseudo-header with another destination (the final one of an IPv6 routing header).</summary>
    /// <param name="destination">The destination.</param>
    /// <returns>The pseudo-header.</returns>
    public IpPseudoHeader WithDestination(UInt128 destination) => new(Version, Source, destination, Protocol);

    /// <summary>The running Internet-checksum sum of the pseudo-header for an upper-layer unit of <paramref name="upperLayerLength"/> bytes.</summary>
    /// <param name="upperLayerLength">The length of the upper-layer unit.</param>
    /// <returns>The running sum, for <see cref="Inet16.Compute"/>.</returns>
    public ulong Sum(int upperLayerLength)
    {
        ulong sum = 0;
        var words = Version == 4 ? 2 : 8;
        for (var i = 0; i < words; i++)
        {
            sum += (ulong)(ushort)(Source >> (16 * i));
            sum += (ulong)(ushort)(Destination >> (16 * i));
        }

        sum += Protocol;
        sum += (uint)upperLayerLength >> 16;
        sum += (ushort)upperLayerLength;
        return sum;
    }

    /// <inheritdoc/>
    public bool Equals(IpPseudoHeader other) =>
        Version == other.Version && Source == other.Source && Destination == other.Destination && Protocol == other.Protocol;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IpPseudoHeader other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Version, Source, Destination, Protocol);

    /// <summary>Compares two pseudo-headers.</summary>
    public static bool operator ==(IpPseudoHeader left, IpPseudoHeader right) => left.Equals(right);

    /// <summary>Compares two pseudo-headers.</summary>
    public static bool operator !=(IpPseudoHeader left, IpPseudoHeader right) => !left.Equals(right);
}
