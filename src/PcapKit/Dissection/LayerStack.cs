using System;
using System.Runtime.CompilerServices;

namespace PcapKit.Dissection;

/// <summary>
/// The layers of one frame, in a fixed-capacity inline buffer (a few KB), so dissecting a frame allocates nothing.
/// Create one and reuse it for every frame; it is not thread-safe.
/// </summary>
public sealed class LayerStack
{
    /// <summary>The most layers a frame can have; deeper nesting is kept raw.</summary>
    public const int Capacity = 128;

    private LayerBuffer _layers;
    private int _count;

    /// <summary>The number of layers.</summary>
    public int Count => _count;

    /// <summary>The layers, outermost first (valid until the stack is reused).</summary>
    public ReadOnlySpan<Layer> Layers => ((ReadOnlySpan<Layer>)_layers)[.._count];

    /// <summary>The offset of the bytes no layer dissected (a payload with no dissector, or the rest after a malformed layer).</summary>
    public int RawOffset { get; private set; }

    /// <summary>The length of those bytes.</summary>
    public int RawLength { get; private set; }

    /// <summary>Why those bytes were not dissected (a constant string), or null when there are none.</summary>
    public string? RawReason { get; private set; }

    /// <summary>The layer at <paramref name="index"/>.</summary>
    /// <param name="index">The index, 0 for the link layer.</param>
    /// <returns>The layer.</returns>
    public ref readonly Layer this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                ThrowIndex();
            }

            return ref _layers[index];
        }
    }

    /// <summary>Removes every layer.</summary>
    public void Clear()
    {
        _count = 0;
        RawOffset = 0;
        RawLength = 0;
        RawReason = null;
    }

    /// <summary>Adds a layer, made in its slot (a layer holds no reference: this is a plain copy, no write barrier).</summary>
    internal bool TryPush(int protocol, int offset, int length, int headerLength, in LayerResult result, int chainLabel, int dispatchTable, ulong dispatchKey)
    {
        if (_count >= Capacity)
        {
            return false;
        }

        _layers[_count++] = new Layer(protocol, offset, length, headerLength, result, chainLabel, dispatchTable, dispatchKey);
        return true;
    }

    // Drops the layers from index count on, and the raw range with them (a further unit that turned out incomplete).
    internal void RemoveFrom(int count)
    {
        _count = Math.Min(_count, count);
        SetRaw(0, 0, null);
    }

    internal void SetRaw(int offset, int length, string? reason)
    {
        RawOffset = offset;
        RawLength = length;
        RawReason = length > 0 ? reason : null;
    }

    /// <summary>Makes this stack the layers and raw range another thread saved from a stack (see <see cref="Layers"/>).</summary>
    internal void Load(ReadOnlySpan<Layer> layers, int rawOffset, int rawLength, string? rawReason)
    {
        layers.CopyTo(_layers);
        _count = layers.Length;
        SetRaw(rawOffset, rawLength, rawReason);
    }

    private static void ThrowIndex() => throw new ArgumentOutOfRangeException("index");

    [InlineArray(Capacity)]
    private struct LayerBuffer
    {
        private Layer _element;
    }
}
