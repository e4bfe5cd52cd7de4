using System;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>
/// An option's value decoded by a hook (<c>decode:</c> on a TLV case's field, as MPTCP's subtypes are): the generator
/// declares the hook in the case's record and a descriptor per decoded field beside the case's own
/// (<c>PairLeftField</c>); the hook reports them inside the option, and the record still writes every byte back.
/// </summary>
public sealed class DecodedOptionTests
{
    private const string Yaml =
        "protocol: demo\nendian: big\ndisplay: demo\nlayer: application\nfields:\n  - { id: opts, tlv: opts, region: rest }\n" +
        "tlvs:\n  opts:\n    display: demo\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases:\n      pair:\n        kind: 1\n        fields:\n" +
        "          - { id: form, type: u8 }\n" +
        "          - id: body\n            type: bytes\n            region: rest\n            display: pair.body\n            decode:\n" +
        "              - { id: left, type: u16, display: pair.left }\n              - { id: right, type: u16, format: hex, display: pair.right }\n";

    private const string Hook = """
        namespace Demo;

        public abstract partial record Opts
        {
            public sealed partial record Pair
            {
                // Form 1 holds two numbers; any other form, or too few bytes, stays bytes.
                private static partial void DecodeBody<TVisitor>(View view, ref TVisitor visitor)
                    where TVisitor : global::PcapKit.Dissection.IFieldVisitor, allows ref struct
                {
                    var body = view.Body;
                    if (view.Form == 1 && body.Length == 4)
                    {
                        visitor.Value(PairLeftField, (ulong)((body[0] << 8) | body[1]));
                        visitor.Value(PairRightField, (ulong)((body[2] << 8) | body[3]));
                        return;
                    }

                    visitor.Bytes(PairBodyField, body);
                }
            }
        }
        """;

    private static readonly Lazy<PcapKit.Dissection.ProtocolDescriptor> Demo =
        new(() => GeneratorHarness.Load([("demo.pcapkit.yaml", Yaml)], [("Hook.cs", Hook)])("Demo.Demo"));

    [Theory]
    [InlineData("0107" + "01" + "0010" + "abcd", "\"form\":1,\"left\":16,\"right\":43981")]
    [InlineData("0106" + "02" + "0010" + "ab", "\"form\":2,\"body\":\"0010ab\"")]
    [InlineData("0107" + "01" + "0010" + "abcd" + "0103" + "01", "\"left\":16,\"right\":43981}")]
    public void TheHooksFields_AreTheOptions_AndEveryByteIsWrittenBack(string hex, string fields)
    {
        var bytes = Convert.FromHexString(hex);
        var json = EquivalenceTests.Json(Demo.Value, bytes);
        Assert.Contains(fields, json, StringComparison.Ordinal);
        var record = Demo.Value.CreateRecord(bytes)!;
        var written = new byte[bytes.Length + 8];
        Assert.Equal(System.Buffers.OperationStatus.Done, Demo.Value.WriteRecord(record, written, PcapKit.Buffers.WriteFlags.Preserve, out var count));
        Assert.Equal(hex, Convert.ToHexStringLower(written.AsSpan(0, count)));
    }

    [Fact]
    public void TheDecodedFields_AreDescribedUnderTheOptionsField_ForFieldExport()
    {
        var names = new System.Collections.Generic.List<string?>();
        void Walk(System.Collections.Generic.IEnumerable<PcapKit.Dissection.FieldDescriptor> fields)
        {
            foreach (var f in fields)
            {
                names.Add(f.DisplayName);
                Walk(f.Children);
            }
        }

        Walk(Demo.Value.Fields);
        Assert.Contains("demo.pair.left", names);
        Assert.Contains("demo.pair.right", names);
        Assert.Contains("demo.pair.body", names);
    }
}
