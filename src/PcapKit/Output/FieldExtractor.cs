using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using PcapKit.Capture;
using PcapKit.Dissection;

namespace PcapKit.Output;

/// <summary>
/// Extracts named fields from frames as tshark's <c>-T fields</c> does: <c>frame.*</c> from the capture record, the
/// rest from every layer's fields by display name; every occurrence joined with the aggregator, empty when absent.
/// </summary>
public sealed class FieldExtractor
{
    private readonly FieldValueCollector _collector;
    private readonly int[] _frameField;
    private readonly FrameFields _frame;
    private readonly StringBuilder _scratch = new();

    /// <summary>Creates an extractor.</summary>
    /// <param name="registry">The protocols whose fields may be named.</param>
    /// <param name="names">The fields, in output order.</param>
    /// <exception cref="ArgumentException">A name is not a known field; the message lists similar names.</exception>
    public FieldExtractor(DissectorRegistry registry, IReadOnlyList<string> names)
    {
        Validate(registry, names);
        _collector = new FieldValueCollector(names);
        _frameField = new int[names.Count];
        var tcpStreams = false;
        for (var i = 0; i < names.Count; i++)
        {
            _frameField[i] = FrameFields.IndexOf(names[i]);
            tcpStreams |= FrameFields.NeedsTcpConnections(names[i]);
        }

        _frame = new FrameFields(tcpStreams);
    }

    /// <summary>The fields extracted, in order.</summary>
    public IReadOnlyList<string> Names => _collector.FieldNames;

    /// <summary>Checks that every name is a field that can be extracted.</summary>
    /// <param name="registry">The protocols whose fields may be named.</param>
    /// <param name="names">The names.</param>
    /// <exception cref="ArgumentException">A name is not a known field; the message lists similar names.</exception>
    public static void Validate(DissectorRegistry registry, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(names);
        var known = new HashSet<string>(KnownNames(registry), StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!known.Contains(name))
            {
                var similar = Suggest(registry, name);
                throw new ArgumentException(
                    $"'{name}' is not a field." + (similar.Count > 0 ? " Did you mean: " + string.Join(", ", similar) + "?" : " Run 'pcapkit protocols --fields' for the list."),
                    nameof(names));
            }
        }
    }

    /// <summary>Every field name that can be extracted with <paramref name="registry"/>, sorted.</summary>
    /// <param name="registry">The protocols.</param>
    /// <returns>The names.</returns>
    public static IReadOnlyList<string> KnownNames(DissectorRegistry registry)
    {
        var names = new SortedSet<string>(FrameFields.Names, StringComparer.Ordinal);
        names.UnionWith(FieldsByName(registry).Keys);
        return [.. names];
    }

    /// <summary>
    /// The fields of every protocol (declared and computed, lists' and structures' children included) that have a
    /// display name and hold a value, by that name: several protocols may give one name (<c>ip.src</c> of IPv4 and
    /// of the header an ICMP error quotes).
    /// </summary>
    /// <param name="registry">The protocols.</param>
    /// <returns>The fields by display name.</returns>
    public static IReadOnlyDictionary<string, IReadOnlyList<FieldDescriptor>> FieldsByName(DissectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var byName = new Dictionary<string, List<FieldDescriptor>>(StringComparer.Ordinal);
        foreach (var protocol in registry.Protocols)
        {
            foreach (var f in protocol.Fields)
            {
                Add(f, byName);
            }

            foreach (var f in protocol.ComputedFields)
            {
                Add(f, byName);
            }
        }

        var result = new Dictionary<string, IReadOnlyList<FieldDescriptor>>(byName.Count, StringComparer.Ordinal);
        foreach (var (name, fields) in byName)
        {
            result[name] = fields;
        }

        return result;

        static void Add(FieldDescriptor field, Dictionary<string, List<FieldDescriptor>> byName)
        {
            if (field.DisplayName is { } name && field.Kind is not (FieldKind.List or FieldKind.Structure))
            {
                if (!byName.TryGetValue(name, out var list))
                {
                    byName[name] = list = [];
                }

                list.Add(field);
            }

            foreach (var child in field.Children)
            {
                Add(child, byName);
            }
        }
    }

    /// <summary>Up to five known names close to <paramref name="name"/> (by prefix and edit distance).</summary>
    /// <param name="registry">The protocols.</param>
    /// <param name="name">The unknown name.</param>
    /// <returns>The suggestions.</returns>
    public static IReadOnlyList<string> Suggest(DissectorRegistry registry, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var scored = new List<(int Score, string Name)>();
        foreach (var known in KnownNames(registry))
        {
            var score = Distance(name, known);
            if (known.StartsWith(name, StringComparison.Ordinal) || name.StartsWith(known, StringComparison.Ordinal))
            {
                score = Math.Min(score, 1);
            }

            if (score <= Math.Max(2, name.Length / 3))
            {
                scored.Add((score, known));
            }
        }

        scored.Sort((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(a.Name, b.Name));
        var result = new List<string>();
        for (var i = 0; i < scored.Count && i < 5; i++)
        {
            result.Add(scored[i].Name);
        }

        return result;
    }

    /// <summary>Extracts the fields of one frame.</summary>
    /// <param name="record">The capture record.</param>
    /// <param name="frame">Its dissection.</param>
    public void Extract(in CaptureRecord record, Frame frame)
    {
        _collector.Reset();
        _collector.Collect(frame);
        _frame.Advance(record, frame);
        for (var i = 0; i < _frameField.Length; i++)
        {
            if (_frameField[i] >= 0)
            {
                var sb = _collector.GetBuilder(i);
                sb.Clear();
                AppendFrameField(sb, (FrameField)_frameField[i], record, frame);
            }
        }
    }

    /// <summary>The extracted text of field <paramref name="index"/>.</summary>
    /// <param name="index">The index in <see cref="Names"/>.</param>
    /// <returns>The text.</returns>
    public string GetValue(int index) => _collector.GetValue(index);

    /// <summary>Appends the extracted text of field <paramref name="index"/>.</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="index">The index in <see cref="Names"/>.</param>
    public void AppendValue(StringBuilder builder, int index)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append(_collector.GetBuilder(index));
    }

    /// <summary>Writes the frame's protocol chain as tshark names it (<c>eth:ethertype:ip:tcp</c>), with <c>data</c> for undissected bytes.</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="frame">The frame.</param>
    public static void AppendTsharkChain(StringBuilder builder, Frame frame)
    {
        ArgumentNullException.ThrowIfNull(builder);
        for (var i = 0; i < frame.LayerCount; i++)
        {
            if (frame.IsFollowingUnit(i))
            {
                // Further units of a protocol already named (DNS messages back to back): tshark names it once.
                break;
            }

            var name = ChainName(frame, i);
            if (name.Length > 0)
            {
                if (builder.Length > 0)
                {
                    builder.Append(':');
                }

                builder.Append(name);
            }

            if (frame[i].ChainLabel is { } label)
            {
                builder.Append(':').Append(label);
            }
        }

        if (frame.Raw.Length > 0 && frame.IsWellFormed)
        {
            if (builder.Length > 0)
            {
                builder.Append(':');
            }

            builder.Append("data");
        }
    }

    /// <summary>The layer's name in the chain: the one its registration gives (<c>mdns</c> for DNS reached through UDP port 5353), else the protocol's.</summary>
    private static string ChainName(Frame frame, int index)
    {
        var protocol = frame.ProtocolAt(index);
        var layer = frame[index];
        if (index > 0 && layer.DispatchTable >= 0)
        {
            var registrations = protocol.Registrations;
            for (var r = 0; r < registrations.Count; r++)
            {
                if (registrations[r].Chain is { } chain && registrations[r].Key == layer.DispatchKey &&
                    frame.Registry.GetTableId(registrations[r].Table) == layer.DispatchTable)
                {
                    return chain;
                }
            }
        }

        return protocol.ChainName;
    }

    private void AppendFrameField(StringBuilder sb, FrameField field, in CaptureRecord record, Frame frame)
    {
        switch (field)
        {
            case FrameField.Number:
                AppendNumber(sb, record.Number);
                break;
            case FrameField.TimeEpoch:
                if (record.HasTimestamp)
                {
                    Span<char> text = stackalloc char[32];
                    _ = record.Timestamp.TryFormatEpoch(text, out var n);
                    sb.Append(text[..n]);
                }

                break;
            case FrameField.TimeRelative:
                if (record.HasTimestamp)
                {
                    AppendSeconds(sb, _frame.RelativeNanoseconds);
                }

                break;
            case FrameField.TimeDelta:
                if (record.HasTimestamp)
                {
                    AppendSeconds(sb, _frame.DeltaNanoseconds);
                }

                break;
            case FrameField.Length:
                AppendNumber(sb, record.OriginalLength);
                break;
            case FrameField.CapturedLength:
                AppendNumber(sb, record.CapturedLength);
                break;
            case FrameField.InterfaceId:
                if (InterfaceId(record) is { } id)
                {
                    AppendNumber(sb, id);
                }

                break;
            case FrameField.Protocols:
                _scratch.Clear();
                AppendTsharkChain(_scratch, frame);
                sb.Append(_scratch);
                break;
            case FrameField.TcpStream or FrameField.RelativeSequence or FrameField.RelativeAcknowledgment or FrameField.NextSequence:
                if (_frame.ConnectionValue(field) is { } value)
                {
                    AppendNumber(sb, value);
                }

                break;
        }
    }

    /// <summary><c>frame.interface_id</c>: pcap has no interface blocks and custom blocks no interface, so tshark leaves it empty for them.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The interface's number in its section, or <see langword="null"/>.</returns>
    public static int? InterfaceId(in CaptureRecord record) =>
        record.Kind is RecordKind.Pcap or RecordKind.CustomBlock ? null : record.Interface.LocalId;

    /// <summary>Appends a number in the invariant culture without making a string of it.</summary>
    private static void AppendNumber(StringBuilder sb, long value)
    {
        Span<char> text = stackalloc char[20];
        _ = value.TryFormat(text, out var n, default, CultureInfo.InvariantCulture);
        sb.Append(text[..n]);
    }

    private static void AppendSeconds(StringBuilder sb, long nanoseconds)
    {
        if (nanoseconds < 0)
        {
            sb.Append('-');
            nanoseconds = -nanoseconds;
        }

        AppendNumber(sb, nanoseconds / 1_000_000_000);
        sb.Append('.');
        Span<char> fraction = stackalloc char[9];
        _ = (nanoseconds % 1_000_000_000).TryFormat(fraction, out _, "D9", CultureInfo.InvariantCulture);
        sb.Append(fraction);
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
