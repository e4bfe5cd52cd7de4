using System;
using System.Buffers.Binary;

namespace PcapKit.Net;

/// <summary>
/// An HTTP/2 frame header (RFC 9113 §4.1) and the parts of a frame's payload that padding and priority surround
/// (§6.1, §6.2, §6.6): what the single-segment dissector and <see cref="Reassembly.Http2StreamParser"/> both read.
/// </summary>
/// <param name="Length">The payload's length (24 bits).</param>
/// <param name="Type">The frame type (§6).</param>
/// <param name="Flags">The flags.</param>
/// <param name="StreamId">The stream identifier (31 bits; the reserved bit is in <paramref name="Reserved"/>).</param>
/// <param name="Reserved">The reserved bit.</param>
public readonly record struct Http2Frame(int Length, byte Type, byte Flags, uint StreamId, bool Reserved)
{
    /// <summary>The frame header's size.</summary>
    public const int HeaderSize = 9;

    /// <summary>The connection preface a client sends first (§3.4).</summary>
    public static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>DATA (§6.1).</summary>
    public const byte Data = 0;

    /// <summary>HEADERS (§6.2).</summary>
    public const byte Headers = 1;

    /// <summary>PRIORITY (§6.3).</summary>
    public const byte Priority = 2;

    /// <summary>RST_STREAM (§6.4).</summary>
    public const byte RstStream = 3;

    /// <summary>SETTINGS (§6.5).</summary>
    public const byte Settings = 4;

    /// <summary>PUSH_PROMISE (§6.6).</summary>
    public const byte PushPromise = 5;

    /// <summary>PING (§6.7).</summary>
    public const byte Ping = 6;

    /// <summary>GOAWAY (§6.8).</summary>
    public const byte GoAway = 7;

    /// <summary>WINDOW_UPDATE (§6.9).</summary>
    public const byte WindowUpdate = 8;

    /// <summary>CONTINUATION (§6.10).</summary>
    public const byte Continuation = 9;

    /// <summary>END_STREAM on DATA and HEADERS; ACK on SETTINGS and PING.</summary>
    public const byte FlagEndStreamOrAck = 0x01;

    /// <summary>END_HEADERS on HEADERS, PUSH_PROMISE and CONTINUATION.</summary>
    public const byte FlagEndHeaders = 0x04;

    /// <summary>PADDED on DATA, HEADERS and PUSH_PROMISE.</summary>
    public const byte FlagPadded = 0x08;

    /// <summary>PRIORITY on HEADERS.</summary>
    public const byte FlagPriority = 0x20;

    /// <summary>SETTINGS_HEADER_TABLE_SIZE (§6.5.2).</summary>
    public const ushort SettingsHeaderTableSize = 1;

    /// <summary>Reads a frame header; false when fewer than 9 bytes remain.</summary>
    /// <param name="data">The bytes at the frame's start.</param>
    /// <param name="frame">The header.</param>
    /// <returns>Whether it fit.</returns>
    public static bool TryReadHeader(ReadOnlySpan<byte> data, out Http2Frame frame)
    {
        if (data.Length < HeaderSize)
        {
            frame = default;
            return false;
        }

        var stream = BinaryPrimitives.ReadUInt32BigEndian(data[5..]);
        frame = new((data[0] << 16) | (data[1] << 8) | data[2], data[3], data[4], stream & 0x7FFF_FFFF, (stream >> 31) != 0);
        return true;
    }

    /// <summary>
    /// Splits a padded frame's payload (§6.1): its pad length, the content, the padding; false when the pad length does
    /// not fit the payload (a PROTOCOL_ERROR). Frames without PADDED return the payload as the content.
    /// </summary>
    /// <param name="payload">The frame's payload.</param>
    /// <param name="padLength">The pad length, or -1 when the frame is not padded.</param>
    /// <param name="content">The content.</param>
    /// <param name="padding">The padding.</param>
    /// <returns>Whether the padding fits.</returns>
    public bool TrySplitPadding(ReadOnlySpan<byte> payload, out int padLength, out ReadOnlySpan<byte> content, out ReadOnlySpan<byte> padding)
    {
        padding = default;
        if ((Flags & FlagPadded) == 0 || Type is not (Data or Headers or PushPromise))
        {
            padLength = -1;
            content = payload;
            return true;
        }

        padLength = payload.IsEmpty ? -1 : payload[0];
        content = default;
        if (payload.IsEmpty || payload[0] > payload.Length - 1)
        {
            return false;
        }

        content = payload[1..^payload[0]];
        padding = payload[^payload[0]..];
        return true;
    }

    /// <summary>
    /// The header block fragment of a HEADERS (after its priority fields, §6.2), PUSH_PROMISE (after the promised stream,
    /// §6.6) or CONTINUATION frame, with padding removed; false for other types or when the lengths do not fit.
    /// </summary>
    /// <param name="payload">The frame's payload.</param>
    /// <param name="fragment">The fragment.</param>
    /// <param name="promisedStreamId">PUSH_PROMISE's promised stream, else 0.</param>
    /// <returns>Whether the frame carries a fragment that fits.</returns>
    public bool TryGetHeaderBlockFragment(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> fragment, out uint promisedStreamId)
    {
        fragment = default;
        promisedStreamId = 0;
        if (Type is not (Headers or PushPromise or Continuation) || !TrySplitPadding(payload, out _, out var content, out _))
        {
            return false;
        }

        var skip = Type switch
        {
            Headers when (Flags & FlagPriority) != 0 => 5,
            PushPromise => 4,
            _ => 0,
        };
        if (content.Length < skip)
        {
            return false;
        }

        if (Type == PushPromise)
        {
            promisedStreamId = BinaryPrimitives.ReadUInt32BigEndian(content) & 0x7FFF_FFFF;
        }

        fragment = content[skip..];
        return true;
    }
}
