using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using PcapKit.Net;

namespace PcapKit.Reassembly;

/// <summary>One HTTP/2 header block found on a reassembled TCP stream, decoded with the connection's HPACK state.</summary>
/// <param name="Stream">The connection's number (tshark's <c>tcp.stream</c>).</param>
/// <param name="Direction">0 (from the client, which sent the connection preface) or 1.</param>
/// <param name="FirstFrame">The frame that completed the block's HEADERS or PUSH_PROMISE frame.</param>
/// <param name="Frame">The frame that completed it (its END_HEADERS frame's last byte).</param>
/// <param name="StreamId">The HTTP/2 stream the block belongs to.</param>
/// <param name="FrameType">HEADERS (1) or PUSH_PROMISE (5).</param>
/// <param name="PromisedStreamId">PUSH_PROMISE's promised stream, else 0.</param>
/// <param name="Headers">The header fields in order, pseudo-header fields (<c>:method</c>, <c>:path</c>, <c>:status</c>) first.</param>
/// <param name="EndStream">Whether the HEADERS frame ended the stream (a request or response without a body, or trailers).</param>
/// <param name="Error">Null, or why the block could not be decoded (the fields before that point are in <paramref name="Headers"/>).</param>
public sealed record Http2HeaderBlock(long Stream, int Direction, long FirstFrame, long Frame, uint StreamId, byte FrameType, uint PromisedStreamId,
    IReadOnlyList<KeyValuePair<string, string>> Headers, bool EndStream, string? Error)
{
    /// <summary>Whether it is a request's (or a promised request's) header block.</summary>
    public bool IsRequest => Header(":method") is not null;

    /// <summary>The first value of a header field (HTTP/2 field names are lowercase, §8.2.1), or null.</summary>
    /// <param name="name">The field's name.</param>
    /// <returns>Its value.</returns>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>
/// HTTP/2 (RFC 9113) on reassembled TCP streams: a connection whose client starts with the connection preface (§3.4,
/// prior knowledge, as h2c) is read frame by frame in each direction; header blocks (HEADERS or PUSH_PROMISE and their
/// CONTINUATIONs) are decoded with one HPACK decoder per direction (RFC 7541), whose table limit follows the peer's
/// SETTINGS_HEADER_TABLE_SIZE. A gap, a frame that breaks the framing rules or a block HPACK cannot decode ends parsing
/// of that direction (its table no longer matches the encoder's); a block cut that way is reported with the error.
/// Connections that do not start with the preface are left alone, so it can sit beside <see cref="HttpStreamParser"/>
/// as that parser's inner handler.
/// </summary>
public sealed class Http2StreamParser : ITcpStreamHandler
{
    // RFC 9113 §4.2: SETTINGS_MAX_FRAME_SIZE may reach 2^24 - 1; a header block is bounded here to keep memory fixed.
    private const int MaxHeaderBlockBytes = 1 << 20;

    private readonly Action<Http2HeaderBlock> _headers;
    private readonly ITcpStreamHandler? _inner;
    private readonly Dictionary<TcpStream, Connection> _connections = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates a parser.</summary>
    /// <param name="headers">Called for every header block when it completes, or when it is cut.</param>
    /// <param name="inner">A handler that receives every event too.</param>
    public Http2StreamParser(Action<Http2HeaderBlock> headers, ITcpStreamHandler? inner = null)
    {
        _headers = headers ?? throw new ArgumentNullException(nameof(headers));
        _inner = inner;
    }

    /// <inheritdoc/>
    public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _inner?.OnData(stream, direction, offset, data, frame);
        if (!_connections.TryGetValue(stream, out var connection))
        {
            _connections[stream] = connection = new Connection();
        }

        if (connection.NotHttp2)
        {
            return;
        }

        var side = connection.Sides[direction & 1];
        if (side.Failed is not null)
        {
            return;
        }

        side.Append(data, frame);
        if (!connection.PrefaceSeen)
        {
            // §3.4: the client's first bytes are the preface; until they have all come, nothing is decided.
            var client = connection.Sides[0];
            var seen = client.Buffered;
            var preface = Http2Frame.ClientPreface;
            if (!preface.StartsWith(seen[..Math.Min(seen.Length, preface.Length)]))
            {
                connection.NotHttp2 = true;
                connection.Sides[0].Clear();
                connection.Sides[1].Clear();
                return;
            }

            if (seen.Length < preface.Length)
            {
                return;
            }

            client.Consume(preface.Length);
            connection.PrefaceSeen = true;
            Drain(stream, connection, 1 - (direction & 1));
        }

        Drain(stream, connection, direction & 1);
    }

    /// <inheritdoc/>
    public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _inner?.OnGap(stream, direction, offset, length, reason);
        if (_connections.TryGetValue(stream, out var connection) && !connection.NotHttp2)
        {
            var side = connection.Sides[direction & 1];
            Fail(stream, direction & 1, side, "a gap in the stream (" + reason + ")");
            if (!connection.PrefaceSeen)
            {
                connection.NotHttp2 = true;
            }
        }
    }

    /// <inheritdoc/>
    public void OnClose(TcpStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _inner?.OnClose(stream);
        if (_connections.Remove(stream, out var connection) && connection.PrefaceSeen)
        {
            for (var d = 0; d < 2; d++)
            {
                var side = connection.Sides[d];
                if (side.Failed is null && side.BlockStream != 0)
                {
                    Fail(stream, d, side, "the connection ended inside a header block");
                }
            }
        }
    }

    private void Drain(TcpStream stream, Connection connection, int direction)
    {
        var side = connection.Sides[direction];
        while (side.Failed is null && Http2Frame.TryReadHeader(side.Buffered, out var header))
        {
            if (side.Buffered.Length < Http2Frame.HeaderSize + header.Length)
            {
                return;
            }

            var payload = side.Buffered.Slice(Http2Frame.HeaderSize, header.Length);
            var error = Frame(stream, connection, direction, header, payload);
            side.Consume(Http2Frame.HeaderSize + header.Length);
            if (error is not null)
            {
                Fail(stream, direction, side, error);
            }
        }
    }

    private string? Frame(TcpStream stream, Connection connection, int direction, Http2Frame header, ReadOnlySpan<byte> payload)
    {
        var side = connection.Sides[direction];
        if (side.BlockStream != 0 && (header.Type != Http2Frame.Continuation || header.StreamId != side.BlockStream))
        {
            // §6.10: a header block's frames follow each other on its stream, nothing in between.
            return "a frame inside stream " + side.BlockStream + "'s header block";
        }

        switch (header.Type)
        {
            case Http2Frame.Settings when (header.Flags & Http2Frame.FlagEndStreamOrAck) == 0:
                if (payload.Length % 6 != 0)
                {
                    return "a SETTINGS frame whose length is not a multiple of 6 (§6.5)";
                }

                for (var i = 0; i < payload.Length; i += 6)
                {
                    if (BinaryPrimitives.ReadUInt16BigEndian(payload[i..]) == Http2Frame.SettingsHeaderTableSize)
                    {
                        // The sender decodes what its peer sends: the peer's direction's decoder gets the limit.
                        var limit = BinaryPrimitives.ReadUInt32BigEndian(payload[(i + 2)..]);
                        connection.Sides[1 - direction].Decoder.AllowedTableSize = (int)Math.Min(limit, int.MaxValue);
                    }
                }

                return null;
            case Http2Frame.Headers or Http2Frame.PushPromise or Http2Frame.Continuation:
                if (header.Type == Http2Frame.Continuation && side.BlockStream == 0)
                {
                    return "a CONTINUATION frame without a header block to continue (§6.10)";
                }

                if (!header.TryGetHeaderBlockFragment(payload, out var fragment, out var promised))
                {
                    return "a header frame whose padding or priority fields do not fit its length (§6.2)";
                }

                if (header.StreamId == 0)
                {
                    return "a header block on stream 0 (§6.2)";
                }

                if (header.Type != Http2Frame.Continuation)
                {
                    side.BeginBlock(header, promised);
                }

                if (side.Block.Count + fragment.Length > MaxHeaderBlockBytes)
                {
                    return "a header block over " + MaxHeaderBlockBytes + " octets";
                }

                side.Block.AddRange(fragment);
                if ((header.Flags & Http2Frame.FlagEndHeaders) != 0)
                {
                    return EmitBlock(stream, direction, side, null);
                }

                return null;
            default:
                return null;
        }
    }

    private string? EmitBlock(TcpStream stream, int direction, Side side, string? cut)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var error = cut ?? side.Decoder.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.Block), headers);
        _headers(new Http2HeaderBlock(stream.Index, direction, side.BlockFirstFrame, side.LastFrame, side.BlockStream, side.BlockType,
            side.BlockPromised, headers, side.BlockEndStream, error));
        side.EndBlock();
        return cut is null ? error : null;
    }

    private void Fail(TcpStream stream, int direction, Side side, string reason)
    {
        if (side.Failed is not null)
        {
            return;
        }

        if (side.BlockStream != 0)
        {
            // The block cut here cannot be decoded (and no later one can): report what is known of it.
            _ = EmitBlock(stream, direction, side, "the header block was cut: " + reason);
        }

        side.Failed = reason;
        side.Clear();
    }

    private sealed class Connection
    {
        public Side[] Sides { get; } = [new(), new()];

        public bool PrefaceSeen { get; set; }

        public bool NotHttp2 { get; set; }
    }

    private sealed class Side
    {
        private byte[] _buffer = new byte[256];
        private int _start;
        private int _end;

        public HpackDecoder Decoder { get; } = new();

        public string? Failed { get; set; }

        public long LastFrame { get; private set; }

        public List<byte> Block { get; } = [];

        public uint BlockStream { get; private set; }

        public byte BlockType { get; private set; }

        public uint BlockPromised { get; private set; }

        public bool BlockEndStream { get; private set; }

        public long BlockFirstFrame { get; private set; }

        public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

        public void Append(ReadOnlySpan<byte> data, long frame)
        {
            LastFrame = frame;
            if (_end + data.Length > _buffer.Length)
            {
                // Move what is left to the front, then grow if that is not enough (a frame is at most 16 MiB + 9).
                var length = _end - _start;
                var target = length + data.Length > _buffer.Length ? new byte[Math.Max(_buffer.Length * 2, length + data.Length)] : _buffer;
                Buffer.BlockCopy(_buffer, _start, target, 0, length);
                _buffer = target;
                _start = 0;
                _end = length;
            }

            data.CopyTo(_buffer.AsSpan(_end));
            _end += data.Length;
        }

        public void Consume(int count)
        {
            _start += count;
            if (_start == _end)
            {
                _start = _end = 0;
            }
        }

        public void Clear()
        {
            _start = _end = 0;
            _buffer = new byte[256];
        }

        public void BeginBlock(Http2Frame header, uint promised)
        {
            Block.Clear();
            BlockStream = header.StreamId;
            BlockType = header.Type;
            BlockPromised = promised;
            BlockEndStream = header.Type == Http2Frame.Headers && (header.Flags & Http2Frame.FlagEndStreamOrAck) != 0;
            BlockFirstFrame = LastFrame;
        }

        public void EndBlock()
        {
            Block.Clear();
            BlockStream = 0;
        }
    }
}
