using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace PcapKit.Reassembly;

/// <summary>One HTTP/1.x message found on a reassembled TCP stream.</summary>
/// <param name="Stream">The connection's number (tshark's <c>tcp.stream</c>).</param>
/// <param name="Direction">0 (from the connection's first sender) or 1.</param>
/// <param name="FirstFrame">The frame that carried its first byte.</param>
/// <param name="Frame">The frame that completed it (its last body byte, or its headers' end when it has no body).</param>
/// <param name="Method">The request's method, or null for a response.</param>
/// <param name="Uri">The request's target.</param>
/// <param name="Version">The protocol version (<c>HTTP/1.1</c>).</param>
/// <param name="StatusCode">The response's status code, or 0 for a request.</param>
/// <param name="Phrase">The response's reason phrase.</param>
/// <param name="Headers">The header fields in order, names as sent (a name may repeat).</param>
/// <param name="BodyLength">The body's length as framed (chunked: the sum of the chunks).</param>
/// <param name="Complete">False when the stream ended or had a gap before the message did.</param>
/// <param name="Framing">How its body is delimited: <c>none</c>, <c>content-length</c>, <c>chunked</c>, <c>close</c> (the end of
/// the connection), or <c>cut</c> when the capture cut its header section (what arrived of it is reported).</param>
public sealed record HttpMessage(long Stream, int Direction, long FirstFrame, long Frame, string? Method, string? Uri, string Version,
    int StatusCode, string? Phrase, IReadOnlyList<KeyValuePair<string, string>> Headers, long BodyLength, bool Complete, string Framing)
{
    /// <summary>Whether it is a request.</summary>
    public bool IsRequest => Method is not null;

    /// <summary>The first value of a header field (names compared without case), or null.</summary>
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
/// HTTP/1.x on reassembled TCP streams: request and status lines, header fields in order, bodies framed by
/// Content-Length, chunked transfer coding or the end of the connection, no body for HEAD responses, 1xx, 204 and 304,
/// pipelined requests paired with their responses in order. A direction whose first bytes are not an HTTP start line
/// is left alone; a gap inside a body is counted as body, a gap elsewhere ends parsing of that direction (the message
/// is reported incomplete). Pass it as <see cref="Extraction.ExtractionOptions.TcpStreamHandler"/>, with the
/// program's own handler inside when it has one.
/// </summary>
public sealed class HttpStreamParser : ITcpStreamHandler
{
    private const int MaxHeaderBytes = 64 * 1024;
    private readonly Action<HttpMessage> _message;
    private readonly ITcpStreamHandler? _inner;
    private readonly Dictionary<TcpStream, Side[]> _sides = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates a parser.</summary>
    /// <param name="message">Called for every message, when it completes (or, incomplete, when its stream ends).</param>
    /// <param name="inner">A handler that receives every event too.</param>
    public HttpStreamParser(Action<HttpMessage> message, ITcpStreamHandler? inner = null)
    {
        _message = message ?? throw new ArgumentNullException(nameof(message));
        _inner = inner;
    }

    /// <inheritdoc/>
    public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
    {
        _inner?.OnData(stream, direction, offset, data, frame);
        var side = SideOf(stream, direction);
        if (side.State == State.Resync)
        {
            // After a gap, or a stream caught mid-message: a segment that starts with a start line starts over.
            if (!LooksLikeStartLine(data))
            {
                return;
            }

            side.State = State.Start;
        }
        else if (side.State == State.Headers && side.Head.Count > 0 && !LooksLikeStartLine(CollectionsMarshal.AsSpan(side.Head)) && LooksLikeStartLine(data))
        {
            // Stray bytes (a keep-alive's byte) before a segment that starts a message: the message starts here.
            side.Head.Clear();
            side.State = State.Start;
        }

        while (!data.IsEmpty && side.State != State.Resync)
        {
            data = side.State switch
            {
                State.Start or State.Headers => Headers(stream, direction, side, data, frame),
                State.Body => Body(stream, direction, side, data, frame),
                _ => Chunked(stream, direction, side, data, frame),
            };
        }
    }

    /// <inheritdoc/>
    public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
    {
        _inner?.OnGap(stream, direction, offset, length, reason);
        var side = SideOf(stream, direction);
        if (side.State == State.Body && side.Remaining < 0)
        {
            // Missing bytes of a body that runs to the close: still body.
            side.BodyLength += length;
            side.Complete = false;
            return;
        }

        if (side.State == State.Body)
        {
            // Missing body bytes: the framing still holds.
            var taken = Math.Min(length, side.Remaining);
            side.Remaining -= taken;
            side.BodyLength += taken;
            side.Complete = false;
            if (side.Remaining == 0)
            {
                Emit(stream, direction, side, side.LastFrame);
            }

            if (length == taken)
            {
                return;
            }
        }

        if (side.State == State.Headers && side.Head.Count > 0 && ParseHead(side))
        {
            // The header section was cut (a short snaplen): what arrived of it is still a message.
            side.Complete = false;
            side.Framing = "cut";
            Emit(stream, direction, side, side.LastFrame);
        }
        else if (side.State is not (State.Start or State.Resync or State.Headers))
        {
            side.Complete = false;
            Emit(stream, direction, side, side.LastFrame);
        }

        side.State = State.Resync;
        side.Head.Clear();
    }

    /// <inheritdoc/>
    public void OnClose(TcpStream stream)
    {
        _inner?.OnClose(stream);
        if (!_sides.Remove(stream, out var sides))
        {
            return;
        }

        for (var d = 0; d < 2; d++)
        {
            var side = sides[d];
            if (side.State == State.Body && side.Remaining < 0)
            {
                // Delimited by the end of the connection: complete with the sender's FIN (or RST); the capture's end
                // leaves it open.
                side.Complete = stream.ClosedBy is "fin" or "rst" || stream.FinFrame[d] > 0;
                Emit(stream, d, side, stream.FinFrame[d] > 0 ? stream.FinFrame[d] : side.LastFrame);
            }
            else if (side.State is State.Headers or State.Body or State.ChunkSize or State.ChunkData or State.ChunkEnd or State.Trailer)
            {
                side.Complete = false;
                Emit(stream, d, side, side.LastFrame);
            }
        }
    }

    private Side SideOf(TcpStream stream, int direction)
    {
        if (!_sides.TryGetValue(stream, out var sides))
        {
            _sides[stream] = sides = [new Side(), new Side()];
            sides[0].Peer = sides[1];
            sides[1].Peer = sides[0];
        }

        return sides[direction];
    }

    private ReadOnlySpan<byte> Headers(TcpStream stream, int direction, Side side, ReadOnlySpan<byte> data, long frame)
    {
        if (side.State == State.Start)
        {
            // Blank lines between messages are allowed (RFC 9112 §2.2).
            while (!data.IsEmpty && (data[0] == '\r' || data[0] == '\n'))
            {
                data = data[1..];
            }

            if (data.IsEmpty)
            {
                return data;
            }

            side.FirstFrame = frame;
            side.State = State.Headers;
        }

        // Up to the blank line that ends the header section.
        var end = -1;
        for (var i = 0; i < data.Length; i++)
        {
            side.Head.Add(data[i]);
            var n = side.Head.Count;
            if (n >= 4 && side.Head[n - 1] == '\n' && side.Head[n - 2] == '\r' && side.Head[n - 3] == '\n' && side.Head[n - 4] == '\r')
            {
                end = i + 1;
                break;
            }

            if (n >= 2 && side.Head[n - 1] == '\n' && side.Head[n - 2] == '\n')
            {
                end = i + 1;
                break;
            }

            if (n == 16 && !LooksLikeStartLine(CollectionsMarshal.AsSpan(side.Head)))
            {
                side.State = State.Resync;
                side.Head.Clear();
                return [];
            }
        }

        side.LastFrame = frame;
        if (end < 0)
        {
            if (side.Head.Count > MaxHeaderBytes)
            {
                side.State = State.Resync;
                side.Head.Clear();
            }

            return [];
        }

        if (!ParseHead(side))
        {
            side.State = State.Resync;
            side.Head.Clear();
            return [];
        }

        // The body's framing (RFC 9112 §6.3).
        var chunked = side.Fields.Exists(f => f.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) &&
            f.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase));
        var lengthField = side.Fields.Find(f => f.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        string? requestMethod = null;
        if (side.Method is null && side.Peer!.Pending.Count > 0)
        {
            // An interim (1xx) response leaves its request waiting for the final one.
            requestMethod = side.Status >= 200 ? side.Peer.Pending.Dequeue() : side.Peer.Pending.Peek();
        }

        if (side.Method is not null)
        {
            side.Pending.Enqueue(side.Method);
        }

        var noBody = side.Method is null && (side.Status is >= 100 and < 200 or 204 or 304 || requestMethod == "HEAD");
        if (noBody)
        {
            side.Framing = "none";
            Emit(stream, direction, side, frame);
        }
        else if (chunked)
        {
            side.Framing = "chunked";
            side.State = State.ChunkSize;
        }
        else if (long.TryParse(lengthField, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            side.Framing = "content-length";
            side.Remaining = length;
            side.State = State.Body;
            if (length == 0)
            {
                Emit(stream, direction, side, frame);
            }
        }
        else if (side.Method is not null)
        {
            side.Framing = "none";
            Emit(stream, direction, side, frame); // a request without a length has no body
        }
        else
        {
            side.Framing = "close";
            side.Remaining = -1; // until the connection closes
            side.State = State.Body;
        }

        return data[end..];
    }

    private ReadOnlySpan<byte> Body(TcpStream stream, int direction, Side side, ReadOnlySpan<byte> data, long frame)
    {
        side.LastFrame = frame;
        if (side.Remaining < 0)
        {
            side.BodyLength += data.Length;
            return [];
        }

        var taken = (int)Math.Min(data.Length, side.Remaining);
        side.Remaining -= taken;
        side.BodyLength += taken;
        if (side.Remaining == 0)
        {
            Emit(stream, direction, side, frame);
        }

        return data[taken..];
    }

    private ReadOnlySpan<byte> Chunked(TcpStream stream, int direction, Side side, ReadOnlySpan<byte> data, long frame)
    {
        side.LastFrame = frame;
        switch (side.State)
        {
            case State.ChunkData:
                var taken = (int)Math.Min(data.Length, side.Remaining);
                side.Remaining -= taken;
                side.BodyLength += taken;
                if (side.Remaining == 0)
                {
                    side.State = State.ChunkEnd;
                }

                return data[taken..];
            default:
                // A line: the chunk size, the CRLF after a chunk, or a trailer field.
                var newline = data.IndexOf((byte)'\n');
                var part = newline < 0 ? data : data[..(newline + 1)];
                foreach (var b in part)
                {
                    side.Line.Add(b);
                }

                if (newline < 0)
                {
                    if (side.Line.Count > 1024)
                    {
                        side.Complete = false;
                        Emit(stream, direction, side, frame);
                        side.State = State.Resync;
                    }

                    return [];
                }

                var line = Encoding.ASCII.GetString(side.Line.ToArray()).TrimEnd('\r', '\n');
                side.Line.Clear();
                if (side.State == State.ChunkEnd)
                {
                    side.State = State.ChunkSize;
                }
                else if (side.State == State.Trailer)
                {
                    if (line.Length == 0)
                    {
                        Emit(stream, direction, side, frame);
                    }
                }
                else
                {
                    var size = line.Split(';')[0].Trim();
                    if (!long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var chunk) || chunk < 0)
                    {
                        side.Complete = false;
                        Emit(stream, direction, side, frame);
                        side.State = State.Resync;
                    }
                    else if (chunk == 0)
                    {
                        side.State = State.Trailer;
                    }
                    else
                    {
                        side.Remaining = chunk;
                        side.State = State.ChunkData;
                    }
                }

                return data[part.Length..];
        }
    }

    private static bool LooksLikeStartLine(ReadOnlySpan<byte> head)
    {
        var start = head[..Math.Min(16, head.Length)];
        if ("HTTP/1."u8.StartsWith(start) || start.StartsWith("HTTP/1."u8))
        {
            return true;
        }

        foreach (var m in Net.HttpMethods.Tokens)
        {
            if (m.AsSpan().StartsWith(start) || start.StartsWith(m))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the start line and the header fields.</summary>
    private static bool ParseHead(Side side)
    {
        var text = Encoding.Latin1.GetString(side.Head.ToArray());
        side.Head.Clear();
        var lines = text.Split('\n');
        var first = lines[0].TrimEnd('\r');
        var parts = first.Split(' ', 3);
        side.Fields.Clear();
        if (parts.Length >= 2 && parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                return false;
            }

            (side.Method, side.Uri, side.Version, side.Status, side.Phrase) = (null, null, parts[0], status, parts.Length > 2 ? parts[2] : string.Empty);
        }
        else if (parts.Length == 3 && parts[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            (side.Method, side.Uri, side.Version, side.Status, side.Phrase) = (parts[0], parts[1], parts[2], 0, null);
        }
        else
        {
            return false;
        }

        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                side.Fields.Add(new KeyValuePair<string, string>(line[..colon], line[(colon + 1)..].Trim()));
            }
        }

        side.BodyLength = 0;
        side.Complete = true;
        return true;
    }

    private void Emit(TcpStream stream, int direction, Side side, long frame)
    {
        if (side.Version is not null)
        {
            _message(new HttpMessage(stream.Index, direction, side.FirstFrame, frame, side.Method, side.Uri, side.Version, side.Status, side.Phrase,
                [.. side.Fields], side.BodyLength, side.Complete, side.Framing));
        }

        side.Version = null;
        side.State = side.State == State.Resync ? State.Resync : State.Start;
        side.Head.Clear();
        side.Line.Clear();
    }

    private enum State
    {
        Start,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailer,

        /// <summary>Waiting for a segment that starts with a start line.</summary>
        Resync,
    }

    private sealed class Side
    {
        public State State { get; set; }

        public Side? Peer { get; set; }

        public List<byte> Head { get; } = [];

        public List<byte> Line { get; } = [];

        public List<KeyValuePair<string, string>> Fields { get; } = [];

        /// <summary>Methods of requests sent this way, waiting for their responses.</summary>
        public Queue<string> Pending { get; } = new();

        public string? Method { get; set; }

        public string? Uri { get; set; }

        public string? Version { get; set; }

        public int Status { get; set; }

        public string? Phrase { get; set; }

        public long Remaining { get; set; }

        public long BodyLength { get; set; }

        public bool Complete { get; set; }

        public string Framing { get; set; } = "none";

        public long FirstFrame { get; set; }

        public long LastFrame { get; set; }
    }
}
