using System;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Extraction;

/// <summary>
/// One frame as extraction hands it to callbacks, selectors and outputs: its record and its dissection, valid
/// only until the next frame (copy what must outlive it, or set <see cref="ExtractionOptions.Store"/>).
/// </summary>
public readonly ref struct ExtractedFrame
{
    internal ExtractedFrame(CaptureRecord record, Frame frame, ExtractionEngine? engine, object? packet)
    {
        Record = record;
        Frame = frame;
        Engine = engine;
        EnginePacket = packet;
    }

    internal ExtractedFrame(CaptureRecord record, Frame frame, Reassembly.IpDatagram? datagram, Frame reassembled, Reassembly.TcpStream? stream)
        : this(record, frame, null, null)
    {
        Datagram = datagram;
        Reassembled = reassembled;
        Stream = stream;
    }

    /// <summary>
    /// The TCP connection of this frame's segment, when TCP reassembly is on (<see cref="ExtractionOptions.ReassembleTcp"/>):
    /// its number (tshark's <c>tcp.stream</c>), endpoints and bytes so far.
    /// </summary>
    public Reassembly.TcpStream? Stream { get; }

    /// <summary>
    /// The IP datagram this frame completed, when IP reassembly is on (<see cref="ExtractionOptions.ReassembleIp"/>):
    /// its frames, first header and payload.
    /// </summary>
    public Reassembly.IpDatagram? Datagram { get; }

    /// <summary>The completed datagram's payload, dissected from its transport header on (empty without <see cref="Datagram"/>).</summary>
    public Frame Reassembled { get; }

    /// <summary>The capture record (number, timestamp, lengths, interface, bytes).</summary>
    public CaptureRecord Record { get; }

    /// <summary>The frame number, 1-based.</summary>
    public long Number => Record.Number;

    /// <summary>The generated dissectors' layers (none when another engine dissects).</summary>
    public Frame Frame { get; }

    /// <summary>The engine that dissected the frame, or null for the generated dissectors.</summary>
    public ExtractionEngine? Engine { get; }

    /// <summary>The engine's own packet object (a PacketDotNet <c>Packet</c>), or null.</summary>
    public object? EnginePacket { get; }

    /// <summary>The protocol chain: <c>ethernet:ipv4:tcp</c>, or the engine's.</summary>
    /// <returns>The chain.</returns>
    public string GetChain() => Engine is { } engine ? engine.GetChain(EnginePacket) : Frame.GetChain();

    /// <summary>The 5-tuple of the first IP layer, by whichever engine dissected the frame.</summary>
    /// <param name="tuple">The 5-tuple.</param>
    /// <returns>Whether the frame has an IP layer.</returns>
    public bool TryGetFiveTuple(out FiveTuple tuple) =>
        Engine is { } engine ? engine.TryGetFiveTuple(EnginePacket, out tuple) : Frame.TryGetFiveTuple(out tuple);

    /// <summary>Whether every layer parsed (always true for another engine, which has no notion of it).</summary>
    public bool IsWellFormed => Engine is not null || Frame.IsWellFormed;

    /// <summary>Copies the frame into a <see cref="StoredFrame"/> that outlives the extraction step.</summary>
    /// <returns>The copy.</returns>
    public StoredFrame Store() => new(Record, Frame, EnginePacket);
}
