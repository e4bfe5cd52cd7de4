using System;
using System.Collections.Generic;
using System.IO;
using PcapKit.Annotations;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Net;
using PcapKit.TestSupport;
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
        foreach (var role in Enum.GetValues<FieldRole>())
        {
            if (role is FieldRole.None or FieldRole.SourceAddress or FieldRole.DestinationAddress)
            {
                continue;
            }

            Assert.True(roles.TryGet(role, out var value), role.ToString());
            Assert.Equal(100UL + (ulong)role, value);
        }

        Assert.False(roles.Has(FieldRole.None));
    }

    [Fact]
    public void Clear_ForgetsEveryRole()
    {
        var roles = default(RoleValues);
        roles.Set(FieldRole.SourcePort, 80);
        roles.SetAddresses(4, FiveTuple.MapIpv4(new Ipv4Address(0x0A000001)), FiveTuple.MapIpv4(new Ipv4Address(0x0A000002)));
        Assert.True(roles.TryGet(FieldRole.SourcePort, out var port) && port == 80);
        Assert.True(roles.Has(FieldRole.DestinationAddress));
        roles.Clear();
        Assert.False(roles.TryGet(FieldRole.SourcePort, out port));
        Assert.Equal(0UL, port);
        Assert.False(roles.TryGetAddresses(out _, out _, out _));
        Assert.False(roles.Has(FieldRole.SourceAddress));
    }

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
        foreach (var role in Enum.GetValues<FieldRole>())
        {
            if (role is FieldRole.None or FieldRole.SourceAddress or FieldRole.DestinationAddress)
            {
                continue;
            }

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
            value = 100UL + (ulong)role;
            return role != FieldRole.None;
        }

        public override void Dissect(ReadOnlySpan<byte> data, ref DissectionContext context, out LayerResult result) => throw new NotSupportedException();

        public override void Accept(ReadOnlySpan<byte> data, int reportedLength, IFieldVisitor visitor) => throw new NotSupportedException();

        public override object? CreateRecord(ReadOnlySpan<byte> data) => null;

        public override System.Buffers.OperationStatus WriteRecord(object record, Span<byte> destination, Buffers.WriteFlags flags, out int written) =>
            throw new NotSupportedException();
    }
}
