namespace PcapKit.Capture;

/// <summary>The container format of a capture file.</summary>
public enum CaptureFormat
{
    /// <summary>Classic libpcap (tcpdump) format, including the nanosecond and Kuznetzov "modified" variants.</summary>
    Pcap = 0,

    /// <summary>pcapng (draft-ietf-opsawg-pcapng).</summary>
    PcapNg = 1,
}

/// <summary>The byte order of a file or section.</summary>
public enum ByteOrder
{
    /// <summary>Least significant byte first.</summary>
    LittleEndian = 0,

    /// <summary>Most significant byte first.</summary>
    BigEndian = 1,
}

/// <summary>What kind of problem a <see cref="CaptureError"/> reports.</summary>
public enum CaptureErrorKind
{
    /// <summary>The file ends inside a header or a record.</summary>
    Truncated = 0,

    /// <summary>A structure is malformed (a length that cannot be, an option that overruns its block).</summary>
    Corrupt = 1,

    /// <summary>The file is of a format or version this reader does not read.</summary>
    Unsupported = 2,
}
