using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using PcapKit.Threading;
using Xunit;

namespace PcapKit.Tests;

/// <summary>The queue between the extractor's reading thread and its workers, and between the flow splitter and its writer.</summary>
public sealed class HandOffQueueTests
{
    [Fact]
    public async Task Items_ComeOutInOrder_AcrossThreads_AndCompleteEndsTheTaker()
    {
        var queue = new HandOffQueue<int>(limit: 4);
        var taken = new List<int>();
        var taker = Task.Run(() =>
        {
            while (queue.Take(out var item))
            {
                taken.Add(item);
            }
        });
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(queue.Add(i));
        }

        queue.Complete();
        await taker.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(100_000, taken.Count);
        for (var i = 0; i < taken.Count; i++)
        {
            Assert.Equal(i, taken[i]);
        }
    }

    [Fact]
    public async Task AFullQueue_HoldsTheAdder_UntilAnItemIsTaken()
    {
        var queue = new HandOffQueue<int>(limit: 2);
        Assert.True(queue.Add(1));
        Assert.True(queue.Add(2));
        var adding = Task.Run(() => queue.Add(3));
        Assert.NotSame(adding, await Task.WhenAny(adding, Task.Delay(200)));
        Assert.True(queue.TryTake(out var first));
        Assert.Equal(1, first);
        Assert.True(await adding.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Complete_ReleasesAWaitingAdder_AndLaterAddsFail_ButQueuedItemsAreStillTaken()
    {
        var queue = new HandOffQueue<string>(limit: 1);
        Assert.True(queue.Add("a"));
        var adding = Task.Run(() => queue.Add("b"));
        await Task.Delay(50);
        queue.Complete();
        Assert.False(await adding.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(queue.Add("c"));
        Assert.True(queue.Take(out var item));
        Assert.Equal("a", item);
        Assert.False(queue.Take(out _));
        Assert.False(queue.TryTake(out _));
    }

    [Fact]
    public async Task TakeAll_SwapsEverythingQueued_AndWaitsWhenEmpty()
    {
        var queue = new HandOffQueue<int>(limit: 10);
        queue.Add(1);
        queue.Add(2);
        var taken = new Queue<int>();
        Assert.True(queue.TakeAll(ref taken));
        Assert.Equal([1, 2], taken);
        taken.Clear();
        var waiting = Task.Run(() =>
        {
            var local = new Queue<int>();
            return queue.TakeAll(ref local) ? local.Count : -1;
        });
        Assert.NotSame(waiting, await Task.WhenAny(waiting, Task.Delay(100)));
        queue.Add(3);
        Assert.Equal(1, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
