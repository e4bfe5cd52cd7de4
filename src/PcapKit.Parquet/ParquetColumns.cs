using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;

namespace PcapKit.Parquet;

/// <summary>Which occurrences of a field that occurs more than once in a frame (<c>ip.src</c> of a tunnel) a column keeps.</summary>
public enum FieldOccurrences
{
    /// <summary>Every occurrence, in wire order: the column is a list (tshark's <c>-E occurrence=a</c>).</summary>
    All,

    /// <summary>The first occurrence only: the column is a plain value (tshark's <c>-E occurrence=f</c>).</summary>
    First,

    /// <summary>The last occurrence only: the column is a plain value (tshark's <c>-E occurrence=l</c>).</summary>
    Last,
}

/// <summary>The Parquet type of a column.</summary>
public enum ParquetColumnType
{
    /// <summary>A signed 64-bit integer (<c>INT64</c>): numbers, enums and flags as their values.</summary>
    Int64,

    /// <summary>A boolean: one-bit flags.</summary>
    Boolean,

    /// <summary>UTF-8 text as tshark prints it: addresses, byte strings as hex, text fields.</summary>
    String,

    /// <summary>A UTC timestamp in microseconds (<c>TIMESTAMP(MICROS, true)</c>, what Spark, DuckDB and Trino all read).</summary>
    Timestamp,

    /// <summary>Seconds as <c>DECIMAL(18, 9)</c>: exact to the nanosecond.</summary>
    Seconds,
}

/// <summary>One column's values for the rows of the current row group, with repetition levels when it is a list.</summary>
internal abstract class ParquetColumn
{
    private int[] _repetition = new int[1024];
    private int _inRow;

    protected ParquetColumn(string name, DataField element, bool list)
    {
        Name = name;
        Element = element;
        IsList = list;
        SchemaField = list ? new ListField(name, element) : element;
    }

    /// <summary>The column's name (the field's display name).</summary>
    public string Name { get; }

    /// <summary>The field as the schema holds it: the data field, or a list of it.</summary>
    public Field SchemaField { get; }

    /// <summary>The field the values are written to.</summary>
    public DataField Element { get; }

    /// <summary>Whether the column is a list of every occurrence.</summary>
    public bool IsList { get; }

    /// <summary>Values buffered, nulls included.</summary>
    protected int Count { get; private set; }

    /// <summary>Ends the current row: a null (or an empty list) when it had no value.</summary>
    public void EndRow()
    {
        if (_inRow == 0)
        {
            Reserve();
            SetNull(Count);
            Append(0);
        }

        _inRow = 0;
    }

    /// <summary>Writes the buffered values to <paramref name="group"/> and clears them.</summary>
    /// <param name="group">The row group.</param>
    /// <param name="cancellation">Cancels the write.</param>
    /// <returns>The write.</returns>
    public async Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellation)
    {
        await WriteValuesAsync(group, IsList ? new ReadOnlyMemory<int>(_repetition, 0, Count) : (ReadOnlyMemory<int>?)null, cancellation).ConfigureAwait(false);
        Clear();
        Count = 0;
    }

    /// <summary>Where the next occurrence goes for <paramref name="occurrences"/>: a new slot, the last one again (last wins), or none (first wins).</summary>
    /// <param name="occurrences">The column's rule.</param>
    /// <returns>The slot, or -1 to drop the value.</returns>
    protected int NextSlot(FieldOccurrences occurrences)
    {
        if (_inRow > 0 && !IsList)
        {
            if (occurrences == FieldOccurrences.First)
            {
                return -1;
            }

            _inRow++;
            return Count - 1;
        }

        Reserve();
        var slot = Count;
        Append(_inRow == 0 ? 0 : 1);
        _inRow++;
        return slot;
    }

    /// <summary>Grows the value buffer to hold at least <paramref name="size"/> values.</summary>
    /// <param name="size">The size needed.</param>
    protected abstract void Grow(int size);

    /// <summary>Sets slot <paramref name="slot"/> to null.</summary>
    /// <param name="slot">The slot.</param>
    protected abstract void SetNull(int slot);

    /// <summary>Drops references held by the buffer.</summary>
    protected virtual void Clear()
    {
    }

    /// <summary>Writes the first <see cref="Count"/> values.</summary>
    /// <param name="group">The row group.</param>
    /// <param name="repetition">The repetition levels of a list column.</param>
    /// <param name="cancellation">Cancels the write.</param>
    /// <returns>The write.</returns>
    protected abstract Task WriteValuesAsync(ParquetRowGroupWriter group, ReadOnlyMemory<int>? repetition, CancellationToken cancellation);

    private void Reserve()
    {
        if (Count == _repetition.Length)
        {
            Array.Resize(ref _repetition, _repetition.Length * 2);
        }

        Grow(_repetition.Length);
    }

    private void Append(int repetition)
    {
        _repetition[Count] = repetition;
        Count++;
    }
}

/// <summary>A column's values, buffered in an array that grows with the row group and is reused by the next.</summary>
/// <typeparam name="TSlot">What a slot holds: <c>T?</c> for a value type, <c>string?</c> for text (null: no value).</typeparam>
internal abstract class ParquetBufferedColumn<TSlot>(string name, DataField element, bool list) : ParquetColumn(name, element, list)
{
    /// <summary>The slots; the first <see cref="ParquetColumn.Count"/> are the row group's.</summary>
    protected TSlot[] Values { get; private set; } = [];

    /// <summary>Adds an occurrence to the current row.</summary>
    /// <param name="value">The value.</param>
    /// <param name="occurrences">Which occurrences the column keeps.</param>
    public void Add(TSlot value, FieldOccurrences occurrences)
    {
        var slot = NextSlot(occurrences);
        if (slot >= 0)
        {
            Values[slot] = value;
        }
    }

    /// <inheritdoc/>
    protected override void Grow(int size)
    {
        if (Values.Length < size)
        {
            var values = Values;
            Array.Resize(ref values, size);
            Values = values;
        }
    }

    /// <inheritdoc/>
    protected override void SetNull(int slot) => Values[slot] = default!;

    /// <inheritdoc/>
    protected override void Clear() => Array.Clear(Values, 0, Count);
}

/// <summary>A column of a value type.</summary>
/// <typeparam name="T">The value's type.</typeparam>
internal sealed class ParquetValueColumn<T>(string name, DataField element, bool list) : ParquetBufferedColumn<T?>(name, element, list)
    where T : struct
{
    /// <summary>Adds an occurrence to the current row.</summary>
    /// <param name="value">The value.</param>
    /// <param name="occurrences">Which occurrences the column keeps.</param>
    public void Add(T value, FieldOccurrences occurrences) => base.Add(value, occurrences);

    /// <inheritdoc/>
    protected override Task WriteValuesAsync(ParquetRowGroupWriter group, ReadOnlyMemory<int>? repetition, CancellationToken cancellation) =>
        group.WriteAsync(Element, new ReadOnlyMemory<T?>(Values, 0, Count), repetition, null, cancellation);
}

/// <summary>A column of text.</summary>
internal sealed class ParquetStringColumn(string name, DataField element, bool list) : ParquetBufferedColumn<string?>(name, element, list)
{
    /// <inheritdoc/>
    protected override Task WriteValuesAsync(ParquetRowGroupWriter group, ReadOnlyMemory<int>? repetition, CancellationToken cancellation) =>
        group.WriteAsync(Element, new ArraySegment<string?>(Values, 0, Count), repetition);
}

/// <summary>Builds columns of a <see cref="ParquetColumnType"/>.</summary>
internal static class ParquetColumns
{
    public static ParquetColumn Create(string name, ParquetColumnType type, bool list)
    {
        // A list's elements are never null; a plain column is null where the frame has no such field.
        var nullable = !list;
        var elementName = list ? "element" : name;
        return type switch
        {
            ParquetColumnType.Int64 => new ParquetValueColumn<long>(name, new DataField(elementName, typeof(long), nullable), list),
            ParquetColumnType.Boolean => new ParquetValueColumn<bool>(name, new DataField(elementName, typeof(bool), nullable), list),
            ParquetColumnType.Timestamp => new ParquetValueColumn<DateTime>(name, new DateTimeDataField(elementName, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: nullable), list),
            ParquetColumnType.Seconds => new ParquetValueColumn<decimal>(name, new DecimalDataField(elementName, 18, 9, isNullable: nullable), list),
            _ => new ParquetStringColumn(name, new DataField(elementName, typeof(string), nullable), list),
        };
    }

    public static IReadOnlyList<Field> Schema(IReadOnlyList<ParquetColumn> columns)
    {
        var fields = new Field[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            fields[i] = columns[i].SchemaField;
        }

        return fields;
    }
}
