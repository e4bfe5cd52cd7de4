using System;
using System.Collections.Generic;
using System.Numerics;

namespace PcapKit.Flows;

/// <summary>
/// The flows' buffers: arrays of a power-of-two length, from <see cref="Smallest"/> to the largest length it was made
/// with, kept for reuse up to a number per length. An array it makes is allocated on the pinned object heap and not
/// zeroed: a flow buffer lives until the writer has written it, often across collections, and the splitter fills it
/// before anything reads it (only the bytes a flow buffered are written). The pool's tens of MB of buffers were, with
/// <see cref="System.Buffers.ArrayPool{T}.Create(int, int)"/>, zeroed when made and then copied by every collection
/// that promoted them.
/// The splitter's thread rents and the writer threads give back, so each length's stack has a lock.
/// </summary>
internal sealed class FlowBufferPool
{
    /// <summary>The shortest buffer (a shorter request gets one this long).</summary>
    public const int Smallest = 1 << SmallestShift;

    private const int SmallestShift = 8;

    private readonly Stack<byte[]>[] _lengths;
    private readonly int _maxPerLength;

    /// <param name="largest">The longest buffer (rounded up to a power of two).</param>
    /// <param name="maxPerLength">The most buffers of one length kept for reuse.</param>
    public FlowBufferPool(int largest, int maxPerLength)
    {
        var count = Index(Math.Max(largest, Smallest)) + 1;
        _lengths = new Stack<byte[]>[count];
        for (var i = 0; i < count; i++)
        {
            _lengths[i] = new Stack<byte[]>();
        }

        _maxPerLength = maxPerLength;
    }

    /// <summary>The longest buffer it gives.</summary>
    public int Largest => Smallest << (_lengths.Length - 1);

    /// <summary>A buffer of at least <paramref name="length"/> bytes, its contents undefined.</summary>
    /// <param name="length">At most <see cref="Largest"/>.</param>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Largest);
        var index = Index(Math.Max(length, Smallest));
        var stack = _lengths[index];
        lock (stack)
        {
            if (stack.TryPop(out var kept))
            {
                return kept;
            }
        }

        return GC.AllocateUninitializedArray<byte>(Smallest << index, pinned: true);
    }

    /// <summary>Keeps a buffer <see cref="Rent"/> gave for reuse (or lets it go when enough of its length are kept).</summary>
    public void Return(byte[] buffer)
    {
        var index = Index(buffer.Length);
        if ((Smallest << index) != buffer.Length || index >= _lengths.Length)
        {
            throw new ArgumentException("The buffer is not one of this pool's.", nameof(buffer));
        }

        var stack = _lengths[index];
        lock (stack)
        {
            if (stack.Count < _maxPerLength)
            {
                stack.Push(buffer);
            }
        }
    }

    // The index of the shortest power-of-two length from Smallest on that holds length bytes.
    private static int Index(int length) => BitOperations.Log2((uint)(length - 1) | (Smallest - 1)) + 1 - SmallestShift;
}
