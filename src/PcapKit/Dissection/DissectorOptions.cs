using System;
using System.Collections.Generic;

namespace PcapKit.Dissection;

/// <summary>How far and how carefully frames are dissected.</summary>
public sealed record DissectorOptions
{
    /// <summary>The defaults: every layer, no checksum verification.</summary>
    public static DissectorOptions Default { get; } = new();

    /// <summary>Verify checksums (costs a pass over the covered bytes).</summary>
    public bool VerifyChecksums { get; init; }

    /// <summary>Stop after the first layer of this kind; the rest is kept raw (PyPCAPKit's <c>layer</c>).</summary>
    public LayerKind? StopAfterLayer { get; init; }

    /// <summary>Stop after the first layer of this protocol (its name, as <c>tcp</c>); the rest is kept raw (PyPCAPKit's <c>protocol</c>).</summary>
    public string? StopAfterProtocol { get; init; }

    /// <summary>Decode-as rules that override the registry's tables, such as <c>tcp.port==8080 → http</c>.</summary>
    public IReadOnlyList<DecodeAsRule> DecodeAs { get; init; } = [];

    /// <summary>
    /// Whether a payload whose keys name no protocol is offered to the protocols registered as heuristics for that
    /// table (<see cref="ProtocolDescriptor.HeuristicTables"/>), as Wireshark tries its heuristic dissectors. On by default.
    /// </summary>
    public bool Heuristics { get; init; } = true;
}

/// <summary>A decode-as rule: in <paramref name="Table"/>, <paramref name="Key"/> leads to <paramref name="Protocol"/>.</summary>
/// <param name="Table">The dispatch table (<c>tcp.port</c>).</param>
/// <param name="Key">The key (8080).</param>
/// <param name="Protocol">The protocol's name (<c>http</c>).</param>
public sealed record DecodeAsRule(string Table, ulong Key, string Protocol)
{
    /// <summary>Parses <c>table==key→protocol</c>, also written <c>table==key,protocol</c> or <c>table=key:protocol</c>.</summary>
    /// <param name="text">The rule.</param>
    /// <param name="rule">The parsed rule.</param>
    /// <returns>Whether the text is a rule.</returns>
    public static bool TryParse(string text, out DecodeAsRule? rule)
    {
        rule = null;
        ArgumentNullException.ThrowIfNull(text);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return false;
        }

        var table = text[..eq].Trim();
        var rest = text[(eq + 1)..].TrimStart('=');
        var sep = rest.IndexOfAny([',', ':', '→', '>']);
        if (sep <= 0)
        {
            return false;
        }

        var keyText = rest[..sep].Trim();
        var protocol = rest[(sep + 1)..].TrimStart('>', '-', ' ').Trim();
        ulong key;
        var ok = keyText.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(keyText[2..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out key)
            : ulong.TryParse(keyText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out key);
        if (!ok || protocol.Length == 0 || table.Length == 0)
        {
            return false;
        }

        rule = new DecodeAsRule(table, key, protocol);
        return true;
    }
}
