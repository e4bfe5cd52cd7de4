using PcapKit.Capture;
using PcapKit.Net;
using PcapKit.Output;

namespace PcapKit.Extraction;

/// <summary>
/// Another library's dissector, used in place of the generated ones (PyPCAPKit's <c>engine=</c>): it keeps its own
/// packet objects as they are, and tells extraction what every engine must — the protocol chain, the 5-tuple and
/// its view of the fields for the outputs. <c>PcapKit.Engines.PacketDotNet</c> is one.
/// </summary>
public abstract class ExtractionEngine
{
    /// <summary>The engine's name (<c>packetdotnet</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Dissects one record into the engine's own packet object (kept as is when frames are stored).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The packet, or null when the engine cannot read the record's link type.</returns>
    public abstract object? Dissect(in CaptureRecord record);

    /// <summary>The protocol chain, in the engine's names (<c>Ethernet:IPv4:TCP</c>).</summary>
    /// <param name="packet">The packet <see cref="Dissect"/> returned.</param>
    /// <returns>The chain.</returns>
    public abstract string GetChain(object? packet);

    /// <summary>The 5-tuple of the packet's first IP layer and its transport ports.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="tuple">The 5-tuple.</param>
    /// <returns>Whether the packet has an IP layer.</returns>
    public abstract bool TryGetFiveTuple(object? packet, out FiveTuple tuple);

    /// <summary>Writes the engine's view of the packet's fields (one object per layer) into an output document.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="writer">The document, positioned inside the frame's object.</param>
    public abstract void WriteLayers(object? packet, DocumentWriter writer);
}
