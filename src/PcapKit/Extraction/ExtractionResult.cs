using System.Collections.Generic;
using PcapKit.Capture;

namespace PcapKit.Extraction;

/// <summary>The counts of an extraction.</summary>
/// <param name="Frames">Frames read and dissected.</param>
/// <param name="Selected">Frames that went to the outputs (all, without a selector).</param>
/// <param name="Malformed">Frames with a layer that did not parse.</param>
/// <param name="Bytes">Captured bytes read.</param>
/// <param name="Error">The capture file's error that ended the extraction early (file and byte offset), or null.</param>
public sealed record ExtractionSummary(long Frames, long Selected, long Malformed, long Bytes, string? Error);

/// <summary>What <see cref="Extractor.Run()"/> returns: the capture's description, the counts and the stored frames.</summary>
public sealed class ExtractionResult
{
    internal ExtractionResult(CaptureReader reader, ExtractionSummary summary, IReadOnlyList<StoredFrame> frames, Flows.TcpTraceResult? trace, IReadOnlyList<Reassembly.IpDatagram> datagrams, IReadOnlyList<Reassembly.TcpStream> streams)
    {
        Streams = streams;
        Trace = trace;
        Datagrams = datagrams;
        Name = reader.Name;
        Format = reader.Format;
        PcapHeader = reader.PcapHeader;
        Sections = reader.Sections;
        Interfaces = reader.Interfaces;
        Summary = summary;
        Frames = frames;
    }

    /// <summary>The capture's name (its path, or <c>(stream)</c>).</summary>
    public string Name { get; }

    /// <summary>pcap or pcapng.</summary>
    public CaptureFormat Format { get; }

    /// <summary>The pcap file header, for pcap files.</summary>
    public PcapHeader? PcapHeader { get; }

    /// <summary>The pcapng sections.</summary>
    public IReadOnlyList<CaptureSection> Sections { get; }

    /// <summary>The interfaces (one for a pcap file).</summary>
    public IReadOnlyList<CaptureInterface> Interfaces { get; }

    /// <summary>The counts, and the error that ended the capture early, if any.</summary>
    public ExtractionSummary Summary { get; }

    /// <summary>The selected frames, when <see cref="ExtractionOptions.Store"/> was set; else empty.</summary>
    public IReadOnlyList<StoredFrame> Frames { get; }

    /// <summary>The TCP trace's flows, when <see cref="ExtractionOptions.Trace"/> was set.</summary>
    public Flows.TcpTraceResult? Trace { get; }

    /// <summary>
    /// The reassembled IP datagrams (PyPCAPKit's <c>extractor.reassembly.ipv4</c>/<c>ipv6</c>), when
    /// <see cref="ExtractionOptions.ReassembleIp"/> and <see cref="ExtractionOptions.Store"/> are set.
    /// </summary>
    public IReadOnlyList<Reassembly.IpDatagram> Datagrams { get; }

    /// <summary>
    /// Every TCP connection, in the order they ended, when <see cref="ExtractionOptions.ReassembleTcp"/> is set; their
    /// bytes are there (<see cref="Reassembly.TcpStream.GetData"/>) when the TCP options store them.
    /// </summary>
    public IReadOnlyList<Reassembly.TcpStream> Streams { get; }
}
