using System;
using PcapKit.Buffers;
using PcapKit.Dissection;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>
/// A checksum that is not at a constant offset — after a variant, or present only when a field says so: the record
/// writer fills it in where it wrote it (its generated code used a constant offset there and did not compile), and the
/// view verifies it.
/// </summary>
public sealed class ChecksumPlacementTests
{
    private const string Header = "protocol: demo\nendian: big\nlayer: application\n";

    private const string AfterVariant =
        "fields:\n  - { id: kind, type: u16 }\n  - id: body\n    switch: kind\n    cases: { a: { when: [7], fields: [{ id: x, type: u16 }] } }\n    default: { fields: [{ id: y, type: u32 }] }\n" +
        "  - { id: checksum, type: u16, checksum: { algo: inet16, covers: header+payload } }\n  - { id: payload, region: rest }\n";

    private const string Conditional =
        "fields:\n  - { id: flags, type: u16 }\n  - { id: checksum, type: u16, checksum: { algo: inet16, covers: header+payload }, when: { field: flags, eq: 1 } }\n  - { id: payload, region: rest }\n";

    [Theory]
    [InlineData(AfterVariant, "0007" + "0001" + "542a" + "abcd", 4)]
    [InlineData(Conditional, "0001" + "5431" + "abcd", 2)]
    public void TheGeneratedWriterFillsInTheChecksumWhereItIs_AndTheViewVerifiesIt(string fields, string hex, int at)
    {
        var descriptor = GeneratorHarness.LoadProtocol("demo.pcapkit.yaml", Header + fields, "Demo.Demo");
        var packet = Convert.FromHexString(hex);
        Assert.Equal(ChecksumStatus.Good, Verify(descriptor, packet));

        // A record whose checksum is zero is written with the checksum computed, at its place.
        var zeroed = (byte[])packet.Clone();
        zeroed[at] = zeroed[at + 1] = 0;
        Assert.Equal(hex, Write(descriptor, zeroed, WriteFlags.PreserveLengths));
        Assert.Equal(Convert.ToHexStringLower(zeroed), Write(descriptor, zeroed, WriteFlags.Preserve));
        packet[^1] ^= 0x01;
        Assert.Equal(ChecksumStatus.Bad, Verify(descriptor, packet));
    }

    [Fact]
    public void AnAbsentConditionalChecksum_IsNotPresent_NotACrash()
    {
        var descriptor = GeneratorHarness.LoadProtocol("demo.pcapkit.yaml", Header + Conditional, "Demo.Demo");
        var context = new DissectionContext { Flags = DissectionFlags.VerifyChecksums };
        descriptor.Dissect(Convert.FromHexString("0000" + "abcd"), ref context, out var result);
        Assert.True(result.Parse.IsOk);
        Assert.True(result.ChecksumVerified);
        Assert.Equal(ChecksumStatus.NotPresent, result.Checksum);

        // Nothing to fill in: the writer writes the bytes as they are.
        Assert.Equal("0000abcd", Write(descriptor, Convert.FromHexString("0000abcd"), WriteFlags.PreserveLengths));
    }

    private static string Write(ProtocolDescriptor descriptor, byte[] packet, WriteFlags flags)
    {
        var written = new byte[packet.Length + 8];
        Assert.Equal(System.Buffers.OperationStatus.Done, descriptor.WriteRecord(descriptor.CreateRecord(packet)!, written, flags, out var count));
        return Convert.ToHexStringLower(written.AsSpan(0, count));
    }

    private static ChecksumStatus Verify(ProtocolDescriptor descriptor, byte[] packet)
    {
        var context = new DissectionContext { Flags = DissectionFlags.VerifyChecksums };
        descriptor.Dissect(packet, ref context, out var result);
        Assert.True(result.Parse.IsOk, result.Parse.ToString());
        Assert.True(result.ChecksumVerified);
        return result.Checksum;
    }
}
