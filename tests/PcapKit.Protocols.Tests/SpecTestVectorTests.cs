using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using PcapKit.Buffers;
using PcapKit.Dissection;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>The test vectors written in the specs (YAML <c>tests:</c> and <c>[TestVector]</c>), run through the generated parser and writer.</summary>
public sealed class SpecTestVectorTests
{
    public static TheoryData<string, int> Vectors()
    {
        var data = new TheoryData<string, int>();
        foreach (var protocol in StandardProtocols.Pack.Protocols)
        {
            for (var i = 0; i < protocol.TestVectors.Count; i++)
            {
                data.Add(protocol.Name, i);
            }
        }

        return data;
    }

    [Fact]
    public void EveryProtocolOfThePack_HasAtLeastOneTestVector()
    {
        var missing = StandardProtocols.Pack.Protocols.Where(p => p.TestVectors.Count == 0).Select(p => p.Name).ToList();
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void TestVector_ParsesToTheExpectedValues_AndWritesBackTheSameBytes(string protocolName, int index)
    {
        var protocol = StandardProtocols.Pack.Protocols.Single(p => p.Name == protocolName);
        var vector = protocol.TestVectors[index];
        var bytes = Hex.Parse(vector.Hex);

        var fields = new FieldsByName();
        protocol.Accept(bytes, fields);
        foreach (var (name, expected) in vector.Expect)
        {
            Assert.True(fields.Matches(name, expected, out var actual), $"{protocolName} vector {index + 1}: {name} is {actual}, expected {expected}");
        }

        var record = protocol.CreateRecord(bytes);
        Assert.NotNull(record);
        var buffer = new byte[bytes.Length + 64];
        Assert.Equal(OperationStatus.Done, protocol.WriteRecord(record, buffer, WriteFlags.Preserve, out var written));
        Assert.Equal(Hex.Format(bytes), Hex.Format(buffer.AsSpan(0, written)));
    }
}
