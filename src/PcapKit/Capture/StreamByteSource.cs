using System;
using System.Buffers;
using System.IO;

namespace PcapKit.Capture;

/// <summary>
/// Reads any <see cref="Stream"/>, seekable or not (stdin, a pipe), through one pooled buffer that grows only to the
/// largest record actually present.
/// </summary>
internal sealed class StreamByteSource : ByteSource
{
    private const int InitialBuffer = 1 << 20;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _eof;

    public StreamByteSource(Stream stream, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        Length = stream.CanSeek ? stream.Length - stream.Position : null;
    }

    public override long Position => _bufferOffset + _start;

    public override long? Length { get; }

    public override ReadOnlySpan<byte> Peek(int count)
    {
        if (_end - _start < count && !_eof)
        {
            Fill(count);
        }

        return _buffer.AsSpan(_start, Math.Min(count, _end - _start));
    }

    public override void Advance(int count) => _start += count;

    private void Fill(int count)
    {
        if (count > _buffer.Length - _start)
        {
            // Move what is left to the front, growing the buffer when one record needs more than it holds.
            var remaining = _end - _start;
            var target = _buffer;
            if (count > _buffer.Length)
            {
                target = ArrayPool<byte>.Shared.Rent(count);
            }

            Buffer.BlockCopy(_buffer, _start, target, 0, remaining);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }

            _bufferOffset += _start;
            _start = 0;
            _end = remaining;
        }

        while (_end - _start < count)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
                return;
            }

            _end += read;
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }

            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
