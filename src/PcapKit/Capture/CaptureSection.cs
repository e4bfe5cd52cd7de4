using System;
using System.Collections.Generic;

namespace PcapKit.Capture;

/// <summary>A pcapng section (or the whole of a pcap file): its byte order, version, options and interfaces.</summary>
public sealed class CaptureSection
{
    internal CaptureSection(int index, long offset, ByteOrder byteOrder, ushort major, ushort minor, long length)
    {
        Index = index;
        Offset = offset;
        ByteOrder = byteOrder;
        MajorVersion = major;
        MinorVersion = minor;
        Length = length;
    }

    /// <summary>The section's number in the file.</summary>
    public int Index { get; }

    /// <summary>The byte offset of its header.</summary>
    public long Offset { get; }

    /// <summary>Its byte order.</summary>
    public ByteOrder ByteOrder { get; }

    /// <summary>The format's major version.</summary>
    public ushort MajorVersion { get; }

    /// <summary>The format's minor version.</summary>
    public ushort MinorVersion { get; }

    /// <summary>The declared section length (-1 when unknown).</summary>
    public long Length { get; }

    /// <summary><c>shb_hardware</c>.</summary>
    public string? Hardware { get; internal set; }

    /// <summary><c>shb_os</c>.</summary>
    public string? OperatingSystem { get; internal set; }

    /// <summary><c>shb_userappl</c>.</summary>
    public string? Application { get; internal set; }

    /// <summary><c>opt_comment</c>s.</summary>
    public IReadOnlyList<string> Comments { get; internal set; } = [];

    /// <summary>Every option as read.</summary>
    public IReadOnlyList<PcapNgOption> Options { get; internal set; } = [];

    /// <summary>Its interfaces, in order of their local ids.</summary>
    public IReadOnlyList<CaptureInterface> Interfaces => _interfaces;

    internal List<CaptureInterface> _interfaces = [];
}

/// <summary>One record of a Name Resolution Block: an address and the names it resolves to.</summary>
/// <param name="Type">1 IPv4, 2 IPv6, 3 EUI-48, 4 EUI-64, or another record type.</param>
/// <param name="Address">The address bytes.</param>
/// <param name="Names">The names.</param>
public sealed record NameResolutionEntry(ushort Type, ReadOnlyMemory<byte> Address, IReadOnlyList<string> Names);

/// <summary>A Decryption Secrets Block, kept as typed bytes.</summary>
/// <param name="SecretsType">The secrets type (<c>0x544c534b</c> TLS key log, <c>0x57474b4c</c> WireGuard, …).</param>
/// <param name="Data">The secrets.</param>
/// <param name="Comments">Its comments.</param>
public sealed record DecryptionSecrets(uint SecretsType, ReadOnlyMemory<byte> Data, IReadOnlyList<string> Comments)
{
    /// <summary>TLS key log (NSS format).</summary>
    public const uint TlsKeyLog = 0x544c_534b;

    /// <summary>WireGuard key log.</summary>
    public const uint WireGuardKeyLog = 0x5747_4b4c;

    /// <summary>ZigBee network key.</summary>
    public const uint ZigBeeNetworkKey = 0x5a4e_574b;

    /// <summary>SSH key log.</summary>
    public const uint SshKeyLog = 0x5353_484b;
}

/// <summary>A custom block: the Private Enterprise Number of its owner and its data.</summary>
/// <param name="BlockType">0x00000BAD (may be copied) or 0x40000BAD (must not).</param>
/// <param name="EnterpriseNumber">The PEN.</param>
/// <param name="Data">The data after the PEN, options included.</param>
public sealed record CustomBlock(uint BlockType, uint EnterpriseNumber, ReadOnlyMemory<byte> Data);

/// <summary>Something the reader skipped or worked around, reported rather than hidden.</summary>
/// <param name="Offset">The byte offset.</param>
/// <param name="Message">What happened.</param>
public sealed record CaptureNotice(long Offset, string Message);
