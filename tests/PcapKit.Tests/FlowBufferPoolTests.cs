using System;
using PcapKit.Flows;
using Xunit;

namespace PcapKit.Tests;

/// <summary>The flows' buffer pool: power-of-two lengths, reuse up to a count per length, and only arrays of its lengths back.</summary>
public sealed class FlowBufferPoolTests
{
    [Theory]
    [InlineData(0, 256)]
    [InlineData(1, 256)]
    [InlineData(256, 256)]
    [InlineData(257, 512)]
    [InlineData(4096, 4096)]
    [InlineData(4097, 8192)]
    [InlineData(65_536, 65_536)]
    public void ABufferIsTheShortestPowerOfTwoFrom256ThatHoldsTheRequest(int length, int expected)
    {
        var pool = new FlowBufferPool(65_536, 4);
        Assert.Equal(expected, pool.Rent(length).Length);
    }

    [Fact]
    public void TheLargestLengthIsRoundedUp_AndALongerRequestRefused()
    {
        var pool = new FlowBufferPool(40_000, 4);
        Assert.Equal(65_536, pool.Largest);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(65_537));
    }

    [Fact]
    public void AReturnedBufferIsRentedAgain_UpToTheCountKeptPerLength()
    {
        var pool = new FlowBufferPool(4096, maxPerLength: 2);
        var first = pool.Rent(1000);
        var second = pool.Rent(1000);
        var third = pool.Rent(1000);
        pool.Return(first);
        pool.Return(second);
        pool.Return(third); // a third of that length is let go

        var again = new[] { pool.Rent(1000), pool.Rent(1000), pool.Rent(1000) };
        // By reference: xunit compares arrays element by element.
        Assert.Contains(again, b => ReferenceEquals(b, first));
        Assert.Contains(again, b => ReferenceEquals(b, second));
        Assert.DoesNotContain(again, b => ReferenceEquals(b, third));
        // Another length's buffers are not handed out for this one.
        pool.Return(pool.Rent(4096));
        Assert.Equal(1024, pool.Rent(1000).Length);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(128)]
    [InlineData(8192)]
    public void ABufferNotOfThePoolIsRefused(int length)
    {
        var pool = new FlowBufferPool(4096, 4);
        Assert.Throws<ArgumentException>(() => pool.Return(new byte[length]));
    }
}
