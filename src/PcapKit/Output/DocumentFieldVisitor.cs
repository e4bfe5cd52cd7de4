using System;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Output;

/// <summary>
/// Writes a protocol's fields into a <see cref="DocumentWriter"/> (JSON, tree, plist): keys are the fields'
/// snake_case names; enums carry value and name; flags their value and the names of the bits set; addresses are
/// text; other byte strings are bytes; option lists are arrays of objects with a <c>type</c>.
/// </summary>
public sealed class DocumentFieldVisitor : IFieldVisitor
{
    private readonly DocumentWriter _writer;

    /// <summary>Creates a visitor.</summary>
    /// <param name="writer">Where the fields go.</param>
    public DocumentFieldVisitor(DocumentWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <inheritdoc/>
    public void Value(FieldDescriptor field, ulong value)
    {
        ArgumentNullException.ThrowIfNull(field);
        switch (field.Kind)
        {
            case FieldKind.Bool:
                _writer.WriteBoolean(field.Name, value != 0);
                break;
            case FieldKind.Int:
                _writer.WriteNumber(field.Name, (long)value);
                break;
            case FieldKind.Enum:
                _writer.WriteEnum(field.Name, value, field.Enum?.GetName(value));
                break;
            case FieldKind.Flags:
                _writer.StartObject(field.Name);
                _writer.WriteNumber("value", value);
                _writer.StartArray("names");
                if (field.Enum is { } flags)
                {
                    var values = flags.Values;
                    for (var i = 0; i < values.Length; i++)
                    {
                        if (values[i] != 0 && (value & values[i]) == values[i])
                        {
                            _writer.WriteString(null, flags.Names[i]);
                        }
                    }
                }

                _writer.EndArray();
                _writer.EndObject();
                break;
            case FieldKind.UInt when field.Format == Annotations.NumberFormat.NtpTimestamp:
                // RFC 5905: a zero timestamp means "not known".
                if (new NtpTimestamp(value) is { IsNull: false } time)
                {
                    Span<char> text = stackalloc char[NtpTimestamp.MaxTextLength];
                    _ = time.TryFormat(text, out var written);
                    _writer.WriteString(field.Name, text[..written]);
                }
                else
                {
                    _writer.WriteNull(field.Name);
                }

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
            case FieldKind.Text:
                WriteText(field, value);
                return;
            case FieldKind.NulTerminatedText:
                WriteText(field, TextFormat.UpToNul(value));
                return;
        }

        _writer.WriteBytes(field.Name, value);
    }

    private void WriteText(FieldDescriptor field, scoped ReadOnlySpan<byte> value)
    {
        var length = TextFormat.EscapedLength(value);
        char[]? rented = null;
        var chars = length <= 512 ? stackalloc char[512] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(length));
        _writer.WriteString(field.Name, chars[..TextFormat.Escape(value, chars)]);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public void BeginList(FieldDescriptor field)
    {
        ArgumentNullException.ThrowIfNull(field);
        _writer.StartArray(field.Name);
    }

    /// <inheritdoc/>
    public void EndList(FieldDescriptor field) => _writer.EndArray();

    /// <inheritdoc/>
    public void BeginItem(FieldDescriptor item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _writer.StartObject(item.Name);
        _writer.WriteString("type", item.Name);
    }

    /// <inheritdoc/>
    public void EndItem(FieldDescriptor item) => _writer.EndObject();
}
