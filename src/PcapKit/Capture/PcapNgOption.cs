using System;

namespace PcapKit.Capture;

/// <summary>A pcapng option kept as it was read: its code and value bytes (in the section's byte order).</summary>
/// <param name="Code">The option code.</param>
/// <param name="Value">The value bytes.</param>
public sealed record PcapNgOption(ushort Code, ReadOnlyMemory<byte> Value)
{
    /// <summary><c>opt_comment</c>.</summary>
    public const ushort Comment = 1;

    /// <summary>Custom option with a UTF-8 string that may be copied.</summary>
    public const ushort CustomString = 2988;

    /// <summary>Custom option with binary data that may be copied.</summary>
    public const ushort CustomBinary = 2989;

    /// <summary>Custom option with a UTF-8 string that must not be copied.</summary>
    public const ushort CustomStringNoCopy = 19372;

    /// <summary>Custom option with binary data that must not be copied.</summary>
    public const ushort CustomBinaryNoCopy = 19373;

    /// <summary>Whether the option is a custom option (PEN followed by data).</summary>
    public bool IsCustom => Code is CustomString or CustomBinary or CustomStringNoCopy or CustomBinaryNoCopy;

    /// <summary>The value as UTF-8 text.</summary>
    /// <returns>The text.</returns>
    public string AsString() => System.Text.Encoding.UTF8.GetString(Value.Span);

    /// <inheritdoc/>
    public bool Equals(PcapNgOption? other) => other is not null && Code == other.Code && Value.Span.SequenceEqual(other.Value.Span);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Code, Value.Length);
}
