using System;

namespace PcapKit.Annotations;

/// <summary>Declares a checksum field: verified on request when reading, computed when writing.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ChecksumAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="algorithm">The algorithm.</param>
    /// <param name="covers">The bytes it covers.</param>
    public ChecksumAttribute(ChecksumAlgorithm algorithm, ChecksumCoverage covers)
    {
        Algorithm = algorithm;
        Covers = covers;
    }

    /// <summary>The algorithm.</summary>
    public ChecksumAlgorithm Algorithm { get; }

    /// <summary>The bytes it covers.</summary>
    public ChecksumCoverage Covers { get; }

    /// <summary>The name of the <see cref="ParamAttribute"/> that supplies the pseudo-header, if any.</summary>
    public string? PseudoHeader { get; set; }

    /// <summary>Set when a zero on the wire means "no checksum" and a computed zero is sent as <c>0xFFFF</c> (UDP over IPv4).</summary>
    public bool ZeroMeansNone { get; set; }

    /// <summary>A property that limits how many bytes the checksum covers, 0 meaning all (UDP-Lite, RFC 3828).</summary>
    public string? Coverage { get; set; }
}
