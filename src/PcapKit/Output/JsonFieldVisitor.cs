using System;
using System.Buffers;
using System.Text.Json;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Output;

/// <summary>
/// Writes visited fields as JSON properties: snake_case keys, numbers as numbers, flags and enums as value and
/// name, addresses as text, bytes as lower-case hex. Allocates nothing for fields up to 512 bytes.
/// </summary>
public readonly struct JsonFieldVisitor : IFieldVisitor
{
    private readonly Utf8JsonWriter _writer;

    /// <summary>Creates a visitor that writes into <paramref name="writer"/>, which must be inside an object.</summary>
    /// <param name="writer">The writer.</param>
    public JsonFieldVisitor(Utf8JsonWriter writer) => _writer = writer;

    /// <inheritdoc/>
    public void Value(FieldDescriptor field, ulong value)
    {
        ArgumentNullException.ThrowIfNull(field);
        switch (field.Kind)
        {
            case FieldKind.Bool:
                _writer.WriteBoolean(field.Name, value != 0);
                break;
            case FieldKind.Enum:
                _writer.WriteStartObject(field.Name);
                _writer.WriteNumber("value", value);
                if (field.Enum?.GetName(value) is { } name)
                {
                    _writer.WriteString("name", name);
                }
                else
                {
                    _writer.WriteNull("name");
                }

                _writer.WriteEndObject();
                break;
            case FieldKind.Flags:
                _writer.WriteStartObject(field.Name);
                _writer.WriteNumber("value", value);
                _writer.WriteStartArray("names");
                if (field.Enum is { } flags)
                {
                    var values = flags.Values;
                    for (var i = 0; i < values.Length; i++)
                    {
                        if (values[i] != 0 && (value & values[i]) == values[i])
                        {
                            _writer.WriteStringValue(flags.Names[i]);
                        }
                    }
                }

                _writer.WriteEndArray();
                _writer.WriteEndObject();
                break;
            default:
                _writer.WriteNumber(field.Name, value);
                break;
        }
    }

    /// <inheritdoc/>
    public void Bytes(FieldDescriptor field, scoped ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(field);
        Span<char> text = stackalloc char[Ipv6Address.MaxTextLength];
        switch (field.Kind)
        {
            case FieldKind.Mac or FieldKind.Address when value.Length == MacAddress.Size:
                _ = MacAddress.Read(value).TryFormat(text, out var m);
                _writer.WriteString(field.Name, text[..m]);
                return;
            case FieldKind.Ipv4 or FieldKind.Address when value.Length == Ipv4Address.Size:
                _ = Ipv4Address.Read(value).TryFormat(text, out var a);
                _writer.WriteString(field.Name, text[..a]);
                return;
            case FieldKind.Ipv6 or FieldKind.Address when value.Length == Ipv6Address.Size:
                _ = Ipv6Address.Read(value).TryFormat(text, out var b);
                _writer.WriteString(field.Name, text[..b]);
                return;
        }

        WriteHex(_writer, field.Name, value);
    }

    /// <summary>Writes <paramref name="value"/> as a lower-case hex string property.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The property name.</param>
    /// <param name="value">The bytes.</param>
    public static void WriteHex(Utf8JsonWriter writer, string name, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        char[]? rented = null;
        var chars = value.Length <= 512 ? stackalloc char[value.Length * 2] : (rented = ArrayPool<char>.Shared.Rent(value.Length * 2));
        try
        {
            _ = Convert.TryToHexStringLower(value, chars, out var written);
            writer.WriteString(name, chars[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc/>
    public void BeginList(FieldDescriptor field)
    {
        ArgumentNullException.ThrowIfNull(field);
        _writer.WriteStartArray(field.Name);
    }

    /// <inheritdoc/>
    public void EndList(FieldDescriptor field) => _writer.WriteEndArray();

    /// <inheritdoc/>
    public void BeginItem(FieldDescriptor item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _writer.WriteStartObject();
        _writer.WriteString("type", item.Name);
    }

    /// <inheritdoc/>
    public void EndItem(FieldDescriptor item) => _writer.WriteEndObject();
}
