using System.Runtime.CompilerServices;
using PcapKit.Annotations;
using PcapKit.Net;

namespace PcapKit.Dissection;

/// <summary>
/// The values of a unit's fields that have a <see cref="FieldRole"/>, read by one call
/// (<see cref="ProtocolDescriptor.ReadRoles"/>) instead of one <see cref="ProtocolDescriptor.TryGetRoleValue"/> per role:
/// flow tracking reads most roles of every layer of every packet. Holds what the last reads set since
/// <see cref="Clear"/>; a role is present when its protocol has it and it was captured.
/// </summary>
/// <remarks>
/// Mutable and passed by reference: a per-packet loop clears one instance per layer instead of making (and zeroing) a new
/// one. Values of roles not present are undefined until set.
/// </remarks>
public struct RoleValues
{
    private const int Capacity = 16;
    private ulong _present;
    private Values _values;
    private Ipv6Address _source;
    private Ipv6Address _destination;
    private byte _version;

    /// <summary>The roles with a value (every role but <see cref="FieldRole.None"/> and the addresses).</summary>
    internal static readonly FieldRole[] ValuedRoles = System.Array.FindAll(
        System.Enum.GetValues<FieldRole>(), r => r is not (FieldRole.None or FieldRole.SourceAddress or FieldRole.DestinationAddress));

    /// <summary>Forgets every value: no role is present.</summary>
    public void Clear() => _present = 0;

    /// <summary>Whether the role's value was set.</summary>
    /// <param name="role">The role (<see cref="FieldRole.SourceAddress"/> and <see cref="FieldRole.DestinationAddress"/> are set together).</param>
    /// <returns>Whether it is present.</returns>
    public readonly bool Has(FieldRole role) => (uint)role < Capacity && (_present & (1UL << (int)role)) != 0;

    /// <summary>The value of a role other than the addresses, when present.</summary>
    /// <param name="role">The role.</param>
    /// <param name="value">Its value (the field's raw value, as <see cref="ProtocolDescriptor.TryGetRoleValue"/> reads it), or 0.</param>
    /// <returns>Whether it is present.</returns>
    public readonly bool TryGet(FieldRole role, out ulong value)
    {
        if (Has(role))
        {
            value = _values[(int)role];
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>The addresses, when present (as <see cref="ProtocolDescriptor.TryGetAddresses"/> reads them).</summary>
    /// <param name="version">4 or 6.</param>
    /// <param name="source">The source address (IPv4 as IPv4-mapped IPv6).</param>
    /// <param name="destination">The destination address.</param>
    /// <returns>Whether they are present.</returns>
    public readonly bool TryGetAddresses(out byte version, out Ipv6Address source, out Ipv6Address destination)
    {
        if (Has(FieldRole.SourceAddress))
        {
            version = _version;
            source = _source;
            destination = _destination;
            return true;
        }

        version = 0;
        source = default;
        destination = default;
        return false;
    }

    /// <summary>Sets a role's value (a descriptor's <see cref="ProtocolDescriptor.ReadRoles"/> does).</summary>
    /// <param name="role">A role other than <see cref="FieldRole.None"/> and the addresses (<see cref="SetAddresses"/> sets those).</param>
    /// <param name="value">The field's raw value.</param>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="role"/> is not a role with a value.</exception>
    public void Set(FieldRole role, ulong value)
    {
        // Generated code passes constants: the check folds away.
        if ((uint)role >= Capacity || role is FieldRole.None or FieldRole.SourceAddress or FieldRole.DestinationAddress)
        {
            ThrowNotAValuedRole(role);
        }

        _values[(int)role] = value;
        _present |= 1UL << (int)role;
    }

    /// <summary>Sets the addresses (<see cref="FieldRole.SourceAddress"/> and <see cref="FieldRole.DestinationAddress"/>).</summary>
    /// <param name="version">4 or 6.</param>
    /// <param name="source">The source address (IPv4 as IPv4-mapped IPv6).</param>
    /// <param name="destination">The destination address.</param>
    public void SetAddresses(byte version, Ipv6Address source, Ipv6Address destination)
    {
        _version = version;
        _source = source;
        _destination = destination;
        _present |= (1UL << (int)FieldRole.SourceAddress) | (1UL << (int)FieldRole.DestinationAddress);
    }

    private static void ThrowNotAValuedRole(FieldRole role) =>
        throw new System.ArgumentOutOfRangeException(nameof(role), role, "Not a role with a value: the addresses are set by SetAddresses.");

    [InlineArray(Capacity)]
    private struct Values
    {
        private ulong _first;
    }
}
