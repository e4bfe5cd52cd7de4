using System;
using System.Collections.Generic;

namespace PcapKit.Flows;

/// <summary>
/// How <see cref="FlowSplitter"/> splits a capture, with pkt2flow's flags: <see cref="Udp"/> (<c>-u</c>),
/// <see cref="TcpWithoutSyn"/> (<c>-v</c>), <see cref="Others"/> (<c>-x</c>).
/// </summary>
public sealed class FlowSplitterOptions
{
    /// <summary>The output folder (pkt2flow's default <c>pkt2flow.out</c>); it gets <c>tcp_syn/</c>, <c>tcp_nosyn/</c>, <c>udp/</c>, <c>others/</c>.</summary>
    public string OutputDirectory { get; init; } = "pkt2flow.out";

    /// <summary>Write UDP flows too (<c>-u</c>).</summary>
    public bool Udp { get; init; }

    /// <summary>Write TCP flows whose first packet is not a SYN too (<c>-v</c>); without it they are skipped.</summary>
    public bool TcpWithoutSyn { get; init; }

    /// <summary>Write flows of other IP protocols too (<c>-x</c>), each keyed by its protocol.</summary>
    public bool Others { get; init; }

    /// <summary>A flow ends this long after its first packet, and the next packet starts a new one (pkt2flow: 1800 s).</summary>
    public TimeSpan HardTimeout { get; init; } = TimeSpan.FromSeconds(1800);

    /// <summary>A flow ends after this long without a packet; null: never.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>A TCP flow ends once both sides sent FIN, or either sent RST; the next packet starts a new one.</summary>
    public bool CloseOnFinOrReset { get; init; }

    /// <summary>
    /// Write every flow as pcapng (nanosecond timestamps, 64-bit) instead of pcap; a flow whose first packet's time
    /// does not fit pcap's 32-bit seconds is written as pcapng anyway.
    /// </summary>
    public bool PcapNg { get; init; }

    /// <summary>
    /// The most flow files open at once; older ones are closed and reopened to append when needed. On Linux (x64, arm64)
    /// each writer thread also holds the output folder open (its files are opened and renamed by their names in it).
    /// </summary>
    public int MaxOpenFiles { get; init; } = 256;

    /// <summary>
    /// Threads that create, write, close and rename the flow files (2; each file is one thread's, and at most
    /// <see cref="MaxOpenFiles"/> are open over all of them, with one descriptor of the output folder each). A capture of many short flows is bound by those system
    /// calls, which run side by side (bench/README.md, "Flow splitting").
    /// </summary>
    public int WriterThreads { get; init; } = 2;

    /// <summary>The largest buffer one flow's records gather in before they go to its file (64 KiB; rounded up to a power of two).</summary>
    public int FlowBufferSize { get; init; } = 64 * 1024;

    /// <summary>
    /// The most bytes buffered over all flows (32 MiB); beyond it, the flows written least recently go to their files
    /// and give their buffers back.
    /// </summary>
    public long MaxBufferedBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>The most later fragments held while waiting for their datagram's first fragment.</summary>
    public int MaxPendingFragments { get; init; } = 65_536;

    /// <summary>
    /// The index written in the output folder: one line per flow, with <c>skipped.csv</c> beside it (the packets not
    /// written, by reason). Both are written under temporary names and take theirs once every file is complete; an
    /// earlier split's are removed when this split takes its first frame (or its shards are made).
    /// </summary>
    public string IndexFileName { get; init; } = "flows.csv";

    /// <summary>
    /// Files in the output folder that another writer makes from the index once the split is finished (the command
    /// line's <c>flows.parquet</c>): an earlier split's are removed with its index when this split takes its first frame,
    /// so none is left describing another split than the folder's.
    /// </summary>
    public IReadOnlyList<string> DerivedIndexFiles { get; init; } = [];
}
