using System;
using System.Collections.Generic;

namespace PcapKit.Protocols.Tests;

/// <summary>Compares <c>frame.protocols</c> chains up to the layers the standard pack owns.</summary>
internal static class TsharkChain
{
    private static readonly Lazy<HashSet<string>> KnownNames = new(() =>
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "data" };
        foreach (var protocol in Packs.Registry.Protocols)
        {
            foreach (var name in protocol.ChainName.Split(':'))
            {
                names.Add(name);
            }

            for (var t = 0; t < protocol.DispatchTables.Count; t++)
            {
                if (protocol.GetDispatchLabel(t) is { Length: > 0 } label)
                {
                    names.Add(label);
                }
            }
        }

        return names;
    });

    /// <summary>
    /// A chain cut after the last protocol the pack knows, without trailing <c>data</c>: what tshark names beyond
    /// (<c>dns</c>, <c>http</c>, or nothing when it holds a segment for reassembly) belongs to the application layer.
    /// </summary>
    /// <param name="chain">The chain, tshark's or ours.</param>
    /// <returns>The comparable part.</returns>
    public static string Known(string chain)
    {
        var names = KnownNames.Value;
        var parts = new List<string>();
        foreach (var part in chain.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!names.Contains(part))
            {
                break;
            }

            parts.Add(part);
        }

        while (parts.Count > 0 && parts[^1] == "data")
        {
            parts.RemoveAt(parts.Count - 1);
        }

        return string.Join(':', parts);
    }
}
