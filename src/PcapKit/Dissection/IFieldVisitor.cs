using System;

namespace PcapKit.Dissection;

/// <summary>
/// Receives the fields of a dissected unit in wire order. Generated views call it from <c>Accept</c>; JSON, tree,
/// plist and tshark-style field output are visitors, so every output format shares one walk of the fields.
/// </summary>
public interface IFieldVisitor
{
    /// <summary>An integer, flag, enum or flags field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">Its value.</param>
    void Value(FieldDescriptor field, ulong value);

    /// <summary>An address or byte-string field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">Its bytes, valid only during the call.</param>
    void Bytes(FieldDescriptor field, scoped ReadOnlySpan<byte> value);

    /// <summary>A list starts.</summary>
    /// <param name="field">The list field.</param>
    void BeginList(FieldDescriptor field);

    /// <summary>The list ends.</summary>
    /// <param name="field">The list field.</param>
    void EndList(FieldDescriptor field);

    /// <summary>An item of the current list starts.</summary>
    /// <param name="item">The item's structure (an option kind, a repeated block).</param>
    void BeginItem(FieldDescriptor item);

    /// <summary>The item ends.</summary>
    /// <param name="item">The item's structure.</param>
    void EndItem(FieldDescriptor item);
}
