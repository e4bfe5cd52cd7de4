using System;
using System.Collections.Generic;

namespace PcapKit.Dissection;

/// <summary>The names of an enumeration's values, for output; built once per enum by generated code.</summary>
public sealed class EnumDescriptor
{
    private readonly ulong[] _values;
    private readonly string[] _names;

    /// <summary>Creates a descriptor.</summary>
    /// <param name="name">The enumeration's identifier (<c>ip_protocol</c>).</param>
    /// <param name="isFlags">Whether values are bit masks.</param>
    /// <param name="values">The values, in ascending order.</param>
    /// <param name="names">The name of each value.</param>
    public EnumDescriptor(string name, bool isFlags, ulong[] values, string[] names)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(names);
        if (values.Length != names.Length)
        {
            throw new ArgumentException("Every value needs one name.", nameof(names));
        }

        for (var i = 1; i < values.Length; i++)
        {
            if (values[i - 1] >= values[i])
            {
                throw new ArgumentException("Values must be strictly ascending.", nameof(values));
            }
        }

        Name = name;
        IsFlags = isFlags;
        _values = values;
        _names = names;
    }

    /// <summary>The enumeration's identifier.</summary>
    public string Name { get; }

    /// <summary>Whether values are bit masks.</summary>
    public bool IsFlags { get; }

    /// <summary>The values, ascending.</summary>
    public ReadOnlySpan<ulong> Values => _values;

    /// <summary>The names, in the order of <see cref="Values"/>.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The name of <paramref name="value"/>, or <see langword="null"/> when it has none.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The name.</returns>
    public string? GetName(ulong value)
    {
        var i = Array.BinarySearch(_values, value);
        return i >= 0 ? _names[i] : null;
    }

    /// <summary>The value named <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The value.</param>
    /// <returns>Whether the name exists.</returns>
    public bool TryGetValue(string name, out ulong value)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (string.Equals(_names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                value = _values[i];
                return true;
            }
        }

        value = 0;
        return false;
    }
}
