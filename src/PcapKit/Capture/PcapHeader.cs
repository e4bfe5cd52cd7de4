namespace PcapKit.Capture;

/// <summary>The file header of a classic pcap file, as read (the writer reproduces it byte for byte).</summary>
/// <param name="Magic">The magic number as read in the file's byte order (a1b2c3d4, a1b23c4d or a1b2cd34).</param>
/// <param name="ByteOrder">The file's byte order.</param>
/// <param name="MajorVersion">The major version (2).</param>
/// <param name="MinorVersion">The minor version (4).</param>
/// <param name="ThisZone">The obsolete GMT offset.</param>
/// <param name="SigFigs">The obsolete timestamp accuracy.</param>
/// <param name="SnapLength">The snapshot length.</param>
/// <param name="LinkTypeField">The link-type field with its FCS bits (LinkType is its low 16 bits).</param>
public sealed record PcapHeader(
    uint Magic,
    ByteOrder ByteOrder,
    ushort MajorVersion,
    ushort MinorVersion,
    int ThisZone,
    uint SigFigs,
    uint SnapLength,
    uint LinkTypeField)
{
    /// <summary>Microsecond timestamps.</summary>
    public const uint MicrosecondMagic = 0xa1b2c3d4;

    /// <summary>Nanosecond timestamps.</summary>
    public const uint NanosecondMagic = 0xa1b23c4d;

    /// <summary>Kuznetzov's "modified" pcap: microsecond timestamps and an 8-byte longer record header.</summary>
    public const uint ModifiedMagic = 0xa1b2cd34;

    /// <summary>The size of the file header.</summary>
    public const int Size = 24;

    /// <summary>The link type.</summary>
    public int LinkType => (int)(LinkTypeField & 0xFFFF);

    /// <summary>The FCS length in bytes when the F bit (0x04000000) says it is known.</summary>
    public int? FcsLength => (LinkTypeField & 0x0400_0000) != 0 ? (int)((LinkTypeField >> 28) & 0xF) * 2 : null;

    /// <summary>The timestamp unit the magic selects.</summary>
    public TimestampResolution Resolution => Magic == NanosecondMagic ? TimestampResolution.Nanoseconds : TimestampResolution.Microseconds;

    /// <summary>Whether records carry the modified format's extra 8 bytes.</summary>
    public bool IsModified => Magic == ModifiedMagic;

    /// <summary>The size of a record header.</summary>
    public int RecordHeaderSize => IsModified ? 24 : 16;
}
