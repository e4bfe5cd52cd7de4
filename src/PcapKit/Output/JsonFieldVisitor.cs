using System;
using System.Text.Json;
using PcapKit.Dissection;

namespace PcapKit.Output;

/// <summary>
/// Writes visited fields as JSON properties: snake_case keys, numbers as numbers, flags and enums as value and
/// name, addresses as text, bytes as lower-case hex (a <see cref="DocumentFieldVisitor"/> over the writer).
/// </summary>
public readonly struct JsonFieldVisitor : IFieldVisitor
{
    private readonly DocumentFieldVisitor _inner;

    /// <summary>Creates a visitor.</summary>
    /// <param name="writer">The writer; the caller opens and closes the enclosing object.</param>
    public JsonFieldVisitor(Utf8JsonWriter writer) => _inner = new DocumentFieldVisitor(new JsonDocumentWriter(writer));

    /// <inheritdoc/>
    public void Value(FieldDescriptor field, ulong value) => _inner.Value(field, value);

    /// <inheritdoc/>
    public void Bytes(FieldDescriptor field, scoped ReadOnlySpan<byte> value) => _inner.Bytes(field, value);

    /// <inheritdoc/>
    public void BeginList(FieldDescriptor field) => _inner.BeginList(field);

    /// <inheritdoc/>
    public void EndList(FieldDescriptor field) => _inner.EndList(field);

    /// <inheritdoc/>
    public void BeginItem(FieldDescriptor item) => _inner.BeginItem(item);

    /// <inheritdoc/>
    public void EndItem(FieldDescriptor item) => _inner.EndItem(item);
}
