using System;
using System.Diagnostics.CodeAnalysis;

namespace PcapKit;

/// <summary>
/// The outcome of <c>TryParse</c>: a status and, when it is not <see cref="ParseStatus.Ok"/>, the field and the byte
/// offset where parsing stopped and why. Never built with an allocation: field names and reasons are constants.
/// </summary>
public readonly struct ParseResult : IEquatable<ParseResult>
{
    private ParseResult(ParseStatus status, string? field, int offset, string? reason)
    {
        Status = status;
        Field = field;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>A result made from its parts (a <see cref="Dissection.Layer"/> keeps them as numbers).</summary>
    internal static ParseResult Of(ParseStatus status, string? field, int offset, string? reason) => new(status, field, offset, reason);

    /// <summary>A successful parse.</summary>
    public static ParseResult Ok => default;

    /// <summary>The status.</summary>
    public ParseStatus Status { get; }

    /// <summary>The field at which parsing stopped, or <see langword="null"/> when it succeeded.</summary>
    public string? Field { get; }

    /// <summary>The byte offset, relative to the unit's first byte, at which parsing stopped.</summary>
    public int Offset { get; }

    /// <summary>Why parsing stopped, or <see langword="null"/> when it succeeded.</summary>
    public string? Reason { get; }

    /// <summary>Whether the unit parsed.</summary>
    [MemberNotNullWhen(false, nameof(Field), nameof(Reason))]
    public bool IsOk => Status == ParseStatus.Ok;

    /// <summary>The input ends at <paramref name="offset"/> before <paramref name="field"/> does.</summary>
    /// <param name="field">The field that does not fit.</param>
    /// <param name="offset">Its offset.</param>
    /// <returns>The result.</returns>
    public static ParseResult Truncated(string field, int offset) => new(ParseStatus.Truncated, field, offset, "input ends before the field");

    /// <summary>The field at <paramref name="offset"/> breaks a rule.</summary>
    /// <param name="field">The field.</param>
    /// <param name="offset">Its offset.</param>
    /// <param name="reason">The rule, as a constant string.</param>
    /// <returns>The result.</returns>
    public static ParseResult Invalid(string field, int offset, string reason) => new(ParseStatus.Invalid, field, offset, reason);

    /// <summary>The same result with its offset moved by <paramref name="delta"/> (for a unit nested in another).</summary>
    /// <param name="delta">The offset of the nested unit.</param>
    /// <returns>The moved result.</returns>
    public ParseResult Shift(int delta) => IsOk ? this : new(Status, Field, Offset + delta, Reason);

    /// <inheritdoc/>
    public bool Equals(ParseResult other) =>
        Status == other.Status && Offset == other.Offset && string.Equals(Field, other.Field, StringComparison.Ordinal) &&
        string.Equals(Reason, other.Reason, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ParseResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Status, Field, Offset);

    /// <summary>Compares two results.</summary>
    public static bool operator ==(ParseResult left, ParseResult right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    public static bool operator !=(ParseResult left, ParseResult right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => IsOk ? "Ok" : $"{Status} at {Field} (offset {Offset}): {Reason}";
}
