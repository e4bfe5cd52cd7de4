using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace PcapKit.Capture;

/// <summary>
/// Reads pcap and pcapng files record by record, allocating nothing per record. The format is detected from the
/// magic number. Each <see cref="CaptureRecord"/> is valid until the next read.
/// </summary>
/// <remarks>
/// A structurally broken file throws <see cref="InvalidDataException"/> carrying a <see cref="CaptureError"/>
/// naming the file and byte offset — only when the read reaches the broken part, after every good record before it
/// has been returned. A file cut in the middle of a record returns every complete record, then throws with kind
/// <see cref="CaptureErrorKind.Truncated"/>.
/// </remarks>
public sealed partial class CaptureReader : IDisposable
{
    private const uint PcapNgSectionHeader = 0x0A0D0D0A;

    private readonly ByteSource _source;
    private readonly CaptureReaderOptions _options;
    private readonly List<CaptureSection> _sections = [];
    private readonly List<CaptureInterface> _interfaces = [];
    private readonly List<CaptureNotice> _notices = [];
    private readonly List<NameResolutionEntry> _names = [];
    private readonly List<DecryptionSecrets> _secrets = [];
    private readonly List<CustomBlock> _customBlocks = [];
    private long _recordCount;
    private bool _finished;

    // pcap state
    private PcapHeader? _pcapHeader;

    private CaptureReader(ByteSource source, string name, CaptureReaderOptions options)
    {
        _source = source;
        _options = options;
        Name = name;
        try
        {
            ReadFileHeader();
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>The file's name (or the name given for a stream) used in error messages.</summary>
    public string Name { get; }

    /// <summary>The container format.</summary>
    public CaptureFormat Format { get; private set; }

    /// <summary>The byte order of the file (of its first section, for pcapng).</summary>
    public ByteOrder ByteOrder { get; private set; }

    /// <summary>The pcap file header, for pcap files.</summary>
    public PcapHeader? PcapHeader => _pcapHeader;

    /// <summary>The sections read so far (one for pcap files).</summary>
    public IReadOnlyList<CaptureSection> Sections => _sections;

    /// <summary>Every interface read so far, in file order (the index is <see cref="CaptureInterface.Index"/>).</summary>
    public IReadOnlyList<CaptureInterface> Interfaces => _interfaces;

    /// <summary>Name Resolution Block entries read so far.</summary>
    public IReadOnlyList<NameResolutionEntry> NameResolution => _names;

    /// <summary>Decryption Secrets Blocks read so far.</summary>
    public IReadOnlyList<DecryptionSecrets> DecryptionSecrets => _secrets;

    /// <summary>Custom blocks read so far.</summary>
    public IReadOnlyList<CustomBlock> CustomBlocks => _customBlocks;

    /// <summary>Blocks skipped and other things worked around, in file order.</summary>
    public IReadOnlyList<CaptureNotice> Notices => _notices;

    /// <summary>The number of records returned so far.</summary>
    public long RecordCount => _recordCount;

    /// <summary>The byte offset of the next record or block.</summary>
    public long Position => _source.Position;

    /// <summary>Whether a record's data stays valid after the next read, until the reader is disposed (a memory-mapped file: records are views of it).</summary>
    internal bool RecordsStayValid => _source is MappedByteSource;

    /// <summary>Whether a helper thread reads the mapped file ahead (<see cref="CaptureReaderOptions.ReadAhead"/>).</summary>
    internal bool ReadsAhead => _source is MappedByteSource { ReadsAhead: true };

    /// <summary>The mapped file (its read-ahead's state, for tests); null when the file is read through a stream.</summary>
    internal MappedByteSource? Mapped => _source as MappedByteSource;

    /// <summary>A lease on the mapped file, whose records' bytes then stay valid until it is released; null when the file is read through a stream.</summary>
    internal MappedInput? LeaseMapping() => _source is MappedByteSource mapped ? mapped.Lease() : null;

    /// <summary>The input's length in bytes, when known.</summary>
    public long? Length => _source.Length;

    /// <summary>Opens a capture file; <c>-</c> reads standard input.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The options.</param>
    /// <returns>The reader, positioned before the first record.</returns>
    /// <exception cref="InvalidDataException">The file is not a capture this reader reads.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static CaptureReader Open(string path, CaptureReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= CaptureReaderOptions.Default;
        if (path == "-")
        {
            return Open(Console.OpenStandardInput(), "(standard input)", options);
        }

        if (options.UseMemoryMap && MappedByteSource.TryOpen(path, options.ReadAhead, options.ReadAheadIntoCache) is { } mapped)
        {
            return new CaptureReader(mapped, path, options);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return new CaptureReader(new StreamByteSource(stream, leaveOpen: false), path, options);
    }

    /// <summary>Reads a capture from any stream, seekable or not.</summary>
    /// <param name="stream">The stream, positioned at the file header.</param>
    /// <param name="name">A name for error messages.</param>
    /// <param name="options">The options.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves the stream open.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="InvalidDataException">The stream does not hold a capture this reader reads.</exception>
    public static CaptureReader Open(Stream stream, string name = "(stream)", CaptureReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new CaptureReader(new StreamByteSource(stream, leaveOpen), name, options ?? CaptureReaderOptions.Default);
    }

    /// <summary>Reads the next record.</summary>
    /// <param name="record">The record, valid until the next read.</param>
    /// <returns>False at the end of the file.</returns>
    /// <exception cref="InvalidDataException">The file is broken at this point.</exception>
    public bool TryReadNext(out CaptureRecord record)
    {
        if (_finished)
        {
            record = default;
            return false;
        }

        var found = Format == CaptureFormat.Pcap ? TryReadPcapRecord(out record) : TryReadPcapNgRecord(out record);
        if (!found)
        {
            _finished = true;
        }

        return found;
    }

    /// <summary>Enumerates the records: <c>foreach (var record in reader)</c>.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    /// <inheritdoc/>
    public void Dispose() => _source.Dispose();

    private InvalidDataException Error(long offset, CaptureErrorKind kind, string reason) => new CaptureError(Name, offset, kind, reason).ToException();

    private void ReadFileHeader()
    {
        var magicBytes = _source.Peek(4);
        if (magicBytes.Length < 4)
        {
            throw Error(0, CaptureErrorKind.Truncated, magicBytes.Length == 0 ? "the file is empty" : "the file is shorter than a file header");
        }

        var le = BinaryPrimitives.ReadUInt32LittleEndian(magicBytes);
        var be = BinaryPrimitives.ReadUInt32BigEndian(magicBytes);
        if (le == PcapNgSectionHeader)
        {
            Format = CaptureFormat.PcapNg;
            ReadFirstSection();
            return;
        }

        foreach (var magic in new[] { Capture.PcapHeader.MicrosecondMagic, Capture.PcapHeader.NanosecondMagic, Capture.PcapHeader.ModifiedMagic })
        {
            if (le == magic || be == magic)
            {
                Format = CaptureFormat.Pcap;
                ReadPcapHeader(magic, le == magic ? ByteOrder.LittleEndian : ByteOrder.BigEndian);
                return;
            }
        }

        throw Error(0, CaptureErrorKind.Unsupported, $"unknown magic number 0x{be:x8}; not a pcap or pcapng file");
    }

    /// <summary>Enumerates records without allocating.</summary>
    public ref struct Enumerator
    {
        private readonly CaptureReader _reader;
        private CaptureRecord _current;

        internal Enumerator(CaptureReader reader)
        {
            _reader = reader;
            _current = default;
        }

        /// <summary>The current record, valid until <see cref="MoveNext"/>.</summary>
        public readonly CaptureRecord Current => _current;

        /// <summary>Reads the next record.</summary>
        /// <returns>False at the end of the file.</returns>
        public bool MoveNext() => _reader.TryReadNext(out _current);
    }
}
