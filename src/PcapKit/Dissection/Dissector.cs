using System;
using System.Collections.Generic;
using PcapKit.Buffers;

namespace PcapKit.Dissection;

/// <summary>
/// Dissects frames through the registry's tables into a <see cref="LayerStack"/>: link type → link layer →
/// dispatch table → … Never throws on frame contents, never allocates: a layer that does not parse is recorded
/// with its status and the rest of the frame is kept raw with the reason.
/// </summary>
public sealed class Dissector
{
    private readonly DissectorRegistry _registry;
    private readonly DissectionFlags _flags;
    private readonly LayerKind _stopLayer;
    private readonly int _stopProtocol;
    private readonly Dictionary<(int Table, ulong Key), int>? _decodeAs;
    private readonly bool _heuristics;

    /// <summary>Creates a dissector.</summary>
    /// <param name="registry">The protocols.</param>
    /// <param name="options">The options, or the defaults.</param>
    /// <exception cref="ArgumentException">A decode-as rule or the stop protocol names a protocol that is not registered.</exception>
    public Dissector(DissectorRegistry registry, DissectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        options ??= DissectorOptions.Default;
        _registry = registry;
        _flags = options.VerifyChecksums ? DissectionFlags.VerifyChecksums : DissectionFlags.None;
        _stopLayer = options.StopAfterLayer ?? (LayerKind)byte.MaxValue;
        _heuristics = options.Heuristics;
        _stopProtocol = -1;
        if (options.StopAfterProtocol is { } stop)
        {
            _stopProtocol = registry.IndexOf(stop);
            if (_stopProtocol < 0)
            {
                throw new ArgumentException($"No protocol named '{stop}' is registered.", nameof(options));
            }
        }

        foreach (var rule in options.DecodeAs)
        {
            var protocol = registry.IndexOf(rule.Protocol);
            if (protocol < 0)
            {
                throw new ArgumentException($"Decode-as names '{rule.Protocol}', which is not registered.", nameof(options));
            }

            var table = registry.GetTableId(rule.Table);
            if (table < 0)
            {
                throw new ArgumentException($"Decode-as names the table '{rule.Table}', which no protocol dispatches on.", nameof(options));
            }

            _decodeAs ??= [];
            _decodeAs[(table, rule.Key)] = protocol;
        }
    }

    /// <summary>The registry.</summary>
    public DissectorRegistry Registry => _registry;

    /// <summary>Dissects one frame.</summary>
    /// <param name="frame">The frame's bytes.</param>
    /// <param name="linkType">The link type of its interface (LINKTYPE_*).</param>
    /// <param name="stack">Receives the layers; cleared first.</param>
    public void Dissect(ReadOnlySpan<byte> frame, int linkType, LayerStack stack) => Dissect(frame, linkType, frame.Length, stack);

    /// <summary>Dissects one record of a capture, with its link type and original length.</summary>
    /// <param name="record">The record.</param>
    /// <param name="stack">Receives the layers; cleared first.</param>
    public void Dissect(in Capture.CaptureRecord record, LayerStack stack) =>
        Dissect(record.Data, record.LinkType, (int)Math.Min(record.OriginalLength, int.MaxValue), stack);

    /// <summary>Dissects one frame that the capture may have cut short.</summary>
    /// <param name="frame">The frame's captured bytes.</param>
    /// <param name="linkType">The link type of its interface (LINKTYPE_*).</param>
    /// <param name="originalLength">The frame's length on the wire (the record's original length), from which each layer's
    /// <see cref="Layer.ReportedLength"/> is derived as tshark derives it.</param>
    /// <param name="stack">Receives the layers; cleared first.</param>
    public void Dissect(ReadOnlySpan<byte> frame, int linkType, int originalLength, LayerStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var context = new DissectionContext { Flags = _flags };
        Run(frame, 0, (uint)linkType, Math.Max(originalLength, frame.Length), ref context, stack);
    }

    /// <summary>
    /// Dissects bytes that a dispatch table's key names, such as a reassembled IP datagram's payload: the layers
    /// start with the protocol registered for <paramref name="key"/> in <paramref name="table"/>.
    /// </summary>
    /// <param name="payload">The bytes.</param>
    /// <param name="table">The dispatch table (<see cref="DissectorRegistry.IpProtocolTable"/> for an IP payload).</param>
    /// <param name="key">The key (the IP protocol number).</param>
    /// <param name="pseudoHeader">The enclosing IP header's pseudo-header, for transport checksums.</param>
    /// <param name="stack">Receives the layers; cleared first. Their offsets are into <paramref name="payload"/>.</param>
    public void DissectPayload(ReadOnlySpan<byte> payload, int table, ulong key, in Buffers.IpPseudoHeader pseudoHeader, LayerStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var context = new DissectionContext { Flags = _flags, PseudoHeader = pseudoHeader };
        Run(payload, table, key, payload.Length, ref context, stack);
    }

    private void Run(ReadOnlySpan<byte> frame, int table, ulong key0, long reportedEnd, ref DissectionContext context, LayerStack stack)
    {
        stack.Clear();
        var offset = 0;
        var end = frame.Length;
        var reportedKnown = true;
        var firstOfUnit = -1;
        while (true)
        {
            var repeats = Descend(frame, table, key0, offset, end, reportedEnd, reportedKnown, ref context, stack);
            if (firstOfUnit >= 0 && IsCut(stack, firstOfUnit))
            {
                // A further unit the segment does not hold whole (a message that ends in a later segment): as tshark
                // without reassembly, it is not dissected; its bytes stay the parent's trailer.
                stack.RemoveFrom(firstOfUnit);
                return;
            }

            // Units back to back (DispatchSelection.Repeats): when the chain ended cleanly and the deepest repeating unit
            // ended before its parent's payload, the bytes after it are the next unit of the same protocol.
            if (!repeats || stack.RawLength != 0 || stack.Count >= LayerStack.Capacity || !TryFindNextUnit(stack, out var unit, out var parent))
            {
                return;
            }

            ref readonly var repeating = ref stack[unit];
            ref readonly var container = ref stack[parent];
            table = repeating.DispatchTable;
            key0 = repeating.DispatchKey;
            offset = repeating.Offset + repeating.Length;
            end = container.Offset + container.Length;
            reportedKnown = container.ReportedLength >= 0;
            reportedEnd = reportedKnown ? container.Offset + (long)container.ReportedLength : end;
            firstOfUnit = stack.Count;
        }
    }

    private static bool IsCut(LayerStack stack, int from)
    {
        for (var i = from; i < stack.Count; i++)
        {
            if (stack[i].IsTruncated || stack[i].ParseStatus == ParseStatus.Truncated)
            {
                return true;
            }
        }

        return false;
    }

    // The last layer that repeats and the layer whose payload holds it, when bytes of that payload follow its unit and
    // no later layer has dissected them.
    private static bool TryFindNextUnit(LayerStack stack, out int unit, out int parent)
    {
        unit = parent = -1;
        var covered = 0;
        for (var i = stack.Count - 1; i > 0; i--)
        {
            ref readonly var layer = ref stack[i];
            covered = Math.Max(covered, layer.Offset + layer.Length);
            if (!layer.Repeats)
            {
                continue;
            }

            for (var p = i - 1; p >= 0; p--)
            {
                ref readonly var candidate = ref stack[p];
                if (candidate.Offset <= layer.Offset && candidate.Offset + candidate.Length > layer.Offset)
                {
                    if (candidate.Offset + candidate.Length > Math.Max(covered, layer.Offset + layer.Length) && layer.Length > 0)
                    {
                        unit = i;
                        parent = p;
                        return true;
                    }

                    return false;
                }
            }

            return false;
        }

        return false;
    }

    // Returns whether a layer it pushed repeats (DispatchSelection.Repeats), so that only then the stack is searched for
    // a further unit.
    private bool Descend(ReadOnlySpan<byte> frame, int table, ulong key0, int offset, int end, long reportedEnd, bool reportedKnown, ref DissectionContext context, LayerStack stack)
    {
        var repeats = false;
        // reportedEnd: the declared end of the current unit, past the captured bytes when the capture cut the frame.
        // reportedKnown: false inside a first fragment, until a layer with a length field of its own.
        ulong key1 = 0;
        var keyCount = 1;
        // The registry's arrays in locals: the loop calls descriptors, so fields read through 'this' would be read again
        // on every layer.
        var tables = _registry.LookupTables;
        var steps = _registry.Steps;

        while (true)
        {
            if (!TryLookup(tables, table, key0, key1, keyCount, out var protocol, out var key) &&
                !(_heuristics && offset < end && _registry.TryHeuristic(table, frame[offset..end], out protocol)))
            {
                stack.SetRaw(offset, end - offset, offset == 0 && table == 0 ? "no dissector for the link type" : "no dissector for the payload");
                return repeats;
            }

            context.DispatchKey = key;
            context.ReportedLength = reportedKnown ? (int)Math.Min(reportedEnd - offset, int.MaxValue) : -1;
            ref readonly var step = ref steps[protocol];
            step.Descriptor.Dissect(frame[offset..end], ref context, out var result);
            // Clamped by hand: Math.Clamp's check that min <= max (offset <= end holds here) kept it from being inlined.
            var length = Math.Min(Math.Max(result.Length, 0), end - offset);
            var header = Math.Min(Math.Max(result.HeaderLength, 0), length);
            var label = result.Parse.IsOk && (uint)result.NextTable < (uint)step.Labels.Length ? step.Labels[result.NextTable] : 0;
            repeats |= result.Repeats;
            if (!stack.TryPush(protocol, offset, length, header, result, label, table, key))
            {
                stack.SetRaw(offset, end - offset, "too many layers");
                return repeats;
            }

            if (!result.Parse.IsOk)
            {
                stack.SetRaw(offset, end - offset, result.Parse.Reason);
                return repeats;
            }

            end = offset + length;
            var declaredPayload = result.ReportedLength >= 0 ? (long)result.ReportedLength - header : 0;
            if (result.ReportedLength >= 0)
            {
                // A length field can only narrow what the enclosing layers declare.
                var declaredEnd = offset + (long)Math.Max(result.ReportedLength, length);
                reportedEnd = reportedKnown ? Math.Min(reportedEnd, declaredEnd) : declaredEnd;
                reportedKnown = true;
            }

            reportedKnown &= !result.PayloadIsFragment;
            offset += header;
            if (step.Layer >= _stopLayer || protocol == _stopProtocol)
            {
                stack.SetRaw(offset, end - offset, "dissection stopped by a threshold");
                return repeats;
            }

            if (result.NextTable < 0 || result.KeyCount == 0)
            {
                stack.SetRaw(offset, end - offset, "no dispatch for the payload");
                return repeats;
            }

            if (offset >= end && declaredPayload <= 0)
            {
                // Nothing captured and nothing declared. When the layer declares a payload the capture cut off
                // entirely, the next layer is still dissected (as tshark does) and recorded as truncated.
                return repeats;
            }

            table = step.Tables[result.NextTable];
            key0 = result.Key0;
            key1 = result.Key1;
            keyCount = result.KeyCount;
            if (offset >= end && TryLookup(tables, table, key0, key1, keyCount, out var next, out _) &&
                steps[next].Layer == LayerKind.Application)
            {
                // A payload the capture cut off entirely is not handed to an application protocol (tshark's TCP and
                // UDP call no subdissector for it): there is no message to show, only its length.
                return repeats;
            }
        }
    }

    private bool TryLookup(DissectorRegistry.Table[] tables, int table, ulong key0, ulong key1, int keyCount, out int protocol, out ulong key)
    {
        if (_decodeAs is { } overrides)
        {
            if (overrides.TryGetValue((table, key0), out protocol))
            {
                key = key0;
                return true;
            }

            if (keyCount > 1 && overrides.TryGetValue((table, key1), out protocol))
            {
                key = key1;
                return true;
            }
        }

        var lookup = tables[table];
        if (lookup.TryLookup(key0, out protocol))
        {
            key = key0;
            return true;
        }

        if (keyCount > 1 && lookup.TryLookup(key1, out protocol))
        {
            key = key1;
            return true;
        }

        key = 0;
        return false;
    }
}
