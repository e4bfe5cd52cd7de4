using System.Collections.Generic;
using System.Threading;

namespace PcapKit.Threading;

/// <summary>
/// Items handed from one thread to others, at most <c>limit</c> waiting. A thread that must wait — to add to a full
/// queue, or to take from an empty one — blocks on the monitor at once instead of spinning first: the pipelines
/// that use it hand over every few dozen microseconds, and the spinning of <c>BlockingCollection</c> and of
/// channels waited on synchronously kept a waiting thread busy all the time (half the user time of a run).
/// </summary>
/// <typeparam name="T">The items.</typeparam>
internal sealed class HandOffQueue<T>(int limit)
{
    private readonly object _gate = new();
    private Queue<T> _queued = new();
    private bool _completed;
    private int _waiting;

    /// <summary>Queues an item, waiting while the queue is full; false once the queue was completed.</summary>
    /// <param name="item">The item.</param>
    /// <returns>Whether it was queued.</returns>
    public bool Add(T item)
    {
        lock (_gate)
        {
            while (_queued.Count >= limit && !_completed)
            {
                Wait();
            }

            if (_completed)
            {
                return false;
            }

            _queued.Enqueue(item);
            WakeWaiters();
            return true;
        }
    }

    /// <summary>Takes an item if one is queued, without waiting.</summary>
    /// <param name="item">The item.</param>
    /// <returns>Whether there was one.</returns>
    public bool TryTake(out T item)
    {
        lock (_gate)
        {
            if (_queued.TryDequeue(out item!))
            {
                WakeWaiters();
                return true;
            }

            return false;
        }
    }

    /// <summary>Takes an item, waiting for one; false once the queue is completed and empty.</summary>
    /// <param name="item">The item.</param>
    /// <returns>Whether there was one.</returns>
    public bool Take(out T item)
    {
        lock (_gate)
        {
            while (_queued.Count == 0 && !_completed)
            {
                Wait();
            }

            if (_queued.TryDequeue(out item!))
            {
                WakeWaiters();
                return true;
            }

            return false;
        }
    }

    /// <summary>Swaps every queued item into <paramref name="taken"/> (which must be empty), waiting for one; false once completed and empty.</summary>
    /// <param name="taken">Receives the items; the empty queue it held becomes the queue's.</param>
    /// <returns>Whether there were any.</returns>
    public bool TakeAll(ref Queue<T> taken)
    {
        lock (_gate)
        {
            while (_queued.Count == 0 && !_completed)
            {
                Wait();
            }

            if (_queued.Count == 0)
            {
                return false;
            }

            (taken, _queued) = (_queued, taken);
            WakeWaiters();
            return true;
        }
    }

    /// <summary>No more items: takers finish what is queued, then get false; a waiting adder gives up.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Wait()
    {
        _waiting++;
        try
        {
            Monitor.Wait(_gate);
        }
        finally
        {
            _waiting--;
        }
    }

    private void WakeWaiters()
    {
        if (_waiting > 0)
        {
            Monitor.PulseAll(_gate);
        }
    }
}
