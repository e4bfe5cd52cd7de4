using System;
using PcapKit.Dissection;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// Where tshark's TLS depends on state the pack, dissecting each segment on its own, does not keep. Both are decided from
/// the frame, not listed frame by frame, and both oracle tests count them as known.
/// </summary>
internal static class TlsOracleRules
{
    /// <summary>Why <paramref name="column"/> of <paramref name="frame"/> may differ from tshark, or null.</summary>
    public static string? Reason(Frame frame, string column, string ours, string theirs)
    {
        if (column != "frame.protocols" && !column.StartsWith("tls.", StringComparison.Ordinal))
        {
            return null;
        }

        // tshark's MySQL dissector hands its connection to TLS after the client's SSL request; the pack has no MySQL
        // dissector, and TLS sits on Wireshark's TLS ports only.
        if (frame.TryGetFiveTuple(out var tuple) && (tuple.SourcePort == 3306 || tuple.DestinationPort == 3306) &&
            (column != "frame.protocols" || theirs.EndsWith(":tls", StringComparison.Ordinal)))
        {
            return "TLS inside MySQL";
        }

        // Without reassembly tshark shows a segment that continues a record as TLS ("Ignored Unknown Record") or as
        // data, as its conversation state has it; the pack shows every segment on a TLS port as TLS.
        if (column == "frame.protocols" && ours == theirs + ":tls" && frame.IndexOf("tls") is var tls and >= 0 &&
            frame.LayerBytes(tls) is { Length: > 0 } bytes && (bytes[0] is < 20 or > 24 || bytes.Length < 2 || bytes[1] != 3))
        {
            return "a TLS continuation segment";
        }

        return null;
    }
}
