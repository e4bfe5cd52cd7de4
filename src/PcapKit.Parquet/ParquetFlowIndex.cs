using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;
using PcapKit.Capture;
using PcapKit.Flows;

namespace PcapKit.Parquet;

/// <summary>
/// The flow splitter's index (<c>flows.csv</c>) as Parquet: one row per flow file, the same columns typed
/// (ports and counts as <c>INT64</c>, first and last packet times as UTC timestamps), in row groups.
/// </summary>
public static class ParquetFlowIndex
{
    /// <summary>The index's file name in the output folder.</summary>
    public const string FileName = "flows.parquet";

    private static readonly DataField File = new("file", typeof(string), false);
    private static readonly DataField Category = new("category", typeof(string), false);
    private static readonly DataField Protocol = new("protocol", typeof(long), false);
    private static readonly DataField Source = new("source", typeof(string), false);
    private static readonly DataField SourcePort = new("source_port", typeof(long), false);
    private static readonly DataField Destination = new("destination", typeof(string), false);
    private static readonly DataField DestinationPort = new("destination_port", typeof(long), false);
    private static readonly DataField FirstTime = new DateTimeDataField("first_time", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
    private static readonly DataField LastTime = new DateTimeDataField("last_time", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
    private static readonly DataField Packets = new("packets", typeof(long), false);
    private static readonly DataField Bytes = new("bytes", typeof(long), false);
    private static readonly DataField ClosedBy = new("closed_by", typeof(string), false);

    /// <summary>The index's schema.</summary>
    public static ParquetSchema Schema { get; } = new(File, Category, Protocol, Source, SourcePort, Destination, DestinationPort, FirstTime, LastTime, Packets, Bytes, ClosedBy);

    /// <summary>Writes the index of <paramref name="flows"/> to <paramref name="output"/>.</summary>
    /// <param name="flows">The flows, as <see cref="FlowSplitter.Finish"/> returns them.</param>
    /// <param name="output">Where the file goes; left open.</param>
    /// <param name="rowGroupSize">Rows per row group.</param>
    /// <param name="cancellation">Cancels the write.</param>
    /// <returns>The write.</returns>
    public static async Task WriteAsync(IReadOnlyList<FlowRecord> flows, Stream output, int rowGroupSize = 65_536, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        await using var writer = await ParquetWriter.CreateAsync(Schema, output, cancellationToken: cancellation).ConfigureAwait(false);
        for (var start = 0; start < flows.Count || start == 0; start += rowGroupSize)
        {
            var count = Math.Min(rowGroupSize, flows.Count - start);
            var text = new string[5][];
            var numbers = new long[5][];
            var times = new DateTime?[2][];
            for (var c = 0; c < text.Length; c++)
            {
                text[c] = new string[count];
            }

            for (var c = 0; c < numbers.Length; c++)
            {
                numbers[c] = new long[count];
            }

            times[0] = new DateTime?[count];
            times[1] = new DateTime?[count];
            for (var i = 0; i < count; i++)
            {
                var flow = flows[start + i];
                var first = flow.First;
                text[0][i] = flow.File;
                text[1][i] = flow.Category;
                text[2][i] = first.FormatAddress(first.Source);
                text[3][i] = first.FormatAddress(first.Destination);
                text[4][i] = flow.ClosedBy;
                numbers[0][i] = first.Protocol;
                numbers[1][i] = first.SourcePort;
                numbers[2][i] = first.DestinationPort;
                numbers[3][i] = flow.Packets;
                numbers[4][i] = flow.Bytes;
                times[0][i] = Utc(flow.FirstTime);
                times[1][i] = Utc(flow.LastTime);
            }

            using var group = writer.CreateRowGroup();
            await group.WriteAsync(File, text[0]).ConfigureAwait(false);
            await group.WriteAsync(Category, text[1]).ConfigureAwait(false);
            await group.WriteAsync<long>(Protocol, numbers[0], null, null, cancellation).ConfigureAwait(false);
            await group.WriteAsync(Source, text[2]).ConfigureAwait(false);
            await group.WriteAsync<long>(SourcePort, numbers[1], null, null, cancellation).ConfigureAwait(false);
            await group.WriteAsync(Destination, text[3]).ConfigureAwait(false);
            await group.WriteAsync<long>(DestinationPort, numbers[2], null, null, cancellation).ConfigureAwait(false);
            await group.WriteAsync<DateTime>(FirstTime, times[0], null, null, cancellation).ConfigureAwait(false);
            await group.WriteAsync<DateTime>(LastTime, times[1], null, null, cancellation).ConfigureAwait(false);
            await group.WriteAsync<long>(Packets, numbers[3], null, null, cancellation).ConfigureAwait(false);
            await group.WriteAsync<long>(Bytes, numbers[4], null, null, cancellation).ConfigureAwait(false);
            await group.WriteAsync(ClosedBy, text[4]).ConfigureAwait(false);
        }
    }

    /// <summary>A capture time as a UTC <see cref="DateTime"/>, or <see langword="null"/> outside its range.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The time.</returns>
    internal static DateTime? Utc(CaptureTimestamp time) => time.TryToDateTimeOffset(out var t) ? t.UtcDateTime : null;
}
