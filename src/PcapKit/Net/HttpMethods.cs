using System;
using System.Collections.Generic;
using System.Text;

namespace PcapKit.Net;

/// <summary>
/// The request methods a line must start with to be taken for an HTTP/1.x request line (RFC 9110 §9, WebDAV's of
/// RFC 4918, and UPnP's NOTIFY, SUBSCRIBE and SSDP's M-SEARCH) — what the single-segment dissector and the stream parser both recognise.
/// </summary>
public static class HttpMethods
{
    private static readonly byte[][] WithSpace = Build();

    /// <summary>The methods, each followed by the space that ends it.</summary>
    public static IReadOnlyList<byte[]> Tokens => WithSpace;

    /// <summary>The length of the method <paramref name="line"/> starts with (without its space), or 0.</summary>
    /// <param name="line">The start of a line.</param>
    /// <returns>The method's length.</returns>
    public static int Match(ReadOnlySpan<byte> line)
    {
        foreach (var token in WithSpace)
        {
            if (line.StartsWith(token))
            {
                return token.Length - 1;
            }
        }

        return 0;
    }

    private static byte[][] Build()
    {
        string[] names = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY",
            "MOVE", "LOCK", "UNLOCK", "SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "M-SEARCH"];
        var tokens = new byte[names.Length][];
        for (var i = 0; i < names.Length; i++)
        {
            tokens[i] = Encoding.ASCII.GetBytes(names[i] + " ");
        }

        return tokens;
    }
}
