using System;
using System.Threading.Tasks;
using PcapKit.Dissection;
using Xunit;

namespace PcapKit.Tests;

/// <summary>
/// A layer keeps its strings as numbers (<see cref="LayerStrings"/>) so that it holds no reference: every string comes
/// back as it went in, the same string gets the same number from any thread, and a layer's parse result and chain
/// label read back whole.
/// </summary>
public sealed class LayerStringsTests
{
    [Fact]
    public void AStringGetsOneNumber_FromEveryThread_AndReadsBackAsItWas()
    {
        var texts = new string[500];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = "layer-strings-test " + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var ids = new int[4][];
        Parallel.For(0, ids.Length, t =>
        {
            ids[t] = new int[texts.Length];
            for (var i = 0; i < texts.Length; i++)
            {
                // Each thread in another order, so that they race to add the same strings.
                var k = t % 2 == 0 ? (i + (t * 131)) % texts.Length : texts.Length - 1 - i;
                ids[t][k] = LayerStrings.Id(texts[k]);
            }
        });

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(ids[0][i] > 1, "0 is null and 1 the overflow notice");
            Assert.Equal(ids[0][i], ids[1][i]);
            Assert.Equal(ids[0][i], ids[2][i]);
            Assert.Equal(ids[0][i], ids[3][i]);
            Assert.Equal(texts[i], LayerStrings.Text(ids[0][i]));
        }

        Assert.Equal(0, LayerStrings.Id(null));
        Assert.Null(LayerStrings.Text(0));
        Assert.Equal(LayerStrings.Overflow, LayerStrings.Text(1));
    }

    [Fact]
    public void ALayer_GivesBackItsParseResult_AndItsChainLabel()
    {
        var invalid = new LayerResult { Parse = ParseResult.Invalid("total_length", 2, "the length is smaller than the header"), Length = 20, NextTable = -1 };
        var layer = new Layer(3, 14, 20, 20, invalid, LayerStrings.Id("ethertype"), 0, 0x0800);
        Assert.Equal(ParseStatus.Invalid, layer.Parse.Status);
        Assert.Equal("total_length", layer.Parse.Field);
        Assert.Equal(2, layer.Parse.Offset);
        Assert.Equal("the length is smaller than the header", layer.Parse.Reason);
        Assert.Equal(invalid.Parse, layer.Parse);
        Assert.Equal("ethertype", layer.ChainLabel);

        var ok = new Layer(3, 14, 20, 20, new LayerResult { Length = 20, NextTable = -1 }, 0, 0, 0x0800);
        Assert.Equal(ParseResult.Ok, ok.Parse);
        Assert.True(ok.Parse.IsOk);
        Assert.Null(ok.ChainLabel);
        Assert.False(System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<Layer>());
    }
}
