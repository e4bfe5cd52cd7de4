using System;
using System.Collections.Generic;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Reassembly;

namespace PcapKit.Output;

/// <summary>
/// The fields that no layer holds: <c>frame.*</c> from the capture record, and <c>tcp.stream</c>, the connection's
/// number as tshark counts it (reassembly's order of first segments). Text and typed outputs (<c>pcapkit fields</c>,
/// Parquet) read them here, so they agree.
/// </summary>
public sealed class FrameFields
{
    /// <summary>The field that numbers TCP connections.</summary>
    public const string TcpStream = "tcp.stream";

    /// <summary>The frame-level fields and <see cref="TcpStream"/>, in the order of <see cref="FrameField"/>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["frame.number", "frame.time_epoch", "frame.time_relative", "frame.time_delta", "frame.len", "frame.cap_len", "frame.interface_id", "frame.protocols", TcpStream];

    private readonly TcpReassembler? _tcp;
    private CaptureTimestamp? _first;
    private CaptureTimestamp? _previous;

    /// <summary>Creates the state for one capture.</summary>
    /// <param name="tcpStreams">Whether to number TCP connections (<see cref="TcpStream"/> is wanted); costs a connection table.</param>
    public FrameFields(bool tcpStreams)
    {
        _tcp = tcpStreams ? new TcpReassembler(new TcpReassemblyOptions()) : null;
    }

    /// <summary>The current frame's TCP connection number, or <see langword="null"/> when it is not TCP or streams are not numbered.</summary>
    public long? TcpStreamIndex { get; private set; }

    /// <summary>Nanoseconds since the first frame with a timestamp (<c>frame.time_relative</c>); 0 when the frame has none.</summary>
    public long RelativeNanoseconds { get; private set; }

    /// <summary>Nanoseconds since the previous frame with a timestamp (<c>frame.time_delta</c>); 0 when the frame has none.</summary>
    public long DeltaNanoseconds { get; private set; }

    /// <summary>The position of <paramref name="name"/> in <see cref="Names"/>, or -1 when a layer holds it.</summary>
    /// <param name="name">A field name.</param>
    /// <returns>The <see cref="FrameField"/> value, or -1.</returns>
    public static int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (Names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Moves to the next frame: the times relative to the earlier frames and the TCP connection number.</summary>
    /// <param name="record">The frame's record.</param>
    /// <param name="frame">Its dissection.</param>
    public void Advance(in CaptureRecord record, Frame frame)
    {
        if (record.HasTimestamp)
        {
            var now = record.Timestamp.TotalNanoseconds;
            RelativeNanoseconds = now - (_first ?? record.Timestamp).TotalNanoseconds;
            DeltaNanoseconds = now - (_previous ?? record.Timestamp).TotalNanoseconds;
            _first ??= record.Timestamp;
            _previous = record.Timestamp;
        }
        else
        {
            RelativeNanoseconds = 0;
            DeltaNanoseconds = 0;
        }

        TcpStreamIndex = _tcp?.Add(frame, record)?.Index;
    }
}

/// <summary>The positions in <see cref="FrameFields.Names"/>.</summary>
public enum FrameField
{
    /// <summary><c>frame.number</c>.</summary>
    Number,

    /// <summary><c>frame.time_epoch</c>.</summary>
    TimeEpoch,

    /// <summary><c>frame.time_relative</c>.</summary>
    TimeRelative,

    /// <summary><c>frame.time_delta</c>.</summary>
    TimeDelta,

    /// <summary><c>frame.len</c>.</summary>
    Length,

    /// <summary><c>frame.cap_len</c>.</summary>
    CapturedLength,

    /// <summary><c>frame.interface_id</c>.</summary>
    InterfaceId,

    /// <summary><c>frame.protocols</c>.</summary>
    Protocols,

    /// <summary><c>tcp.stream</c>.</summary>
    TcpStream,
}
