using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Text;
using PcapKit.Capture;
using PcapKit.Output;

namespace PcapKit.Extraction;

/// <summary>Where extracted frames go: one of the output formats, streamed as frames come.</summary>
internal abstract class FrameSink : IDisposable
{
    public abstract void Begin(CaptureReader reader);

    public abstract void Write(in ExtractedFrame frame);

    public abstract void End(ExtractionSummary summary);

    public abstract void Dispose();

    public static FrameSink Create(ExtractionOptions options)
    {
        if (options.Files)
        {
            var folder = options.OutputPath ?? throw new ArgumentException("One file per frame needs an output folder.", nameof(options));
            return options.Format == OutputFormat.Pcap
                ? throw new ArgumentException("One file per frame is for json, tree and plist output.", nameof(options))
                : new PerFrameDocumentSink(folder, options);
        }

        Func<Stream> open = options.OutputStream is { } stream
            ? () => new LeaveOpenStream(stream)
            : options.OutputPath is { } path ? () => OpenOutput(path) : throw new ArgumentException("An output path or stream is needed for " + options.Format + " output.", nameof(options));
        if (options.Formatter is { } formatter)
        {
            return new FormattedSink(open, formatter());
        }

        return options.Format == OutputFormat.Pcap ? new CaptureSink(open) : new DocumentSink(open, options);
    }

    public static DocumentWriter CreateWriter(Stream stream, ExtractionOptions options) => options.Format switch
    {
        OutputFormat.Json => new JsonDocumentWriter(stream, options.Indented),
        OutputFormat.Tree => new TreeDocumentWriter(new StreamWriter(stream, new UTF8Encoding(false), 1 << 16)),
        OutputFormat.Plist => new PlistDocumentWriter(new StreamWriter(stream, new UTF8Encoding(false), 1 << 16)),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Format, "Not a document format."),
    };

    public static Stream OpenOutput(string path) =>
        path == "-" ? Console.OpenStandardOutput() : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);

    public static void WriteSummary(DocumentWriter writer, ExtractionSummary summary)
    {
        writer.StartObject("summary");
        writer.WriteNumber("frames", summary.Frames);
        writer.WriteNumber("selected", summary.Selected);
        writer.WriteNumber("malformed", summary.Malformed);
        writer.WriteNumber("bytes", summary.Bytes);
        if (summary.Error is { } error)
        {
            writer.WriteString("error", error);
        }

        writer.EndObject();
    }
}

/// <summary>A sink that takes frames formatted on other threads, in order.</summary>
internal interface IFormattedFrameSink
{
    /// <summary>Whether this output can take frames formatted apart.</summary>
    bool TakesFormattedFrames { get; }

    /// <summary>Writes formatted frames, back to back.</summary>
    /// <param name="frames">The frames' bytes.</param>
    void WriteFormatted(ReadOnlySpan<byte> frames);
}

/// <summary>Each frame as a <see cref="FrameFormatter"/> formats it, nothing around them.</summary>
internal sealed class FormattedSink(Func<Stream> open, FrameFormatter formatter) : FrameSink, IFormattedFrameSink
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 12);
    private Stream? _stream;

    public bool TakesFormattedFrames => !formatter.KeepsState;

    public override void Begin(CaptureReader reader) => _stream = new BufferedStream(open(), 1 << 16);

    public override void Write(in ExtractedFrame frame)
    {
        _buffer.ResetWrittenCount();
        formatter.Format(frame, _buffer);
        _stream!.Write(_buffer.WrittenSpan);
    }

    public void WriteFormatted(ReadOnlySpan<byte> frames) => _stream!.Write(frames);

    public override void End(ExtractionSummary summary) => Dispose();

    public override void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }
}

/// <summary>The whole capture in one document: <c>{ capture, frames: [...], summary }</c>.</summary>
internal sealed class DocumentSink(Func<Stream> open, ExtractionOptions options) : FrameSink, IFormattedFrameSink
{
    private DocumentWriter? _writer;
    private DocumentFieldVisitor? _fields;
    private Stream? _stream;
    private bool _direct;
    private bool _wroteFrames;

    public override void Begin(CaptureReader reader)
    {
        _stream = open();
        _writer = CreateWriter(_stream, options);
        _fields = new DocumentFieldVisitor(_writer);
        _writer.StartObject(reader.Name);
        FrameDocument.WriteCapture(_writer, reader);
        _writer.StartArray("frames");
    }

    public override void Write(in ExtractedFrame frame) => FrameDocument.WriteFrame(_writer!, frame, _fields!);

    /// <summary>Whether frames formatted apart (compact JSON) can be written with <see cref="WriteFormatted"/>.</summary>
    public bool TakesFormattedFrames => options.Format == OutputFormat.Json && !options.Indented;

    /// <summary>
    /// Writes frames that other <see cref="JsonDocumentWriter"/>s formatted, straight to the stream: compact JSON
    /// objects separated by commas, the next elements of the <c>frames</c> array. Once frames are written this way,
    /// every frame is (the JSON writer only closes the array).
    /// </summary>
    /// <param name="json">The frames.</param>
    public void WriteFormatted(ReadOnlySpan<byte> json)
    {
        if (!_direct)
        {
            _writer!.Flush();
            _direct = true;
        }

        if (_wroteFrames)
        {
            _stream!.WriteByte((byte)',');
        }

        _stream!.Write(json);
        _wroteFrames = true;
    }

    public override void End(ExtractionSummary summary)
    {
        if (_writer is null)
        {
            return;
        }

        _writer.EndArray();
        WriteSummary(_writer, summary);
        _writer.EndObject();
        _writer.Dispose();
        _writer = null;
    }

    public override void Dispose() => _writer?.Dispose();
}

/// <summary>One document per frame in a folder (PyPCAPKit's <c>files=True</c>): <c>frame-000001.json</c>, …</summary>
internal sealed class PerFrameDocumentSink(string folder, ExtractionOptions options) : FrameSink
{
    private readonly string _extension = options.Format switch
    {
        OutputFormat.Tree => ".txt",
        OutputFormat.Plist => ".plist",
        _ => ".json",
    };

    public override void Begin(CaptureReader reader)
    {
        Directory.CreateDirectory(folder);
        using var writer = CreateWriter(OpenOutput(Path.Combine(folder, "capture" + _extension)), options);
        writer.StartObject(reader.Name);
        FrameDocument.WriteCapture(writer, reader);
        writer.EndObject();
    }

    public override void Write(in ExtractedFrame frame)
    {
        var name = "frame-" + frame.Number.ToString("D6", CultureInfo.InvariantCulture) + _extension;
        using var writer = CreateWriter(OpenOutput(Path.Combine(folder, name)), options);
        FrameDocument.WriteFrame(writer, frame, new DocumentFieldVisitor(writer));
    }

    public override void End(ExtractionSummary summary)
    {
        using var writer = CreateWriter(OpenOutput(Path.Combine(folder, "summary" + _extension)), options);
        writer.StartObject("summary");
        writer.WriteNumber("frames", summary.Frames);
        writer.WriteNumber("selected", summary.Selected);
        writer.WriteNumber("malformed", summary.Malformed);
        writer.WriteNumber("bytes", summary.Bytes);
        if (summary.Error is { } error)
        {
            writer.WriteString("error", error);
        }

        writer.EndObject();
    }

    public override void Dispose()
    {
    }
}

/// <summary>The selected frames' records, byte for byte: pcap (with the input's header) for pcap input, else pcapng.</summary>
internal sealed class CaptureSink(Func<Stream> open) : FrameSink
{
    private PcapWriter? _pcap;
    private PcapNgWriter? _pcapng;

    public override void Begin(CaptureReader reader)
    {
        var stream = open();
        if (reader.PcapHeader is { } header)
        {
            _pcap = new PcapWriter(stream, header);
        }
        else
        {
            _pcapng = new PcapNgWriter(stream, null, reader.ByteOrder);
        }
    }

    public override void Write(in ExtractedFrame frame)
    {
        if (_pcap is not null)
        {
            _pcap.Write(frame.Record);
        }
        else
        {
            _pcapng!.Write(frame.Record);
        }
    }

    public override void End(ExtractionSummary summary) => Dispose();

    public override void Dispose()
    {
        _pcap?.Dispose();
        _pcapng?.Dispose();
        _pcap = null;
        _pcapng = null;
    }
}

/// <summary>A stream the caller owns: disposing flushes it and leaves it open.</summary>
internal sealed class LeaveOpenStream(Stream inner) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Flush();
        }

        base.Dispose(disposing);
    }
}
