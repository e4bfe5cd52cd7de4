using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using PcapKit.Capture;
using PcapKit.Dissection;

namespace PcapKit.Extraction;

/// <summary>
/// Reads a capture once and hands every frame, dissected once, to every consumer: the callback, the selector, the
/// output (JSON, tree, plist or pcap, streamed to disk) and the stored frames. PyPCAPKit's <c>extract()</c>:
/// <see cref="Run()"/> does it all at once; <c>foreach</c> over the extractor goes frame by frame, keeping nothing
/// unless asked to, and <see cref="Complete"/> finishes the output.
/// </summary>
/// <example>
/// <code>
/// var registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();
/// using var extractor = new Extractor(new ExtractionOptions { InputPath = "in.pcap", OutputPath = "out.json", Registry = registry });
/// var result = extractor.Run();
/// Console.WriteLine($"{result.Summary.Frames} frames");
/// </code>
/// </example>
// The per-frame path: its locals are assigned before they are read (C#'s rules; it has no stackalloc), so they are not
// zeroed on every call.
[SkipLocalsInit]
public sealed partial class Extractor : IDisposable
{
    private readonly ExtractionOptions _options;
    private readonly CaptureReader _reader;
    private readonly Dissector? _dissector;
    private readonly DissectorRegistry? _registry;
    private readonly ExtractionEngine? _engine;
    private readonly FrameCallback? _callback;
    private readonly FrameSelector? _select;
    private readonly bool _store;
    private readonly IFrameConsumer[] _consumers;
    /// <summary>The consumers the reading thread hands every frame to: all of them, but those a sharded run's shards take.</summary>
    private IFrameConsumer[] _delivered;
    private readonly Flows.TcpTrace? _trace;
    private readonly Flows.FlowCollector? _collector;
    private readonly Reassembly.IpReassembler? _ip;
    private readonly LayerStack _datagramStack = new();
    private readonly Reassembly.TcpReassembler? _tcp;
    private readonly List<Reassembly.IpDatagram> _datagrams = [];
    private readonly LayerStack _stack = new();
    private readonly List<StoredFrame> _stored = [];
    private FrameSink? _sink;
    private long _frames;
    private long _selected;
    private long _malformed;
    private long _bytes;
    private string? _error;
    private bool _completed;
    private bool _faulted;

    /// <summary>Opens the capture and the output.</summary>
    /// <param name="options">What to extract and where to.</param>
    /// <exception cref="ArgumentException">No input, or no registry and no engine, or an output format without a path.</exception>
    /// <exception cref="InvalidDataException">The capture's file header is not pcap or pcapng (the message names the file and offset).</exception>
    public Extractor(ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _engine = options.Engine;
        _callback = options.Callback;
        _select = options.Select;
        _store = options.Store;
        _consumers = [.. options.Consumers];
        if (options.Engine is null)
        {
            var registry = options.Registry ?? throw new ArgumentException("A registry (or an engine) is needed to dissect frames.", nameof(options));
            _dissector = new Dissector(registry, options.ToDissectorOptions());
            _registry = registry;
        }

        var readerOptions = options.ReaderOptions;
        if (readerOptions is null && Array.Exists(_consumers, static c => c is IMappedInputConsumer))
        {
            // Its writer threads copy the records from the mapping into its files, on the cores a read-ahead into the
            // cache would take: the helper only maps.
            readerOptions = CaptureReaderOptions.Default with { ReadAheadIntoCache = false };
        }

        _reader = options.InputStream is { } stream
            ? CaptureReader.Open(stream, options.InputPath ?? "(stream)", readerOptions, leaveOpen: true)
            : CaptureReader.Open(options.InputPath ?? throw new ArgumentException("An input path or stream is needed.", nameof(options)), readerOptions);
        try
        {
            if (!options.NoFile && options.Format != OutputFormat.None)
            {
                _sink = FrameSink.Create(options);
                _sink.Begin(_reader);
            }

            if (options.ReassembleIp)
            {
                if (options.Engine is not null)
                {
                    throw new ArgumentException("IP reassembly reads the generated dissectors' layers; it does not run with another engine.", nameof(options));
                }

                // PyPCAPKit's strict off: datagrams dropped incomplete are stored too, with what arrived.
                _ip = new Reassembly.IpReassembler(options.IpReassembly, OnIpReport);
            }

            var handler = options.TcpStreamHandler;
            if (options.Flows is { } flows)
            {
                var collector = _collector = new Flows.FlowCollector(flows, options.FlowEnded ?? throw new ArgumentException("Flows needs FlowEnded, which receives them.", nameof(options)), handler);
                handler = collector;
                _consumers = [.. _consumers, collector];
            }

            if (options.ReassembleTcp || (options.Flows is not null && options.Engine is null))
            {
                if (options.Engine is not null)
                {
                    throw new ArgumentException("TCP reassembly reads the generated dissectors' layers; it does not run with another engine.", nameof(options));
                }

                _tcp = new Reassembly.TcpReassembler(options.TcpReassembly, handler);
                _tcpHandler = handler;
            }

            if (options.Trace is { } trace)
            {
                if (options.Engine is not null)
                {
                    throw new ArgumentException("The TCP trace reads the generated dissectors' layers; it does not run with another engine.", nameof(options));
                }

                _trace = new Flows.TcpTrace(trace);
                _consumers = [.. _consumers, _trace];
            }

            foreach (var consumer in _consumers)
            {
                if (consumer is IMappedInputConsumer keeps && _reader.LeaseMapping() is { } lease)
                {
                    keeps.Attach(lease);
                }
            }
        }
        catch
        {
            _sink?.Dispose();
            _reader.Dispose();
            throw;
        }

        _delivered = _consumers;
    }

    /// <summary>The capture being read (its header, sections and interfaces).</summary>
    public CaptureReader Reader => _reader;

    /// <summary>The registry the frames are dissected with, or null when an engine dissects.</summary>
    public DissectorRegistry? Registry => _dissector?.Registry;

    /// <summary>The number of frames extracted so far.</summary>
    public long FramesRead => _frames;

    /// <summary>The counts so far.</summary>
    public ExtractionSummary Summary => new(_frames, _selected, _malformed, _bytes, _error);

    /// <summary>
    /// Reads and dissects the next frame and hands it to the callback, the output and the stored frames; the frame
    /// is valid until the next call.
    /// </summary>
    /// <param name="frame">The frame.</param>
    /// <returns>False at the end of the capture.</returns>
    /// <exception cref="InvalidDataException">The capture is corrupt here; every frame before was delivered.</exception>
    public bool TryExtractNext(out ExtractedFrame frame)
    {
        if (!ReadNext(out var record))
        {
            frame = default;
            return false;
        }

        if (_engine is null)
        {
            _dissector!.Dissect(record, _stack);
            MakeFrame(record, out frame);
        }
        else
        {
            frame = new ExtractedFrame(record, default, _engine, _engine.Dissect(record));
        }

        Deliver(frame);
        return true;
    }

    /// <summary>
    /// Makes the frame of a record dissected into <see cref="_stack"/>, in the caller's variable when there is nothing to
    /// reassemble: <see cref="Reassemble"/>'s temporaries (1.4 KB zeroed on entry, measured before the type skipped
    /// zeroing what holds no reference) and the copy of its result through the runtime's bulk write barrier cost ~5–10 % of
    /// reading and dissecting a frame for flow splitting.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MakeFrame(scoped in CaptureRecord record, out ExtractedFrame frame)
    {
        if (_ip is null && _tcp is null)
        {
            frame = new ExtractedFrame(record, new Frame(record.Data, _stack, _registry!), null, null);
        }
        else
        {
            Reassemble(record, out frame);
        }
    }

    /// <summary>
    /// Makes the frame of a record dissected into <see cref="_stack"/>: IP fragments reassembled (the frame that
    /// completes a datagram carries it, dissected from the transport header on) and TCP segments added to their stream.
    /// </summary>
    private void Reassemble(scoped in CaptureRecord record, out ExtractedFrame frame)
    {
        var view = new Frame(record.Data, _stack, _registry!);
        _tcp?.AdvanceTime(record.Time);
        if (_ip is not null && _ip.Add(view, record, out var datagram) == Reassembly.FragmentOutcome.Completed)
        {
            _dissector!.DissectPayload(datagram!.Payload.Span, _registry!.IpProtocolTable, datagram.Protocol, datagram.PseudoHeader, _datagramStack);
            var reassembled = new Frame(datagram.Payload.Span, _datagramStack, _registry);
            if (_store)
            {
                _datagrams.Add(datagram);
            }

            frame = new ExtractedFrame(record, view, datagram, reassembled, _tcp?.Add(datagram, reassembled, record));
        }
        else if (_tcp is not null)
        {
            frame = new ExtractedFrame(record, view, null, default, _tcp.Add(view, record));
        }
        else
        {
            frame = new ExtractedFrame(record, view, null, null);
        }
    }

    /// <summary>Counts a frame and hands it to the callback, the consumers, the selector, the output and the stored frames.</summary>
    private void Deliver(in ExtractedFrame frame)
    {
        _frames++;
        _bytes += frame.Record.CapturedLength;
        if (!frame.IsWellFormed)
        {
            _malformed++;
        }

        try
        {
            _callback?.Invoke(frame);
            foreach (var consumer in _delivered)
            {
                consumer.Consume(frame);
            }

            if (_select is null || _select(frame))
            {
                _selected++;
                _sink?.Write(frame);
                if (_store)
                {
                    _stored.Add(frame.Store());
                }
            }
        }
        catch
        {
            // A consumer or the output failed mid-frame (a full disk, a callback's exception): the output cannot be
            // finished consistently, so disposing leaves it as it is instead of completing it.
            _faulted = true;
            throw;
        }
    }

    /// <summary>Reads the next record, noting the capture's error (for the output's summary) before it propagates.</summary>
    private bool ReadNext(out CaptureRecord record)
    {
        try
        {
            return _reader.TryReadNext(out record);
        }
        catch (InvalidDataException e)
        {
            _error = e.Message;
            throw;
        }
    }

    /// <summary>Extracts every frame, finishes the output and returns the result.</summary>
    /// <returns>The capture's description, the counts and the stored frames.</returns>
    /// <exception cref="InvalidDataException">
    /// The capture is corrupt; every frame before the damage was extracted and the output is finished (its summary
    /// names the error) before this is thrown.
    /// </exception>
    public ExtractionResult Run() => Run(CancellationToken.None);

    /// <summary>Extracts every frame, finishes the output and returns the result; a cancelled run finishes nothing.</summary>
    /// <param name="cancellationToken">Stops the run between frames; the output and consumers are left unfinished (a flow splitter's files keep their <c>.partial</c> names).</param>
    /// <returns>The capture's description, the counts and the stored frames.</returns>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    /// <exception cref="InvalidDataException">The capture is corrupt; everything before the damage was extracted and finished.</exception>
    public ExtractionResult Run(CancellationToken cancellationToken) => Run(progress: null, cancellationToken);

    /// <summary>Extracts every frame, finishes the output and returns the result, saying how far it got now and then.</summary>
    /// <param name="progress">Called after each frame, or each batch of frames when <see cref="ExtractionOptions.Threads"/> are at work; read <see cref="FramesRead"/> and the reader's position there.</param>
    /// <param name="cancellationToken">Stops the run between frames; the output and consumers are left unfinished.</param>
    /// <returns>The capture's description, the counts and the stored frames.</returns>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    /// <exception cref="InvalidDataException">The capture is corrupt; everything before the damage was extracted and finished.</exception>
    public ExtractionResult Run(Action? progress, CancellationToken cancellationToken)
    {
        try
        {
            if (CanRunInParallel)
            {
                RunInParallel(progress, cancellationToken);
            }
            else
            {
                while (TryExtractNext(out _))
                {
                    progress?.Invoke();
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        catch (InvalidDataException)
        {
            Complete();
            throw;
        }

        return Complete();
    }

    /// <summary>Finishes the output (closing the document, with its summary) and returns the result; idempotent.</summary>
    /// <returns>The result.</returns>
    public ExtractionResult Complete()
    {
        if (!_completed)
        {
            _completed = true;
            if (_shards is { } shards)
            {
                FinishShards(shards);
            }
            else
            {
                _ip?.Finish();
                _tcp?.Finish();
            }

            _sink?.End(Summary);
            _sink?.Dispose();
            _sink = null;
            foreach (var consumer in _consumers)
            {
                if (!LeftUnfinished(consumer))
                {
                    consumer.Complete();
                }
            }
        }

        return new ExtractionResult(_reader, Summary, _stored, _trace is null || LeftUnfinished(_trace) ? null : _trace.Finish(), _datagrams, ClosedStreams);
    }

    /// <summary>
    /// Whether a consumer the shards took is left unfinished: the run stopped early and its parts may be ahead of the
    /// frame it stopped on (a splitter's or trace's files keep their .partial names), as the shards' connections are.
    /// </summary>
    private bool LeftUnfinished(IFrameConsumer consumer) =>
        _shardsOutOfStep && consumer is IShardedFlowConsumer sharded && Array.IndexOf(_shardedFlows, sharded) >= 0;

    /// <summary>Goes through the frames one by one (<c>foreach (var frame in extractor)</c>).</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            if (_faulted)
            {
                _sink?.Dispose();
                _sink = null;
            }
            else
            {
                Complete();
            }
        }
        finally
        {
            _trace?.Dispose();
            _reader.Dispose();
        }
    }

    /// <summary>Extracts frame by frame; <see cref="Current"/> is valid until the next <see cref="MoveNext"/>.</summary>
    public ref struct Enumerator
    {
        private readonly Extractor _extractor;
        private ExtractedFrame _current;

        internal Enumerator(Extractor extractor)
        {
            _extractor = extractor;
            _current = default;
        }

        /// <summary>The current frame.</summary>
        public readonly ExtractedFrame Current => _current;

        /// <summary>Extracts the next frame.</summary>
        /// <returns>False at the end.</returns>
        public bool MoveNext() => _extractor.TryExtractNext(out _current);
    }
}
