using System;
using PcapKit.Annotations;
using PcapKit.Dissection;
using PcapKit.Flows;
using PcapKit.Net;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// A descriptor's <see cref="ProtocolDescriptor.ReadRoles"/> (every role in one call, generated) reads what
/// <see cref="ProtocolDescriptor.TryGetAddresses"/> and <see cref="ProtocolDescriptor.TryGetRoleValue"/> read role by
/// role, for every protocol of the standard pack, on bytes of every length: random ones, and every layer of the corpus.
/// </summary>
public sealed class RoleValuesTests
{
    [Fact]
    public void EveryProtocol_ReadsTheSameRolesAtOnceAsOneByOne_OnRandomBytesOfEveryLength()
    {
        var random = new Random(20261205);
        var buffer = new byte[96];
        var checkedRoles = 0;
        foreach (var protocol in Packs.Registry.Protocols)
        {
            for (var length = 0; length <= buffer.Length; length++)
            {
                for (var trial = 0; trial < 4; trial++)
                {
                    random.NextBytes(buffer);
                    checkedRoles += Check(protocol, buffer.AsSpan(0, length));
                }
            }
        }

        // The pack's IP and transport protocols have roles: they were read, not only found absent.
        Assert.True(checkedRoles > 5_000, $"{checkedRoles} role values compared");
    }

    [SkippableFact]
    public void EveryLayerOfTheCorpus_ReadsTheSameRolesAtOnceAsOneByOne()
    {
        var stack = new LayerStack();
        var layers = 0;
        foreach (var capture in CorpusFrames.Captures())
        {
            foreach (var frame in CorpusFrames.Read(capture, out _))
            {
                Packs.Dissector.Dissect(frame.Data, frame.LinkType, stack);
                var view = new Frame(frame.Data, stack, Packs.Registry);
                for (var i = 0; i < view.LayerCount; i++)
                {
                    Check(view.ProtocolAt(i), view.LayerBytes(i));
                    layers++;
                }
            }
        }

        Assert.True(layers > 20_000, $"{layers} layers");
    }

    [Fact]
    public void EveryGeneratedDescriptor_ReadsItsRolesItself()
    {
        // The base method asks for each role in turn (a dozen virtual calls per layer): generated descriptors override it,
        // also when they have no roles.
        foreach (var protocol in Packs.Registry.Protocols)
        {
            var method = protocol.GetType().GetMethod(nameof(ProtocolDescriptor.ReadRoles))!;
            Assert.True(method.DeclaringType != typeof(ProtocolDescriptor), $"{protocol.Name} reads its roles through the base method");
        }
    }

    [Fact]
    public void TheBaseMethod_AsksForEachRole()
    {
        var roles = default(RoleValues);
        new HandWritten().ReadRoles(new byte[4], ref roles);
        Assert.True(roles.TryGetAddresses(out var version, out var source, out var destination));
        Assert.Equal((6, HandWritten.Source, HandWritten.Destination), (version, source, destination));
        foreach (var role in ValuedRoles())
        {
            Assert.True(roles.TryGet(role, out var value), role.ToString());
            Assert.Equal(100UL + (ulong)role, value);
        }

        Assert.False(roles.Has(FieldRole.None));
    }

    [Fact]
    public void Clear_ForgetsEveryRole()
    {
        var roles = default(RoleValues);
        roles.SetAddresses(4, FiveTuple.MapIpv4(new Ipv4Address(0x0A000001)), FiveTuple.MapIpv4(new Ipv4Address(0x0A000002)));
        foreach (var role in ValuedRoles())
        {
            roles.Set(role, 7);
            Assert.True(roles.TryGet(role, out var value) && value == 7, role.ToString());
        }

        Assert.True(roles.Has(FieldRole.DestinationAddress));
        roles.Clear();
        foreach (var role in Enum.GetValues<FieldRole>())
        {
            Assert.False(roles.Has(role), role.ToString());
            Assert.False(roles.TryGet(role, out var value));
            Assert.Equal(0UL, value);
        }

        Assert.False(roles.TryGetAddresses(out _, out _, out _));
    }

    [Fact]
    public void OnlyRolesWithAValue_AreSet_AndNoneBeyondTheEnumIsPresent()
    {
        var roles = default(RoleValues);
        Assert.Throws<ArgumentOutOfRangeException>(() => roles.Set(FieldRole.None, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => roles.Set(FieldRole.SourceAddress, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => roles.Set(FieldRole.DestinationAddress, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => roles.Set((FieldRole)64, 1));
        roles.Set(FieldRole.Protocol, 6);
        // 64 would alias role 0 in a 64-bit mask, 69 role 5.
        Assert.False(roles.Has((FieldRole)64));
        Assert.False(roles.Has((FieldRole)69));
        Assert.False(roles.TryGetAddresses(out _, out _, out _));
    }

    [Fact]
    public void AKnownFrame_ReadsItsRolesValues()
    {
        // ParseBenchmarks' frame (zeek__tcp_reassembly.pcap frame 2): 128.3.97.175:80 -> 63.193.213.194:2564, a SYN-ACK.
        var data = Convert.FromHexString(
            "00000c07ac00003048211b0a08004500003c346e000040064f18800361af3fc1d5c200500a04f2994e13cab84a4aa012402e5e500000020405b4010303000101080a0004553b00000000");
        var stack = new LayerStack();
        Packs.Dissector.Dissect(data, 1, stack);
        var frame = new Frame(data, stack, Packs.Registry);
        Assert.Equal(["ethernet", "ipv4", "tcp"], new[] { frame.ProtocolAt(0).Name, frame.ProtocolAt(1).Name, frame.ProtocolAt(2).Name });

        var roles = default(RoleValues);
        frame.ProtocolAt(0).ReadRoles(frame.LayerBytes(0), ref roles);
        Assert.False(roles.TryGetAddresses(out _, out _, out _));
        Assert.False(roles.Has(FieldRole.VlanId));

        frame.ProtocolAt(1).ReadRoles(frame.LayerBytes(1), ref roles);
        Assert.True(roles.TryGetAddresses(out var version, out var source, out var destination));
        Assert.Equal((4, FiveTuple.MapIpv4(new Ipv4Address(128, 3, 97, 175)), FiveTuple.MapIpv4(new Ipv4Address(63, 193, 213, 194))), (version, source, destination));
        Assert.Equal((6UL, 0x346EUL, 0UL, 0UL), (Value(roles, FieldRole.Protocol), Value(roles, FieldRole.FragmentId), Value(roles, FieldRole.FragmentOffset), Value(roles, FieldRole.MoreFragments)));
        Assert.False(roles.Has(FieldRole.SourcePort));

        roles.Clear();
        frame.ProtocolAt(2).ReadRoles(frame.LayerBytes(2), ref roles);
        Assert.False(roles.Has(FieldRole.SourceAddress));
        Assert.Equal((80UL, 2564UL, 0x012UL), (Value(roles, FieldRole.SourcePort), Value(roles, FieldRole.DestinationPort), Value(roles, FieldRole.TcpFlags)));
        Assert.Equal((0xF2994E13UL, 0xCAB84A4AUL), (Value(roles, FieldRole.SequenceNumber), Value(roles, FieldRole.AcknowledgmentNumber)));

        // What the flow splitter reads from it.
        Assert.True(FlowPacket.TryRead(frame, out var packet));
        Assert.Equal(new FiveTuple(4, source, destination, 6, 80, 2564), packet.Tuple);
        Assert.Equal((false, true, (ushort)0x012, 2, -1), (packet.IsFragment, packet.HasPorts, packet.TcpFlags, packet.TransportLayer, packet.VlanId));
    }

    private static ulong Value(in RoleValues roles, FieldRole role)
    {
        Assert.True(roles.TryGet(role, out var value), role + " not present");
        return value;
    }

    private static FieldRole[] ValuedRoles() => Array.FindAll(Enum.GetValues<FieldRole>(), r => r is not (FieldRole.None or FieldRole.SourceAddress or FieldRole.DestinationAddress));

    // Compares ReadRoles with the one-role methods on the bytes; returns how many values were present.
    private static int Check(ProtocolDescriptor protocol, ReadOnlySpan<byte> data)
    {
        var roles = default(RoleValues);
        // Values left from another layer must not show through: ReadRoles sets, Clear forgets.
        roles.Set(FieldRole.TcpFlags, 0xFFFF);
        roles.SetAddresses(6, new Ipv6Address(UInt128.MaxValue), default);
        roles.Clear();
        protocol.ReadRoles(data, ref roles);
        var present = 0;
        var has = protocol.TryGetAddresses(data, out var version, out var source, out var destination);
        Assert.Equal(has, roles.TryGetAddresses(out var v, out var s, out var d));
        Assert.Equal(has, roles.Has(FieldRole.SourceAddress));
        Assert.Equal(has, roles.Has(FieldRole.DestinationAddress));
        Assert.Equal((version, source, destination), (v, s, d));
        foreach (var role in ValuedRoles())
        {
            var expected = protocol.TryGetRoleValue(data, role, out var value);
            Assert.True(expected == roles.TryGet(role, out var actual), $"{protocol.Name}, {data.Length} bytes: {role} present {expected} one by one");
            Assert.True(value == actual, $"{protocol.Name}, {data.Length} bytes: {role} {actual}, one by one {value}");
            present += expected ? 1 : 0;
        }

        return present + (has ? 2 : 0);
    }

    // A descriptor written by hand, with every role: what the base ReadRoles collects.
    private sealed class HandWritten() : ProtocolDescriptor("handwritten", "Hand-written", null, "handwritten", "handwritten", LayerKind.Internet, [], [], [])
    {
        public static readonly Ipv6Address Source = new(1);
        public static readonly Ipv6Address Destination = new(2);

        public override bool TryGetAddresses(ReadOnlySpan<byte> data, out byte version, out Ipv6Address source, out Ipv6Address destination)
        {
            version = 6;
            source = Source;
            destination = Destination;
            return true;
        }

        public override bool TryGetRoleValue(ReadOnlySpan<byte> data, FieldRole role, out ulong value)
        {
            // Every role, None and the addresses too: the base method asks only for the roles with a value.
            value = 100UL + (ulong)role;
            return true;
        }

        public override void Dissect(ReadOnlySpan<byte> data, ref DissectionContext context, out LayerResult result) => throw new NotSupportedException();

        public override void Accept(ReadOnlySpan<byte> data, int reportedLength, IFieldVisitor visitor) => throw new NotSupportedException();

        public override object? CreateRecord(ReadOnlySpan<byte> data) => null;

        public override System.Buffers.OperationStatus WriteRecord(object record, Span<byte> destination, Buffers.WriteFlags flags, out int written) =>
            throw new NotSupportedException();
    }
}
