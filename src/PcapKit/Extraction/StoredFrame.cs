using System;
using PcapKit.Capture;
using PcapKit.Dissection;

namespace PcapKit.Extraction;

/// <summary>
/// A frame kept after extraction (<see cref="ExtractionOptions.Store"/>): a copy of the record's bytes and facts
/// and of the layers found, from which <see cref="GetFrame"/> gives the same typed access as during extraction.
/// </summary>
public sealed class StoredFrame
{
    private readonly Layer[] _layers;
    private readonly int _rawOffset;
    private readonly int _rawLength;

    internal StoredFrame(in CaptureRecord record, Frame frame, object? enginePacket)
    {
        Number = record.Number;
        Timestamp = record.Timestamp;
        HasTimestamp = record.HasTimestamp;
        OriginalLength = record.OriginalLength;
        Interface = record.Interface;
        Data = record.Data.ToArray();
        _layers = frame.Layers.ToArray();
        _rawOffset = frame.RawOffset;
        _rawLength = frame.Raw.Length;
        RawReason = frame.RawReason;
        Registry = frame.Registry;
        EnginePacket = enginePacket;
    }

    /// <summary>The frame number, 1-based.</summary>
    public long Number { get; }

    /// <summary>When it was captured.</summary>
    public CaptureTimestamp Timestamp { get; }

    /// <summary>Whether the record has a timestamp (pcapng Simple Packet Blocks do not).</summary>
    public bool HasTimestamp { get; }

    /// <summary>Its length on the wire.</summary>
    public uint OriginalLength { get; }

    /// <summary>The interface it was captured on.</summary>
    public CaptureInterface Interface { get; }

    /// <summary>The captured bytes.</summary>
    public byte[] Data { get; }

    /// <summary>The layers the generated dissectors found (empty when another engine dissected).</summary>
    public ReadOnlySpan<Layer> Layers => _layers;

    /// <summary>Why the bytes after the last layer were not dissected, or null.</summary>
    public string? RawReason { get; }

    /// <summary>The registry the layers refer to (null when another engine dissected).</summary>
    public DissectorRegistry? Registry { get; }

    /// <summary>The engine's own packet object (a PacketDotNet <c>Packet</c>), or null.</summary>
    public object? EnginePacket { get; }

    /// <summary>The frame, for typed access to its layers (<c>GetFrame().TryGet(out Tcp.View tcp)</c>).</summary>
    /// <returns>The frame.</returns>
    /// <exception cref="InvalidOperationException">Another engine dissected the frame.</exception>
    public Frame GetFrame() => Registry is { } registry
        ? new Frame(Data, _layers, _rawOffset, _rawLength, RawReason, registry)
        : throw new InvalidOperationException("The frame was dissected by another engine: use EnginePacket.");

    /// <summary>The protocol chain (<c>ethernet:ipv4:tcp</c>).</summary>
    /// <returns>The chain.</returns>
    public string GetChain() => Registry is null ? string.Empty : GetFrame().GetChain();
}
