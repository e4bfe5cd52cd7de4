using System;
using System.Collections.Generic;
using System.Globalization;
using PcapKit.Dissection;
using PcapKit.Output;

namespace PcapKit.Protocols.Tests;

/// <summary>A visitor that records every field by its identifier, values as text, for assertions.</summary>
internal sealed class FieldsByName : IFieldVisitor
{
    public Dictionary<string, List<string>> Values { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<ulong>> Numbers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FieldDescriptor> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>Every value by the field's display name (<c>dns.qry.name</c>), formatted as tshark's <c>-T fields</c> prints it.</summary>
    public Dictionary<string, List<string>> Displayed { get; } = new(StringComparer.Ordinal);

    public void Value(FieldDescriptor field, ulong value)
    {
        var tshark = new System.Text.StringBuilder();
        TsharkFormat.AppendValue(tshark, field, value);
        AddDisplayed(field, tshark.ToString());
        Add(field, value.ToString(CultureInfo.InvariantCulture));
        if (!Numbers.TryGetValue(field.Name, out var list))
        {
            Numbers[field.Name] = list = [];
        }

        list.Add(value);
    }

    public void Bytes(FieldDescriptor field, scoped ReadOnlySpan<byte> value)
    {
        var sb = new System.Text.StringBuilder();
        TsharkFormat.AppendBytes(sb, field, value);
        AddDisplayed(field, sb.ToString());
        Add(field, sb.ToString());
    }

    public void BeginList(FieldDescriptor field)
    {
    }

    public void EndList(FieldDescriptor field)
    {
    }

    public void BeginItem(FieldDescriptor item)
    {
    }

    public void EndItem(FieldDescriptor item)
    {
    }

    /// <summary>Whether the value recorded for <paramref name="name"/> matches a spec's expectation (number, name, flags, bool or text).</summary>
    public bool Matches(string name, string expected, out string actual)
    {
        actual = Values.TryGetValue(name, out var texts) ? string.Join(",", texts) : "(absent)";
        if (texts is null)
        {
            return false;
        }

        var field = Fields[name];
        if (Numbers.TryGetValue(name, out var numbers))
        {
            var value = numbers[0];
            if (expected is "true" or "false")
            {
                return (value != 0) == (expected == "true");
            }

            if (expected.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                return value == ulong.Parse(expected.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }

            if (ulong.TryParse(expected, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return value == n;
            }

            if (field.Kind == FieldKind.Int && long.TryParse(expected, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var signed))
            {
                // A signed field's value comes sign-extended.
                return (long)value == signed;
            }

            if (field.Enum is { } e)
            {
                if (e.IsFlags)
                {
                    ulong mask = 0;
                    foreach (var part in expected.Split('|'))
                    {
                        if (!e.TryGetValue(part.Trim(), out var bit))
                        {
                            return false;
                        }

                        mask |= bit;
                    }

                    return value == mask;
                }

                return e.TryGetValue(expected, out var v) && v == value;
            }

            return false;
        }

        return string.Equals(texts[0], expected, StringComparison.OrdinalIgnoreCase);
    }

    private void AddDisplayed(FieldDescriptor field, string text)
    {
        if (field.DisplayName is not { } name)
        {
            return;
        }

        if (!Displayed.TryGetValue(name, out var list))
        {
            Displayed[name] = list = [];
        }

        list.Add(text);
    }

    private void Add(FieldDescriptor field, string text)
    {
        Fields[field.Name] = field;
        if (!Values.TryGetValue(field.Name, out var list))
        {
            Values[field.Name] = list = [];
        }

        list.Add(text);
    }
}
