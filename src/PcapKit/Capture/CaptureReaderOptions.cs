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

    /// <summary>
    /// With a mapped file of at least 16 MiB on Linux (the default): a helper thread maps the file's pages, and reads them
    /// into the cache (<see cref="ReadAheadIntoCache"/>), a few MiB ahead of the reader, on another core, while the
    /// reader's thread dissects — the reading thread then neither waits on page faults nor on memory. It costs that
    /// thread's time (reading into the cache, about a copy of the file's bytes); turn it off when every core is busy
    /// with other work.
    /// </summary>
    public bool ReadAhead { get; init; } = true;

    /// <summary>
    /// With <see cref="ReadAhead"/>: whether the helper also reads the mapped pages' bytes into the cache, each cache line
    /// once (the default), or only maps them. Reading them keeps the reading thread off memory stalls while another core
    /// is idle; a program whose other threads keep the cores busy loses more to that read than the reader gains — an
    /// <see cref="Extraction.Extractor"/> with a <see cref="Flows.FlowSplitter"/> (whose writer threads copy the
    /// records into the flow files) and no reader options of the caller's only maps.
    /// </summary>
    public bool ReadAheadIntoCache { get; init; } = true;
}
