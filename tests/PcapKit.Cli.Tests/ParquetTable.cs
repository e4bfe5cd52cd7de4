using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;

namespace PcapKit.Cli.Tests;

/// <summary>A Parquet file read back whole with Parquet.Net: per column, per row, the values (empty for null or an empty list).</summary>
internal sealed class ParquetTable
{
    private ParquetTable(ParquetSchema schema, Dictionary<string, List<List<object>>> columns, long rows, int rowGroups)
    {
        Schema = schema;
        Columns = columns;
        Rows = rows;
        RowGroups = rowGroups;
    }

    public ParquetSchema Schema { get; }

    public Dictionary<string, List<List<object>>> Columns { get; }

    public long Rows { get; }

    public int RowGroups { get; }

    public static ParquetTable Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    /// <summary>The top-level field named <paramref name="name"/>.</summary>
    public Field Field(string name)
    {
        foreach (var field in Schema.Fields)
        {
            if (field.Name == name)
            {
                return field;
            }
        }

        throw new KeyNotFoundException(name);
    }

    private static async Task<ParquetTable> ReadAsync(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var schema = reader.Schema;
        var columns = new Dictionary<string, List<List<object>>>(StringComparer.Ordinal);
        foreach (var field in schema.Fields)
        {
            columns[field.Name] = [];
        }

        long rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            rows += group.RowCount;
            for (var c = 0; c < schema.Fields.Count; c++)
            {
                var data = schema.DataFields[c];
                var count = (int)group.GetMetadata(data)!.MetaData!.NumValues;
                var repetition = new int[count];
                var definition = new int[count];
                object?[] values = data.ClrType == typeof(long) ? Box(await Read<long>(group, data, count, definition, repetition))
                    : data.ClrType == typeof(bool) ? Box(await Read<bool>(group, data, count, definition, repetition))
                    : data.ClrType == typeof(DateTime) ? Box(await Read<DateTime>(group, data, count, definition, repetition))
                    : data.ClrType == typeof(decimal) ? Box(await Read<decimal>(group, data, count, definition, repetition))
                    : Text(await Read<ReadOnlyMemory<char>>(group, data, count, definition, repetition));
                var column = columns[schema.Fields[c].Name];
                var next = 0;
                for (var i = 0; i < count; i++)
                {
                    if (data.MaxRepetitionLevel == 0 || repetition[i] == 0)
                    {
                        column.Add([]);
                    }

                    // Only the values of slots defined all the way down are stored; the rest are nulls or empty lists.
                    if (data.MaxDefinitionLevel == 0 || definition[i] == data.MaxDefinitionLevel)
                    {
                        column[^1].Add(values[next++]!);
                    }
                }
            }
        }

        return new ParquetTable(schema, columns, rows, reader.RowGroupCount);
    }

    private static async Task<T[]> Read<T>(ParquetRowGroupReader group, DataField field, int count, int[] definition, int[] repetition)
        where T : struct
    {
        var values = new T[count];
        await group.ReadRawAsync<T>(
            field,
            values,
            field.MaxDefinitionLevel > 0 ? new Memory<int>(definition) : (Memory<int>?)null,
            field.MaxRepetitionLevel > 0 ? new Memory<int>(repetition) : (Memory<int>?)null);
        return values;
    }

    private static object?[] Text(ReadOnlyMemory<char>[] values)
    {
        var text = new object?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            text[i] = values[i].ToString();
        }

        return text;
    }

    private static object?[] Box<T>(T[] values)
    {
        var boxed = new object?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            boxed[i] = values[i];
        }

        return boxed;
    }
}
