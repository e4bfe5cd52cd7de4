using System;
using System.Collections.Generic;

namespace PcapKit.Dissection;

/// <summary>
/// A set of protocols compiled together. The generator emits one per project (<c>StandardProtocols.Pack</c>);
/// programs add packs to a <see cref="DissectorRegistryBuilder"/>.
/// </summary>
public sealed class DissectorPack
{
    private readonly ProtocolDescriptor[] _protocols;

    /// <summary>Creates a pack.</summary>
    /// <param name="name">The pack's name (usually its assembly's).</param>
    /// <param name="protocols">Its protocols.</param>
    public DissectorPack(string name, ProtocolDescriptor[] protocols)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        Name = name;
        _protocols = protocols;
    }

    /// <summary>The pack's name.</summary>
    public string Name { get; }

    /// <summary>Its protocols.</summary>
    public IReadOnlyList<ProtocolDescriptor> Protocols => _protocols;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Marks an assembly as a dissector pack and names the class whose <c>Pack</c> property returns it, for loading by path.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class DissectorPackAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="packType">The generated class with a static <c>Pack</c> property.</param>
    public DissectorPackAttribute(Type packType) => PackType = packType;

    /// <summary>The generated class with a static <c>Pack</c> property.</summary>
    public Type PackType { get; }
}
