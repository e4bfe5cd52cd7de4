namespace PcapKit.Capture;

/// <summary>Options for <see cref="CaptureReader"/>.</summary>
public sealed record CaptureReaderOptions
{
    /// <summary>The defaults.</summary>
    public static CaptureReaderOptions Default { get; } = new();

    /// <summary>
    /// The largest record or block accepted (16 MiB by default); a larger declared length is reported as corrupt
    /// instead of being read, so a hostile length never causes a large allocation.
    /// </summary>
    public int MaxRecordSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Deliver pcapng custom blocks as records (<see cref="RecordKind.CustomBlock"/>), numbered among the packets as
    /// tshark numbers them (the default). When false they are only listed in <see cref="CaptureReader.CustomBlocks"/>.
    /// </summary>
    public bool CustomBlocksAsRecords { get; init; } = true;

    /// <summary>Map files into memory (records are then never copied). Streams are always buffered.</summary>
    public bool UseMemoryMap { get; init; } = true;
}
