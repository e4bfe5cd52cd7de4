using System;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>
/// What the decode hooks (DNS, TLS, HTTP/2) report when they stop: the reason, as a text field, and the bytes from there
/// to the end, so nothing they could not read is lost.
/// </summary>
internal static class UndecodedBytes
{
    /// <summary>Reports <paramref name="reason"/> (ASCII) in <paramref name="reasonField"/>, then <paramref name="rest"/>, when any, in <paramref name="restField"/>.</summary>
    public static void Report<TVisitor>(FieldDescriptor reasonField, string reason, FieldDescriptor restField, ReadOnlySpan<byte> rest, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        Span<byte> ascii = stackalloc byte[reason.Length];
        for (var i = 0; i < reason.Length; i++)
        {
            ascii[i] = (byte)reason[i];
        }

        visitor.Bytes(reasonField, ascii);
        if (!rest.IsEmpty)
        {
            visitor.Bytes(restField, rest);
        }
    }
}
