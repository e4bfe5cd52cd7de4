using System;
using System.Collections.Generic;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Flows;
using PcapKit.Reassembly;

namespace PcapKit.Output;

/// <summary>
/// The fields that no layer holds: <c>frame.*</c> from the capture record; <c>tcp.stream</c>, the connection's
/// number as tshark counts it (reassembly's order of first segments); and tshark's relative sequence numbers
/// <c>tcp.seq</c>, <c>tcp.ack</c> and <c>tcp.nxtseq</c>. Text and typed outputs (<c>pcapkit fields</c>, Parquet) read
/// them here, so they agree.
/// </summary>
public sealed class FrameFields
{
    /// <summary>The field that numbers TCP connections.</summary>
    public const string TcpStream = "tcp.stream";

    /// <summary>The frame-level fields, <see cref="TcpStream"/> and the relative sequence numbers, in the order of <see cref="FrameField"/>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["frame.number", "frame.time_epoch", "frame.time_relative", "frame.time_delta", "frame.len", "frame.cap_len", "frame.interface_id", "frame.protocols", TcpStream,
            "tcp.seq", "tcp.ack", "tcp.nxtseq"];

    private readonly TcpReassembler? _tcp;
    private CaptureTimestamp? _first;
    private CaptureTimestamp? _previous;

    /// <summary>Creates the state for one capture.</summary>
    /// <param name="tcpStreams">Whether to follow TCP connections (<see cref="TcpStream"/> or a relative sequence number is wanted); costs a connection table.</param>
    public FrameFields(bool tcpStreams)
    {
        _tcp = tcpStreams ? new TcpReassembler(new TcpReassemblyOptions()) : null;
    }

    /// <summary>The current frame's TCP connection number, or <see langword="null"/> when it is not TCP or streams are not numbered.</summary>
    public long? TcpStreamIndex { get; private set; }

    /// <summary>
    /// <c>tcp.seq</c>: the segment's sequence number relative to its direction's base, or the number itself for a
    /// segment outside any connection (a header quoted in an ICMP error); <see langword="null"/> without TCP.
    /// </summary>
    public long? RelativeSequence { get; private set; }

    /// <summary><c>tcp.ack</c>: the acknowledgment number relative to the other direction's base (as it is when the ACK bit is clear).</summary>
    public long? RelativeAcknowledgment { get; private set; }

    /// <summary><c>tcp.nxtseq</c>: the relative sequence number after this segment (its length, plus one for SYN and for FIN).</summary>
    public long? NextSequence { get; private set; }

    /// <summary>The value of a field that follows TCP connections (<see cref="NeedsTcpConnections"/>) for the current frame, or <see langword="null"/>.</summary>
    /// <param name="field">The field: <see cref="FrameField.TcpStream"/> or a relative sequence number.</param>
    /// <returns>Its value, when the frame has one.</returns>
    public long? ConnectionValue(FrameField field) => field switch
    {
        FrameField.TcpStream => TcpStreamIndex,
        FrameField.RelativeSequence => RelativeSequence,
        FrameField.RelativeAcknowledgment => RelativeAcknowledgment,
        FrameField.NextSequence => NextSequence,
        _ => null,
    };

    /// <summary>Whether a field name is one of the fields whose value depends on the frames before (times relative to other frames, TCP connection numbers and relative sequence numbers).</summary>
    /// <param name="name">A field name.</param>
    /// <returns>True for such a field.</returns>
    public static bool DependsOnEarlierFrames(string name) =>
        IndexOf(name) is (int)FrameField.TimeRelative or (int)FrameField.TimeDelta or >= (int)FrameField.TcpStream;

    /// <summary>Whether a field name needs the TCP connection table.</summary>
    /// <param name="name">A field name.</param>
    /// <returns>True for <c>tcp.stream</c> and the relative sequence numbers.</returns>
    public static bool NeedsTcpConnections(string name) => IndexOf(name) >= (int)FrameField.TcpStream;

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

        RelativeSequence = null;
        RelativeAcknowledgment = null;
        NextSequence = null;
        if (_tcp is null)
        {
            TcpStreamIndex = null;
            return;
        }

        // The frame's addresses and ports are read once, for the connection and for the sequence numbers.
        var segment = FlowPacket.TryRead(frame, out var packet) && packet.HasTcpFlags;
        var stream = !segment ? null : !packet.IsFragment ? _tcp.Add(packet, frame, record) : !packet.IsLaterFragment ? AddFirstFragment(frame, packet, record) : null;
        TcpStreamIndex = stream?.Index;
        ReadSequenceNumbers(frame, segment && !packet.IsFragment ? stream : null, packet);
    }

    /// <summary>
    /// tshark's relative sequence numbers: a direction's base is the sequence number of its SYN, or one less than
    /// the first sequence number it sends (a connection seen midway starts at 1), or one less than the first
    /// acknowledgment the other direction sends, whichever comes first.
    /// </summary>
    /// <param name="frame">The frame.</param>
    /// <param name="stream">The connection of its (unfragmented) segment, or null: the numbers are shown as sent.</param>
    /// <param name="packet">What was read of the frame's addresses and ports.</param>
    private void ReadSequenceNumbers(Frame frame, TcpStream? stream, in FlowPacket packet)
    {
        var index = stream is not null ? packet.TransportLayer : LastSegment(frame);
        if (index < 0)
        {
            return;
        }

        var protocol = frame.ProtocolAt(index);
        var bytes = frame.LayerBytes(index);
        protocol.TryGetRoleValue(bytes, Annotations.FieldRole.SequenceNumber, out var rawSequence);
        var sequence = (uint)rawSequence;
        var hasAcknowledgment = protocol.TryGetRoleValue(bytes, Annotations.FieldRole.AcknowledgmentNumber, out var rawAcknowledgment);
        var acknowledgment = (uint)rawAcknowledgment;
        if (stream is null)
        {
            // Outside any connection (a first fragment's header, a header quoted in an ICMP error): the numbers as they are.
            RelativeSequence = sequence;
            RelativeAcknowledgment = hasAcknowledgment ? acknowledgment : null;
            return;
        }

        protocol.TryGetRoleValue(bytes, Annotations.FieldRole.TcpFlags, out var flags);
        var syn = (flags & 0x02) != 0;
        var fin = (flags & 0x01) != 0;
        var hasAck = (flags & 0x10) != 0;
        var direction = packet.Tuple == stream.Client ? 0 : 1;
        ref var bases = ref stream.RelativeBases;
        if (!bases.IsKnown(direction))
        {
            bases.Set(direction, syn ? sequence : sequence - 1);
        }

        if (hasAck && !bases.IsKnown(1 - direction))
        {
            bases.Set(1 - direction, acknowledgment - 1);
        }

        var relative = sequence - bases.Get(direction);
        RelativeSequence = relative;
        RelativeAcknowledgment = hasAck ? acknowledgment - bases.Get(1 - direction) : acknowledgment;

        // tcp.len as tshark has it: the declared length less the header its data offset (RFC 9293 §3.1, the upper
        // four bits of byte 12, in 32-bit words) declares, whether or not the options parsed.
        var reported = frame[index].ReportedLength;
        if (reported >= 0 && bytes.Length > 12)
        {
            NextSequence = relative + (long)Math.Max(0, reported - ((bytes[12] >> 4) * 4)) + (syn ? 1 : 0) + (fin ? 1 : 0);
        }
    }

    /// <summary>
    /// The connection of a first IP fragment's TCP header. Reassembly leaves the segment to the datagram, but tshark
    /// (defragmenting or not) numbers the connection from the header the first fragment carries, so the number is
    /// taken here, from the header alone.
    /// </summary>
    private TcpStream? AddFirstFragment(Frame frame, in FlowPacket packet, in CaptureRecord record)
    {
        var protocol = frame.ProtocolAt(packet.TransportLayer);
        var bytes = frame.LayerBytes(packet.TransportLayer);
        if (!protocol.TryGetRoleValue(bytes, Annotations.FieldRole.TcpFlags, out var flags) || !protocol.TryGetRoleValue(bytes, Annotations.FieldRole.SequenceNumber, out var sequence))
        {
            return null;
        }

        protocol.TryGetRoleValue(bytes, Annotations.FieldRole.AcknowledgmentNumber, out var acknowledgment);
        return _tcp!.AddSegment(packet.Tuple, (ushort)flags, (uint)sequence, (uint)acknowledgment, [], 0, record.Number,
            record.Time, wholeHeader: false);
    }

    /// <summary>The last layer that carries a sequence number (a TCP header anywhere in the frame), or -1.</summary>
    private static int LastSegment(Frame frame)
    {
        for (var i = frame.LayerCount - 1; i >= 0; i--)
        {
            if (frame.ProtocolAt(i).TryGetRoleValue(frame.LayerBytes(i), Annotations.FieldRole.SequenceNumber, out _))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>
/// The positions in <see cref="FrameFields.Names"/>. The fields from <see cref="TcpStream"/> on follow TCP
/// connections (<see cref="FrameFields.NeedsTcpConnections"/> reads the order): add fields that do not before it.
/// </summary>
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

    /// <summary><c>tcp.seq</c>, relative.</summary>
    RelativeSequence,

    /// <summary><c>tcp.ack</c>, relative.</summary>
    RelativeAcknowledgment,

    /// <summary><c>tcp.nxtseq</c>, relative.</summary>
    NextSequence,
}
