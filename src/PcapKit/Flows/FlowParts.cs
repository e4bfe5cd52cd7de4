using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;

namespace PcapKit.Flows;

/// <summary>
/// Where a flow that ended goes in a list of flows: by the frame that ended it (<see cref="long.MaxValue"/>: the end of
/// the capture), then by its first frame — the order one consumer ends flows in, which the parts of a sharded one
/// (<see cref="Extraction.IShardedFlowConsumer"/>) are merged back into.
/// </summary>
/// <param name="Frame">The frame that ended it, or <see cref="long.MaxValue"/>.</param>
/// <param name="FirstFrame">Its first frame.</param>
internal readonly record struct CloseOrder(long Frame, long FirstFrame) : IComparable<CloseOrder>
{
    public int CompareTo(CloseOrder other) => Frame != other.Frame ? Frame.CompareTo(other.Frame) : FirstFrame.CompareTo(other.FirstFrame);
}

/// <summary>A flow that ended, and where it goes among the others.</summary>
/// <typeparam name="T">What the consumer reports of a flow.</typeparam>
/// <param name="Order">Where it goes.</param>
/// <param name="Flow">The flow.</param>
internal readonly record struct EndedFlow<T>(CloseOrder Order, T Flow);

/// <summary>What the sharded flow consumers (the splitter, the trace) do with their parts alike.</summary>
internal static class FlowParts
{
    /// <summary>A consumer's state in <paramref name="count"/> parts, made before its first frame.</summary>
    /// <typeparam name="TPart">The part type.</typeparam>
    /// <param name="parts">The parts it has (null until its first frame or until it is shared).</param>
    /// <param name="count">The shards.</param>
    /// <param name="make">Makes a part, given how many share the bounds.</param>
    /// <param name="consumer">The consumer, for the message ("A flow splitter").</param>
    /// <returns>The parts.</returns>
    /// <exception cref="InvalidOperationException">The consumer already took frames.</exception>
    public static TPart[] Share<TPart>(TPart[]? parts, int count, Func<int, TPart> make, string consumer)
    {
        if (parts is not null)
        {
            throw new InvalidOperationException(consumer + " is shared over shards before its first frame.");
        }

        var shared = new TPart[count];
        for (var p = 0; p < count; p++)
        {
            shared[p] = make(count);
        }

        return shared;
    }

    /// <summary>Does something to every part, the others too when one fails; then throws the first failure, carrying the others.</summary>
    /// <typeparam name="TPart">The part type.</typeparam>
    /// <param name="parts">The parts.</param>
    /// <param name="action">What to do.</param>
    /// <exception cref="IOException">A part's files failed.</exception>
    public static void Every<TPart>(TPart[] parts, Action<TPart> action)
    {
        List<IOException>? failures = null;
        foreach (var part in parts)
        {
            try
            {
                action(part);
            }
            catch (IOException e)
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is [var only])
        {
            ExceptionDispatchInfo.Throw(only);
        }
        else if (failures is [var first, ..])
        {
            // Each shard's files failed on their own (often for the same reason: a full disk).
            throw new IOException($"{first.Message} (and {failures.Count - 1} more failures writing other shards' flow files)", new AggregateException(failures));
        }
    }

    /// <summary>The parts' ended flows as one list, in the order one consumer would have ended them.</summary>
    /// <typeparam name="T">What the consumer reports of a flow.</typeparam>
    /// <param name="parts">Each part's ended flows, each list in its own order already.</param>
    /// <returns>The flows.</returns>
    public static List<T> InCloseOrder<T>(IReadOnlyList<List<EndedFlow<T>>> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0].ConvertAll(static f => f.Flow);
        }

        var all = new List<EndedFlow<T>>();
        foreach (var part in parts)
        {
            all.AddRange(part);
        }

        all.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        return all.ConvertAll(static f => f.Flow);
    }
}
