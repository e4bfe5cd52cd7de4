using System;
using System.Collections.Concurrent;
using System.Threading;

namespace PcapKit.Dissection;

/// <summary>
/// The strings a <see cref="Layer"/> names — its parse result's field and reason, its chain label — as small numbers, so
/// a layer holds no object reference and is copied into a <see cref="LayerStack"/> as plain bytes: a layer with
/// references costs a copy with the garbage collector's write barriers, which measured a third of dissecting a frame.
/// The strings are constants (generated field names and reasons, tables' labels), so the table stays small; it is
/// bounded all the same, a string beyond the bound reading as a fixed notice.
/// </summary>
internal static class LayerStrings
{
    /// <summary>The most distinct strings kept.</summary>
    internal const int Limit = 1 << 16;

    /// <summary>The text of any string beyond <see cref="Limit"/>.</summary>
    internal const string Overflow = "(text not kept: more distinct parse messages than the layer table holds)";

    private static readonly ConcurrentDictionary<string, int> Ids = new(StringComparer.Ordinal);
    private static readonly object Gate = new();
    // 0 is null, 1 the overflow notice; no static constructor, so reading the table needs no initialization check.
    private static string?[] _texts = [null, Overflow, .. new string?[254]];
    private static int _count = 2;

    /// <summary>The number of <paramref name="text"/> (0 for null), adding it when it is new.</summary>
    /// <param name="text">The string.</param>
    /// <returns>Its number.</returns>
    public static int Id(string? text)
    {
        if (text is null)
        {
            return 0;
        }

        if (Ids.TryGetValue(text, out var id))
        {
            return id;
        }

        lock (Gate)
        {
            if (Ids.TryGetValue(text, out id))
            {
                return id;
            }

            if (_count >= Limit)
            {
                return 1;
            }

            var texts = _texts;
            if (_count == texts.Length)
            {
                var larger = new string?[texts.Length * 2];
                texts.CopyTo(larger, 0);
                texts = larger;
            }

            // The text is in the array the readers see before its number is handed out.
            texts[_count] = text;
            Volatile.Write(ref _texts, texts);
            Ids[text] = _count;
            return _count++;
        }
    }

    /// <summary>The string numbered <paramref name="id"/> (null for 0).</summary>
    /// <param name="id">A number <see cref="Id"/> gave.</param>
    /// <returns>The string.</returns>
    public static string? Text(int id) => id == 0 ? null : Volatile.Read(ref _texts)[id];
}
