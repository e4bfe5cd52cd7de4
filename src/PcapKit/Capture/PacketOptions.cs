using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace PcapKit.Capture;

/// <summary>
/// The options of a pcapng packet block, read in place. Typed accessors cover the Enhanced Packet Block's
/// standard options; <see cref="GetEnumerator"/> walks all of them, custom ones included.
/// </summary>
public readonly ref struct PacketOptions
{
    /// <summary><c>epb_flags</c>.</summary>
    public const ushort FlagsCode = 2;

    /// <summary><c>epb_hash</c>.</summary>
    public const ushort HashCode = 3;

    /// <summary><c>epb_dropcount</c>.</summary>
    public const ushort DropCountCode = 4;

    /// <summary><c>epb_packetid</c>.</summary>
    public const ushort PacketIdCode = 5;

    /// <summary><c>epb_queue</c>.</summary>
    public const ushort QueueCode = 6;

    /// <summary><c>epb_verdict</c>.</summary>
    public const ushort VerdictCode = 7;

    /// <summary><c>epb_processid_threadid</c>.</summary>
    public const ushort ProcessIdCode = 8;

    private readonly ReadOnlySpan<byte> _bytes;
    private readonly bool _bigEndian;

    internal PacketOptions(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        _bytes = bytes;
        _bigEndian = bigEndian;
    }

    /// <summary>The options' bytes as stored (in the section's byte order).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Whether the section is big-endian.</summary>
    public bool IsBigEndian => _bigEndian;

    /// <summary>Whether there are none.</summary>
    public bool IsEmpty
    {
        get
        {
            var e = GetEnumerator();
            return !e.MoveNext();
        }
    }

    /// <summary><c>epb_flags</c>: direction (bits 0–1), reception type (2–4), FCS length (5–8), link-layer errors (16–31).</summary>
    public uint? Flags => TryGet(FlagsCode, out var v) && v.Length >= 4 ? U32(v) : null;

    /// <summary><c>epb_dropcount</c>.</summary>
    public ulong? DropCount => TryGet(DropCountCode, out var v) && v.Length >= 8 ? U64(v) : null;

    /// <summary><c>epb_packetid</c>.</summary>
    public ulong? PacketId => TryGet(PacketIdCode, out var v) && v.Length >= 8 ? U64(v) : null;

    /// <summary><c>epb_queue</c>.</summary>
    public uint? Queue => TryGet(QueueCode, out var v) && v.Length >= 4 ? U32(v) : null;

    /// <summary><c>epb_hash</c>: the algorithm byte followed by the hash.</summary>
    public ReadOnlySpan<byte> Hash => TryGet(HashCode, out var v) ? v : default;

    /// <summary>The value of the first option with <paramref name="code"/>.</summary>
    /// <param name="code">The option code.</param>
    /// <param name="value">Its value.</param>
    /// <returns>Whether there is one.</returns>
    public bool TryGet(ushort code, out ReadOnlySpan<byte> value)
    {
        foreach (var option in this)
        {
            if (option.Code == code)
            {
                value = option.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Every <c>opt_comment</c> (allocates the strings).</summary>
    /// <returns>The comments.</returns>
    public List<string> GetComments()
    {
        var list = new List<string>();
        foreach (var option in this)
        {
            if (option.Code == PcapNgOption.Comment)
            {
                list.Add(System.Text.Encoding.UTF8.GetString(option.Value));
            }
        }

        return list;
    }

    /// <summary>Every <c>epb_verdict</c> value (type byte and data).</summary>
    /// <returns>The verdicts.</returns>
    public List<byte[]> GetVerdicts()
    {
        var list = new List<byte[]>();
        foreach (var option in this)
        {
            if (option.Code == VerdictCode)
            {
                list.Add(option.Value.ToArray());
            }
        }

        return list;
    }

    /// <summary>Returns an enumerator over the options.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(_bytes, _bigEndian);

    private uint U32(ReadOnlySpan<byte> v) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(v) : BinaryPrimitives.ReadUInt32LittleEndian(v);

    private ulong U64(ReadOnlySpan<byte> v) => _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(v) : BinaryPrimitives.ReadUInt64LittleEndian(v);

    /// <summary>One option.</summary>
    /// <param name="Code">Its code.</param>
    /// <param name="Value">Its value.</param>
    public readonly ref struct Option(ushort Code, ReadOnlySpan<byte> Value)
    {
        /// <summary>The code.</summary>
        public ushort Code { get; } = Code;

        /// <summary>The value.</summary>
        public ReadOnlySpan<byte> Value { get; } = Value;
    }

    /// <summary>Walks options until <c>opt_endofopt</c>, the end of the bytes, or an option that would overrun them.</summary>
    public ref struct Enumerator
    {
        private readonly bool _bigEndian;
        private ReadOnlySpan<byte> _rest;

        internal Enumerator(ReadOnlySpan<byte> bytes, bool bigEndian)
        {
            _rest = bytes;
            _bigEndian = bigEndian;
            Current = default;
        }

        /// <summary>The current option.</summary>
        public Option Current { get; private set; }

        /// <summary>Moves to the next option.</summary>
        /// <returns>Whether there is one.</returns>
        public bool MoveNext()
        {
            if (_rest.Length < 4)
            {
                return false;
            }

            var code = _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(_rest) : BinaryPrimitives.ReadUInt16LittleEndian(_rest);
            var length = _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(_rest[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]);
            if (code == 0 || 4 + length > _rest.Length)
            {
                _rest = default;
                return false;
            }

            Current = new Option(code, _rest.Slice(4, length));
            var padded = 4 + ((length + 3) & ~3);
            _rest = padded >= _rest.Length ? default : _rest[padded..];
            return true;
        }
    }
}
