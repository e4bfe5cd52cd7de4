using System;

namespace PcapKit.Dissection;

/// <summary>
/// A generated zero-copy view of one protocol's unit. The static members let generic code parse any protocol:
/// <c>frame.TryGet(out Tcp.View tcp)</c>.
/// </summary>
/// <typeparam name="TSelf">The view type.</typeparam>
public interface IHeaderView<TSelf>
    where TSelf : IHeaderView<TSelf>, allows ref struct
{
    /// <summary>The protocol the view belongs to.</summary>
    static abstract ProtocolDescriptor Descriptor { get; }

    /// <summary>Parses a unit; never throws and never allocates.</summary>
    /// <param name="source">The bytes, starting at the unit's first byte.</param>
    /// <param name="view">The view, or default when the status is not Ok.</param>
    /// <returns>The result.</returns>
    static abstract ParseResult TryParse(ReadOnlySpan<byte> source, out TSelf view);

    /// <summary>Parses a unit the enclosing layers declare <paramref name="reportedLength"/> bytes long; never throws and never allocates.</summary>
    /// <param name="source">The bytes, starting at the unit's first byte.</param>
    /// <param name="reportedLength">The declared length (<see cref="Layer.ReportedLength"/>); the unit's own length field wins.</param>
    /// <param name="view">The view, or default when the status is not Ok.</param>
    /// <returns>The result.</returns>
    static abstract ParseResult TryParse(ReadOnlySpan<byte> source, int reportedLength, out TSelf view);

    /// <summary>Hands every header field to <paramref name="visitor"/>, in wire order.</summary>
    /// <typeparam name="TVisitor">The visitor type.</typeparam>
    /// <param name="visitor">The visitor.</param>
    void Accept<TVisitor>(ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct;
}
