using System;

namespace PcapKit.Buffers;

/// <summary>The outcome of verifying a checksum.</summary>
public enum ChecksumStatus : byte
{
    /// <summary>The field matches the computed value.</summary>
    Good = 0,

    /// <summary>The field does not match.</summary>
    Bad = 1,

    /// <summary>The field says "no checksum" (zero in UDP over IPv4).</summary>
    NotPresent = 2,

    /// <summary>The covered bytes were not all captured, or the pseudo-header is missing.</summary>
    Unverifiable = 3,
}

/// <summary>A checksum verification: the status, the value on the wire and the value computed.</summary>
/// <param name="Status">The status.</param>
/// <param name="Value">The value on the wire.</param>
/// <param name="Computed">The value the field should hold (0 when unverifiable).</param>
public readonly record struct ChecksumResult(ChecksumStatus Status, ushort Value, ushort Computed);

/// <summary>What a writer computes and what it copies from the record.</summary>
[Flags]
public enum WriteFlags
{
    /// <summary>Compute length fields and checksums (building packets).</summary>
    None = 0,

    /// <summary>Write length fields as the record holds them.</summary>
    PreserveLengths = 1,

    /// <summary>Write checksums as the record holds them.</summary>
    PreserveChecksums = 2,

    /// <summary>Write every field as the record holds it (read → write gives the same bytes).</summary>
    Preserve = PreserveLengths | PreserveChecksums,
}
