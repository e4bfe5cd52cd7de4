using System;
using System.Buffers;
using System.Collections.Generic;

namespace PcapKit.Reassembly;

/// <summary>
/// PyPCAPKit's TCP datagram: the bytes one side sent while acknowledging the same number — in request/response
/// protocols, one application message.
/// </summary>
/// <param name="Stream">The connection's number.</param>
/// <param name="Direction">0 (from the connection's first sender) or 1.</param>
/// <param name="Acknowledgment">The acknowledgment number its segments carried (PyPCAPKit's key with the 4-tuple).</param>
/// <param name="Offset">Where it starts in the direction's stream.</param>
/// <param name="Frames">The frames that carried its bytes.</param>
/// <param name="Payload">The bytes, up to the bound.</param>
/// <param name="Length">Its length (beyond the bound too).</param>
/// <param name="EndedBy"><c>new acknowledgment</c>, <c>gap</c>, or how the connection ended.</param>
public sealed record TcpMessage(long Stream, int Direction, uint Acknowledgment, long Offset, IReadOnlyList<long> Frames, ReadOnlyMemory<byte> Payload, long Length, string EndedBy);

/// <summary>
/// Groups a reassembled TCP stream into PyPCAPKit's ACK-grouped messages: in each direction, the bytes delivered while
/// the segments carry one acknowledgment number form a message, which ends when the number changes, at a gap, or when
/// the connection ends. Pass it as <see cref="Extraction.ExtractionOptions.TcpStreamHandler"/> (with the program's
/// own handler inside when it has one).
/// </summary>
public sealed class TcpMessageGrouper : ITcpStreamHandler
{
    private readonly Action<TcpMessage> _message;
    private readonly ITcpStreamHandler? _inner;
    private readonly int _maxBytes;
    private readonly Dictionary<TcpStream, Open?[]> _open = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates a grouper.</summary>
    /// <param name="message">Called for every message when it ends.</param>
    /// <param name="inner">A handler that receives every event too.</param>
    /// <param name="maxMessageBytes">The most bytes kept per message (the length counts all).</param>
    public TcpMessageGrouper(Action<TcpMessage> message, ITcpStreamHandler? inner = null, int maxMessageBytes = 16 * 1024 * 1024)
    {
        _message = message ?? throw new ArgumentNullException(nameof(message));
        _inner = inner;
        _maxBytes = maxMessageBytes;
    }

    /// <inheritdoc/>
    public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
    {
        _inner?.OnData(stream, direction, offset, data, frame);
        if (!_open.TryGetValue(stream, out var sides))
        {
            _open[stream] = sides = new Open?[2];
        }

        var ack = stream.Acknowledgment[direction];
        if (sides[direction] is { } current && current.Acknowledgment != ack)
        {
            Emit(stream, direction, current, "new acknowledgment");
            sides[direction] = null;
        }

        var open = sides[direction] ??= new Open(ack, offset);
        if (open.Frames.Count == 0 || open.Frames[^1] != frame)
        {
            open.Frames.Add(frame);
        }

        open.Length += data.Length;
        var room = _maxBytes - open.Bytes.WrittenCount;
        if (room > 0)
        {
            open.Bytes.Write(data[..Math.Min(room, data.Length)]);
        }
    }

    /// <inheritdoc/>
    public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
    {
        _inner?.OnGap(stream, direction, offset, length, reason);
        if (_open.TryGetValue(stream, out var sides) && sides[direction] is { } open)
        {
            Emit(stream, direction, open, "gap");
            sides[direction] = null;
        }
    }

    /// <inheritdoc/>
    public void OnClose(TcpStream stream)
    {
        _inner?.OnClose(stream);
        if (_open.Remove(stream, out var sides))
        {
            for (var d = 0; d < 2; d++)
            {
                if (sides[d] is { } open)
                {
                    Emit(stream, d, open, stream.ClosedBy ?? "end of capture");
                }
            }
        }
    }

    private void Emit(TcpStream stream, int direction, Open open, string reason) =>
        _message(new TcpMessage(stream.Index, direction, open.Acknowledgment, open.Offset, open.Frames, open.Bytes.WrittenMemory, open.Length, reason));

    private sealed class Open(uint acknowledgment, long offset)
    {
        public uint Acknowledgment { get; } = acknowledgment;

        public long Offset { get; } = offset;

        public List<long> Frames { get; } = [];

        public ArrayBufferWriter<byte> Bytes { get; } = new();

        public long Length { get; set; }
    }
}
