using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Output;

namespace PcapKit.Parquet;

/// <summary>How <see cref="ParquetFieldWriter"/> lays out its file.</summary>
public sealed class ParquetFieldOptions
{
    /// <summary>Rows per row group: the rows held in memory before they are written (default 65,536).</summary>
    public int RowGroupSize { get; init; } = 65_536;

    /// <summary>Which occurrences of a layer field a column keeps; <see cref="FieldOccurrences.All"/> makes every layer field a list.</summary>
    public FieldOccurrences Occurrences { get; init; } = FieldOccurrences.All;

    /// <summary>When set, a first column <c>capture</c> holds this text on every row: the capture's name in a dataset of many.</summary>
    public string? Capture { get; init; }

    /// <summary>Whether disposing the writer leaves the output stream open.</summary>
    public bool LeaveOpen { get; init; }
}

/// <summary>
/// Writes the fields <c>pcapkit fields</c> prints as a Parquet file: one row per frame, one typed column per field
/// (numbers as <c>INT64</c>, flags as booleans, addresses and text as strings in tshark's form,
/// <c>frame.time_epoch</c> as a UTC timestamp, relative times as exact decimal seconds), written a row group at a
/// time while the capture streams, so memory holds one row group.
/// </summary>
/// <remarks>
/// Parquet.Net writes asynchronously; <see cref="Add"/> waits for a full row group's write, which on a file is a
/// plain disk write. A column whose name is a layer field is a list of every occurrence unless
/// <see cref="ParquetFieldOptions.Occurrences"/> picks one.
/// </remarks>
public sealed class ParquetFieldWriter : IDisposable, IAsyncDisposable
{
    /// <summary>The column that names the capture in a dataset (<see cref="ParquetFieldOptions.Capture"/>).</summary>
    public const string CaptureColumn = "capture";

    private readonly ParquetFieldOptions _options;
    private readonly Stream _output;
    private readonly ParquetColumn[] _columns;
    private readonly int[] _frameField;
    private readonly ParquetStringColumn? _capture;
    private readonly FrameFields _frame;
    private readonly Collector _collector;
    private readonly StringBuilder _chain = new();
    private ParquetWriter? _writer;
    private int _rows;
    private bool _disposed;

    /// <summary>Creates a writer; nothing is written until the first row group is full or the writer is disposed.</summary>
    /// <param name="registry">The protocols whose fields may be named.</param>
    /// <param name="names">The fields, in column order (the names <c>pcapkit fields -e</c> takes).</param>
    /// <param name="output">Where the file goes.</param>
    /// <param name="options">The layout; the defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A name is not a known field, or is named twice.</exception>
    public ParquetFieldWriter(DissectorRegistry registry, IReadOnlyList<string> names, Stream output, ParquetFieldOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(output);
        _options = options ?? new ParquetFieldOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RowGroupSize, 1, nameof(options));
        _output = output;

        Validate(registry, names, _options);
        var descriptors = FieldExtractor.FieldsByName(registry);
        var columns = new List<ParquetColumn>();
        if (_options.Capture is not null)
        {
            _capture = (ParquetStringColumn)ParquetColumns.Create(CaptureColumn, ParquetColumnType.String, list: false);
            columns.Add(_capture);
        }

        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        _frameField = new int[names.Count];
        var tcpStreams = false;
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            byName[name] = columns.Count;
            _frameField[i] = FrameFields.IndexOf(name);
            tcpStreams |= FrameFields.NeedsTcpConnections(name);
            var type = _frameField[i] >= 0 ? TypeOf((FrameField)_frameField[i]) : TypeOf(descriptors[name]);
            columns.Add(ParquetColumns.Create(name, type, list: _frameField[i] < 0 && _options.Occurrences == FieldOccurrences.All));
        }

        _columns = [.. columns];
        Schema = new ParquetSchema(ParquetColumns.Schema(_columns));
        _frame = new FrameFields(tcpStreams);
        _collector = new Collector(this, byName);
    }

    /// <summary>Checks what the constructor checks, before any file is made: every name a known field, none twice.</summary>
    /// <param name="registry">The protocols whose fields may be named.</param>
    /// <param name="names">The fields.</param>
    /// <param name="options">The layout (a <see cref="ParquetFieldOptions.Capture"/> column takes the name <c>capture</c>).</param>
    /// <exception cref="ArgumentException">A name is not a known field (the message lists similar names), or is named twice.</exception>
    public static void Validate(DissectorRegistry registry, IReadOnlyList<string> names, ParquetFieldOptions? options = null)
    {
        FieldExtractor.Validate(registry, names);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (options?.Capture is not null)
        {
            seen.Add(CaptureColumn);
        }

        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                throw new ArgumentException($"'{name}' is named twice; a Parquet file holds one column of a name.", nameof(names));
            }
        }
    }

    /// <summary>The file's schema.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>Frames added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>The Parquet type a layer field's column has: <see cref="ParquetColumnType.Int64"/> when every field of that name is a number that fits, <see cref="ParquetColumnType.Boolean"/> for one-bit flags, else text.</summary>
    /// <param name="registry">The protocols.</param>
    /// <param name="name">A field name; <c>frame.*</c> and <c>tcp.stream</c> included.</param>
    /// <returns>The type, or <see langword="null"/> when no field has that name.</returns>
    public static ParquetColumnType? ColumnType(DissectorRegistry registry, string name)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(name);
        var frameField = FrameFields.IndexOf(name);
        if (frameField >= 0)
        {
            return TypeOf((FrameField)frameField);
        }

        return FieldExtractor.FieldsByName(registry).TryGetValue(name, out var fields) ? TypeOf(fields) : null;
    }

    /// <summary>Adds a frame as a row; writes a row group when <see cref="ParquetFieldOptions.RowGroupSize"/> rows are buffered.</summary>
    /// <param name="record">The frame's record.</param>
    /// <param name="frame">Its dissection.</param>
    /// <exception cref="IOException">The output could not be written.</exception>
    public void Add(in CaptureRecord record, Frame frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _frame.Advance(record, frame);
        _capture?.Add(_options.Capture!, FieldOccurrences.First);
        for (var i = 0; i < frame.LayerCount; i++)
        {
            frame.ProtocolAt(i).Accept(frame.LayerBytes(i), frame[i].ReportedLength, _collector);
        }

        var offset = _capture is null ? 0 : 1;
        for (var i = 0; i < _frameField.Length; i++)
        {
            if (_frameField[i] >= 0)
            {
                AddFrameField(_columns[i + offset], (FrameField)_frameField[i], record, frame);
            }
        }

        foreach (var column in _columns)
        {
            column.EndRow();
        }

        Rows++;
        if (++_rows == _options.RowGroupSize)
        {
            WriteRowGroupAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Writes the rows buffered and the file's footer.</summary>
    /// <returns>The completion.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_rows > 0)
            {
                await WriteRowGroupAsync(CancellationToken.None).ConfigureAwait(false);
            }

            // A capture with no frames still gets a valid file: the schema and no row groups.
            _writer ??= await ParquetWriter.CreateAsync(Schema, _output).ConfigureAwait(false);
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (!_options.LeaveOpen)
            {
                await _output.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static ParquetColumnType TypeOf(FrameField field) => field switch
    {
        FrameField.TimeEpoch => ParquetColumnType.Timestamp,
        FrameField.TimeRelative or FrameField.TimeDelta => ParquetColumnType.Seconds,
        FrameField.Protocols => ParquetColumnType.String,
        _ => ParquetColumnType.Int64,
    };

    private static ParquetColumnType TypeOf(IReadOnlyList<FieldDescriptor> fields)
    {
        var flags = true;
        foreach (var field in fields)
        {
            // 64-bit unsigned fields may not fit INT64, and NTP timestamps read better as tshark's text: both stay text.
            if (field.Kind is not (FieldKind.UInt or FieldKind.Enum or FieldKind.Flags or FieldKind.Bool or FieldKind.Int) ||
                (field.BitWidth >= 64 && field.Kind != FieldKind.Int) || field.Format == Annotations.NumberFormat.NtpTimestamp)
            {
                return ParquetColumnType.String;
            }

            flags &= field.Kind == FieldKind.Bool && field.DisplayScale == 1 && field.DisplayOffset == 0;
        }

        return flags ? ParquetColumnType.Boolean : ParquetColumnType.Int64;
    }

    private void AddFrameField(ParquetColumn column, FrameField field, in CaptureRecord record, Frame frame)
    {
        const FieldOccurrences one = FieldOccurrences.First;
        switch (field)
        {
            case FrameField.Number:
                ((ParquetValueColumn<long>)column).Add(record.Number, one);
                break;
            case FrameField.TimeEpoch when record.HasTimestamp && record.Timestamp.TryToDateTimeOffset(out var time):
                ((ParquetValueColumn<DateTime>)column).Add(time.UtcDateTime, one);
                break;
            case FrameField.TimeRelative when record.HasTimestamp:
                ((ParquetValueColumn<decimal>)column).Add(Seconds(_frame.RelativeNanoseconds), one);
                break;
            case FrameField.TimeDelta when record.HasTimestamp:
                ((ParquetValueColumn<decimal>)column).Add(Seconds(_frame.DeltaNanoseconds), one);
                break;
            case FrameField.Length:
                ((ParquetValueColumn<long>)column).Add(record.OriginalLength, one);
                break;
            case FrameField.CapturedLength:
                ((ParquetValueColumn<long>)column).Add(record.CapturedLength, one);
                break;
            case FrameField.InterfaceId when FieldExtractor.InterfaceId(record) is { } id:
                ((ParquetValueColumn<long>)column).Add(id, one);
                break;
            case FrameField.Protocols:
                _chain.Clear();
                FieldExtractor.AppendTsharkChain(_chain, frame);
                ((ParquetStringColumn)column).Add(_chain.ToString(), one);
                break;
            case FrameField.TcpStream or FrameField.RelativeSequence or FrameField.RelativeAcknowledgment or FrameField.NextSequence
                when _frame.ConnectionValue(field) is { } value:
                ((ParquetValueColumn<long>)column).Add(value, one);
                break;
        }
    }

    private static decimal Seconds(long nanoseconds) => new decimal(nanoseconds) / 1_000_000_000m;

    private async ValueTask WriteRowGroupAsync(CancellationToken cancellation)
    {
        _writer ??= await ParquetWriter.CreateAsync(Schema, _output, cancellationToken: cancellation).ConfigureAwait(false);
        using var group = _writer.CreateRowGroup();
        foreach (var column in _columns)
        {
            await column.WriteAsync(group, cancellation).ConfigureAwait(false);
        }

        _rows = 0;
    }

    /// <summary>Receives every layer's fields and adds those named to their columns.</summary>
    private sealed class Collector(ParquetFieldWriter writer, Dictionary<string, int> byName) : IFieldVisitor
    {
        private readonly Dictionary<FieldDescriptor, int> _byField = new(ReferenceEqualityComparer.Instance);
        private readonly StringBuilder _text = new();

        public void Value(FieldDescriptor field, ulong value)
        {
            var column = ColumnOf(field);
            if (column is null)
            {
                return;
            }

            var occurrences = writer._options.Occurrences;
            switch (column)
            {
                case ParquetValueColumn<long> numbers:
                    numbers.Add(unchecked((long)value * field.DisplayScale + field.DisplayOffset), occurrences);
                    break;
                case ParquetValueColumn<bool> flags:
                    flags.Add(value != 0, occurrences);
                    break;
                case ParquetStringColumn text:
                    _text.Clear();
                    TsharkFormat.AppendValue(_text, field, value);
                    text.Add(_text.ToString(), occurrences);
                    break;
            }
        }

        public void Bytes(FieldDescriptor field, scoped ReadOnlySpan<byte> value)
        {
            var column = ColumnOf(field);
            if (column is null)
            {
                return;
            }

            var occurrences = writer._options.Occurrences;
            switch (column)
            {
                case ParquetStringColumn text:
                    _text.Clear();
                    TsharkFormat.AppendBytes(_text, field, value);
                    text.Add(_text.ToString(), occurrences);
                    break;
                case ParquetValueColumn<long> numbers when value.Length <= 7:
                    // A number handed over as its bytes (big-endian on the wire).
                    long n = 0;
                    foreach (var b in value)
                    {
                        n = (n << 8) | b;
                    }

                    numbers.Add(n, occurrences);
                    break;
                default:
                    throw new InvalidOperationException($"Field '{field.DisplayName}' delivered {value.Length} bytes to a {column.Element.ClrType.Name} column.");
            }
        }

        public void BeginList(FieldDescriptor field)
        {
        }

        public void EndList(FieldDescriptor field)
        {
        }

        public void BeginItem(FieldDescriptor item)
        {
        }

        public void EndItem(FieldDescriptor item)
        {
        }

        private ParquetColumn? ColumnOf(FieldDescriptor field)
        {
            if (!_byField.TryGetValue(field, out var i))
            {
                i = field.DisplayName is { } name && byName.TryGetValue(name, out var found) && writer._frameField[found - (writer._capture is null ? 0 : 1)] < 0 ? found : -1;
                _byField[field] = i;
            }

            return i >= 0 ? writer._columns[i] : null;
        }
    }
}
