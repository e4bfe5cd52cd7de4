using System;
using System.Collections.Generic;
using System.Text;
using PcapKit.Dissection;

namespace PcapKit.Output;

/// <summary>
/// Collects the values of named fields (<c>ip.src</c>, <c>tcp.options.mss_val</c>) from a dissected frame in
/// tshark's <c>-T fields</c> conventions: every occurrence, joined with <c>,</c>; empty when absent.
/// </summary>
public sealed class FieldValueCollector : IFieldVisitor
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<FieldDescriptor, int> _byField = new(ReferenceEqualityComparer.Instance);
    private readonly StringBuilder[] _values;

    /// <summary>Creates a collector for <paramref name="fieldNames"/>.</summary>
    /// <param name="fieldNames">The display names, in output order.</param>
    public FieldValueCollector(IReadOnlyList<string> fieldNames)
    {
        ArgumentNullException.ThrowIfNull(fieldNames);
        _values = new StringBuilder[fieldNames.Count];
        for (var i = 0; i < fieldNames.Count; i++)
        {
            _byName.TryAdd(fieldNames[i], i);
            _values[i] = new StringBuilder();
        }

        FieldNames = fieldNames;
    }

    /// <summary>The display names collected.</summary>
    public IReadOnlyList<string> FieldNames { get; }

    /// <summary>The separator between occurrences.</summary>
    public char Aggregator { get; init; } = ',';

    /// <summary>Clears the values for the next frame.</summary>
    public void Reset()
    {
        foreach (var sb in _values)
        {
            sb.Clear();
        }
    }

    /// <summary>Collects every layer of <paramref name="frame"/>; call <see cref="Reset"/> before each frame.</summary>
    /// <param name="frame">The frame.</param>
    public void Collect(Frame frame)
    {
        for (var i = 0; i < frame.LayerCount; i++)
        {
            frame.ProtocolAt(i).Accept(frame.LayerBytes(i), frame[i].ReportedLength, this);
        }
    }

    /// <summary>Sets a value directly (frame-level fields such as <c>frame.number</c>).</summary>
    /// <param name="name">The display name.</param>
    /// <param name="value">The text.</param>
    public void Set(string name, string value)
    {
        if (_byName.TryGetValue(name, out var i))
        {
            Append(i).Append(value);
        }
    }

    /// <summary>The collected text of field <paramref name="index"/>.</summary>
    /// <param name="index">The index in <see cref="FieldNames"/>.</param>
    /// <returns>The text.</returns>
    public string GetValue(int index) => _values[index].ToString();

    /// <summary>The builder holding field <paramref name="index"/>'s text.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The builder.</returns>
    public StringBuilder GetBuilder(int index) => _values[index];

    /// <inheritdoc/>
    public void Value(FieldDescriptor field, ulong value)
    {
        var i = IndexOf(field);
        if (i >= 0)
        {
            TsharkFormat.AppendValue(Append(i), field, value);
        }
    }

    /// <inheritdoc/>
    public void Bytes(FieldDescriptor field, scoped ReadOnlySpan<byte> value)
    {
        var i = IndexOf(field);
        if (i >= 0)
        {
            TsharkFormat.AppendBytes(Append(i), field, value);
        }
    }

    /// <inheritdoc/>
    public void BeginList(FieldDescriptor field)
    {
    }

    /// <inheritdoc/>
    public void EndList(FieldDescriptor field)
    {
    }

    /// <inheritdoc/>
    public void BeginItem(FieldDescriptor item)
    {
    }

    /// <inheritdoc/>
    public void EndItem(FieldDescriptor item)
    {
    }

    private StringBuilder Append(int index)
    {
        var sb = _values[index];
        if (sb.Length > 0)
        {
            sb.Append(Aggregator);
        }

        return sb;
    }

    private int IndexOf(FieldDescriptor field)
    {
        if (_byField.TryGetValue(field, out var i))
        {
            return i;
        }

        i = field.DisplayName is { } name && _byName.TryGetValue(name, out var found) ? found : -1;
        _byField[field] = i;
        return i;
    }
}
