using System;
using System.Buffers.Binary;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Protocols;

// Hand-written hook: a segment holds any number of frames (RFC 9113 §4.1), each a 9-octet header and a payload whose
// layout depends on the frame's type and flags (padding, priority); the spec language lays out one header at fixed
// offsets. The fields are declared in http2.pcapkit.yaml under decode:; Http2Frame (PcapKit.Net) reads the parts the
// stream parser reads too.
public sealed partial record Http2
{
    private static partial bool IsHeuristicMatch(ReadOnlySpan<byte> payload) =>
        payload.Length >= 4 && payload[0] == (byte)'P' && Http2Frame.ClientPreface.StartsWith(payload[..Math.Min(payload.Length, Http2Frame.ClientPreface.Length)]);

    private static partial void DecodeData<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct => DecodeFrames(view.Data, ref visitor);

    /// <summary>Reports the preface (when the segment starts with it), every whole frame, then what is left with the reason.</summary>
    internal static void DecodeFrames<TVisitor>(ReadOnlySpan<byte> segment, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        var offset = 0;
        var preface = Http2Frame.ClientPreface;
        if (segment.StartsWith(preface))
        {
            visitor.Bytes(Fields.Magic, segment[..preface.Length]);
            offset = preface.Length;
        }

        var listed = false;
        string? incomplete = null;
        while (offset < segment.Length)
        {
            if (!Http2Frame.TryReadHeader(segment[offset..], out var frame))
            {
                incomplete = offset == 0 ? "fewer octets than a frame header" : "a frame header cut by the end of the segment";
                break;
            }

            if (segment.Length - offset - Http2Frame.HeaderSize < frame.Length)
            {
                incomplete = "a frame that ends in a later segment";
                break;
            }

            if (!listed)
            {
                visitor.BeginList(Fields.Frames);
                listed = true;
            }

            Frame(frame, segment.Slice(offset + Http2Frame.HeaderSize, frame.Length), ref visitor);
            offset += Http2Frame.HeaderSize + frame.Length;
        }

        if (listed)
        {
            visitor.EndList(Fields.Frames);
        }

        if (incomplete is not null)
        {
            UndecodedBytes.Report(Fields.Incomplete, incomplete, Fields.IncompleteData, segment[offset..], ref visitor);
        }
    }

    private static void Frame<TVisitor>(Http2Frame frame, ReadOnlySpan<byte> payload, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        visitor.BeginItem(Fields.FramesItem);
        visitor.Value(Fields.FramesLength, (ulong)frame.Length);
        visitor.Value(Fields.FramesType, frame.Type);
        visitor.Value(Fields.FramesFlags, frame.Flags);
        var flags = frame.Flags;
        switch (frame.Type)
        {
            case Http2Frame.Data:
                Flag(Fields.FramesEndStream, flags, Http2Frame.FlagEndStreamOrAck, ref visitor);
                Flag(Fields.FramesPadded, flags, Http2Frame.FlagPadded, ref visitor);
                break;
            case Http2Frame.Headers:
                Flag(Fields.FramesEndStream, flags, Http2Frame.FlagEndStreamOrAck, ref visitor);
                Flag(Fields.FramesEndHeaders, flags, Http2Frame.FlagEndHeaders, ref visitor);
                Flag(Fields.FramesPadded, flags, Http2Frame.FlagPadded, ref visitor);
                Flag(Fields.FramesPriority, flags, Http2Frame.FlagPriority, ref visitor);
                break;
            case Http2Frame.PushPromise:
                Flag(Fields.FramesEndHeaders, flags, Http2Frame.FlagEndHeaders, ref visitor);
                Flag(Fields.FramesPadded, flags, Http2Frame.FlagPadded, ref visitor);
                break;
            case Http2Frame.Continuation:
                Flag(Fields.FramesEndHeaders, flags, Http2Frame.FlagEndHeaders, ref visitor);
                break;
            case Http2Frame.Settings:
                Flag(Fields.FramesSettingsAck, flags, Http2Frame.FlagEndStreamOrAck, ref visitor);
                break;
            case Http2Frame.Ping:
                Flag(Fields.FramesPingAck, flags, Http2Frame.FlagEndStreamOrAck, ref visitor);
                break;
        }

        visitor.Value(Fields.FramesReserved, frame.Reserved ? 1UL : 0UL);
        visitor.Value(Fields.FramesStreamId, frame.StreamId);
        if (!Payload(frame, payload, ref visitor) && !payload.IsEmpty)
        {
            visitor.Bytes(Fields.FramesUnknown, payload);
        }

        visitor.EndItem(Fields.FramesItem);
    }

    private static void Flag<TVisitor>(FieldDescriptor field, byte flags, byte bit, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct => visitor.Value(field, (flags & bit) != 0 ? 1UL : 0UL);

    // The payload's fields by type (§6); false when the type is unknown or the payload breaks its layout (kept as bytes).
    private static bool Payload<TVisitor>(Http2Frame frame, ReadOnlySpan<byte> payload, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        switch (frame.Type)
        {
            case Http2Frame.Data or Http2Frame.Headers or Http2Frame.PushPromise:
            {
                if (!frame.TrySplitPadding(payload, out var padLength, out var content, out var padding))
                {
                    return false;
                }

                var headerFields = frame.Type == Http2Frame.Headers && (frame.Flags & Http2Frame.FlagPriority) != 0 ? 5 : frame.Type == Http2Frame.PushPromise ? 4 : 0;
                if (content.Length < headerFields)
                {
                    return false;
                }

                if (padLength >= 0)
                {
                    visitor.Value(Fields.FramesPadLength, (ulong)padLength);
                }

                if (frame.Type == Http2Frame.Data)
                {
                    visitor.Bytes(Fields.FramesData, content);
                }
                else
                {
                    if (headerFields == 5)
                    {
                        Priority(content, ref visitor);
                    }
                    else if (headerFields == 4)
                    {
                        visitor.Value(Fields.FramesPromisedStreamId, BinaryPrimitives.ReadUInt32BigEndian(content) & 0x7FFF_FFFF);
                    }

                    visitor.Bytes(Fields.FramesHeaderBlockFragment, content[headerFields..]);
                }

                if (!padding.IsEmpty)
                {
                    visitor.Bytes(Fields.FramesPadding, padding);
                }

                return true;
            }

            case Http2Frame.Continuation:
                visitor.Bytes(Fields.FramesHeaderBlockFragment, payload);
                return true;
            case Http2Frame.Priority when payload.Length == 5:
                Priority(payload, ref visitor);
                return true;
            case Http2Frame.RstStream when payload.Length == 4:
                visitor.Value(Fields.FramesErrorCode, BinaryPrimitives.ReadUInt32BigEndian(payload));
                return true;
            case Http2Frame.Settings when payload.Length % 6 == 0:
                visitor.BeginList(Fields.FramesSettings);
                for (var i = 0; i < payload.Length; i += 6)
                {
                    var id = BinaryPrimitives.ReadUInt16BigEndian(payload[i..]);
                    visitor.BeginItem(Fields.FramesSettingsItem);
                    visitor.Value(Fields.FramesSettingsIdentifier, id);
                    var value = Fields.FramesSettingsUnknown;
                    switch (id)
                    {
                        case 1: value = Fields.FramesSettingsHeaderTableSize; break;
                        case 2: value = Fields.FramesSettingsEnablePush; break;
                        case 3: value = Fields.FramesSettingsMaxConcurrentStreams; break;
                        case 4: value = Fields.FramesSettingsInitialWindowSize; break;
                        case 5: value = Fields.FramesSettingsMaxFrameSize; break;
                        case 6: value = Fields.FramesSettingsMaxHeaderListSize; break;
                        case 8: value = Fields.FramesSettingsEnableConnectProtocol; break;
                    }

                    visitor.Value(value, BinaryPrimitives.ReadUInt32BigEndian(payload[(i + 2)..]));
                    visitor.EndItem(Fields.FramesSettingsItem);
                }

                visitor.EndList(Fields.FramesSettings);
                return true;
            case Http2Frame.Ping when payload.Length == 8:
                visitor.Bytes((frame.Flags & Http2Frame.FlagEndStreamOrAck) != 0 ? Fields.FramesPong : Fields.FramesPing, payload);
                return true;
            case Http2Frame.GoAway when payload.Length >= 8:
                visitor.Value(Fields.FramesLastStreamId, BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFF_FFFF);
                visitor.Value(Fields.FramesGoawayError, BinaryPrimitives.ReadUInt32BigEndian(payload[4..]));
                if (payload.Length > 8)
                {
                    visitor.Bytes(Fields.FramesDebugData, payload[8..]);
                }

                return true;
            case Http2Frame.WindowUpdate when payload.Length == 4:
                visitor.Value(Fields.FramesWindowSizeIncrement, BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFF_FFFF);
                return true;
            default:
                return false;
        }
    }

    // §5.3.2 (deprecated by RFC 9113 but still sent): E, the stream dependency, the weight (shown as sent, 0–255).
    private static void Priority<TVisitor>(ReadOnlySpan<byte> fields, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        var dependency = BinaryPrimitives.ReadUInt32BigEndian(fields);
        visitor.Value(Fields.FramesExclusive, dependency >> 31);
        visitor.Value(Fields.FramesStreamDependency, dependency & 0x7FFF_FFFF);
        visitor.Value(Fields.FramesWeight, fields[4]);
    }
}
