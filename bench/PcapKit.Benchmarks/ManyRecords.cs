using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using PcapKit.Capture;

namespace PcapKit.Benchmarks;

/// <summary>
/// <c>records [N]</c>: reads a pcap of N records (default 2^31 + 1,000) that is generated as it is read — a stream,
/// never stored — and checks that every record number and byte offset past 2^31 and 4 GiB comes out right: the
/// reader's counters are 64-bit all the way.
/// </summary>
internal static class ManyRecords
{
    private const int RecordSize = 16 + 14;

    public static int Run(string[] args)
    {
        var count = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : (1L << 31) + 1_000;
        using var stream = new SyntheticPcap(count);
        using var reader = CaptureReader.Open(stream, "synthetic.pcap");
        var watch = Stopwatch.StartNew();
        long expected = 1;
        foreach (var record in reader)
        {
            // Every record: its number, and its offset (24-byte file header, then fixed-size records).
            var offset = 24 + ((expected - 1) * RecordSize);
            if (record.Number != expected || record.Offset != offset || record.Data.Length != 14)
            {
                Console.Error.WriteLine($"record {expected}: number {record.Number}, offset {record.Offset} (expected {offset}), {record.Data.Length} bytes");
                return 1;
            }

            expected++;
        }

        var read = expected - 1;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{read:N0} records ({(double)read / (1L << 31):F4} × 2^31), {24 + (read * RecordSize):N0} bytes ({(24 + (read * RecordSize)) / (double)(1L << 32):F2} × 4 GiB) in {watch.Elapsed.TotalSeconds:F0} s; numbers and offsets all as expected: {(read == count ? "yes" : "NO")}"));
        return read == count ? 0 : 1;
    }

    /// <summary>A pcap file of <c>count</c> 14-byte Ethernet frames, made as it is read.</summary>
    private sealed class SyntheticPcap(long count) : Stream
    {
        private readonly byte[] _header = MakeHeader();
        private readonly byte[] _record = new byte[RecordSize];
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            var end = 24 + (count * RecordSize);
            while (written < buffer.Length && _position < end)
            {
                int n;
                if (_position < 24)
                {
                    n = Math.Min(buffer.Length - written, (int)(24 - _position));
                    _header.AsSpan((int)_position, n).CopyTo(buffer[written..]);
                }
                else
                {
                    var within = (int)((_position - 24) % RecordSize);
                    var index = (_position - 24) / RecordSize;
                    if (within == 0)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(_record, (uint)(index / 1_000_000));
                        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(4), (uint)(index % 1_000_000));
                        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(8), 14);
                        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(12), 60);
                        _record[16 + 12] = 0x08;
                    }

                    n = Math.Min(buffer.Length - written, RecordSize - within);
                    _record.AsSpan(within, n).CopyTo(buffer[written..]);
                }

                written += n;
                _position += n;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static byte[] MakeHeader()
        {
            var header = new byte[24];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 65535);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 1);
            return header;
        }
    }
}
