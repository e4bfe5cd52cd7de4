using System;

namespace PcapKit.Annotations;

/// <summary>The field must equal this value; otherwise parsing returns <c>Invalid</c>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class EqualAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="value">The required value.</param>
    public EqualAttribute(ulong value) => Value = value;

    /// <summary>The required value.</summary>
    public ulong Value { get; }
}

/// <summary>The field must be at least this value; otherwise parsing returns <c>Invalid</c>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class MinAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="value">The smallest valid value.</param>
    public MinAttribute(ulong value) => Value = value;

    /// <summary>The smallest valid value.</summary>
    public ulong Value { get; }
}

/// <summary>The field must be at most this value; otherwise parsing returns <c>Invalid</c>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class MaxAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="value">The largest valid value.</param>
    public MaxAttribute(ulong value) => Value = value;

    /// <summary>The largest valid value.</summary>
    public ulong Value { get; }
}

/// <summary>The field must be one of these values; otherwise parsing returns <c>Invalid</c>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class AnyOfAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="values">The valid values.</param>
    public AnyOfAttribute(params ulong[] values) => Values = values;

    /// <summary>The valid values.</summary>
    public ulong[] Values { get; }
}
