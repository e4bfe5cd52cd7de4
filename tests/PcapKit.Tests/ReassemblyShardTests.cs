using System;
using System.Collections.Generic;
using PcapKit.Extraction;
using PcapKit.Net;
using Xunit;

namespace PcapKit.Tests;

/// <summary>
/// How sharded reassembly chooses a frame's shard (<see cref="ExtractionOptions.StateShards"/>): the same for
/// both directions; by the address pair alone when IP reassembly is on (a datagram's fragments must meet its segment);
/// by the ports too when it is off, so the connections between two hosts spread.
/// </summary>
public sealed class ReassemblyShardTests
{
    private static readonly Ipv6Address Loopback = new((UInt128)0xffff_7f00_0001);

    [Fact]
    public void BothDirections_GoToOneShard()
    {
        var random = new Random(3);
        for (var i = 0; i < 10_000; i++)
        {
            var a = new Ipv6Address(((UInt128)(ulong)random.NextInt64() << 64) | (ulong)random.NextInt64());
            var b = new Ipv6Address((UInt128)0xffff_0000_0000 | (uint)random.Next());
            var ports = random.Next(65536) ^ random.Next(65536);
            foreach (var shards in new[] { 2, 3, 7 })
            {
                var shard = Extractor.ShardOf(a, b, shards, ports);
                Assert.InRange(shard, 0, shards - 1);
                Assert.Equal(shard, Extractor.ShardOf(b, a, shards, ports));
            }
        }
    }

    [Fact]
    public void OnePairOfHosts_IsOneShard_ByAddresses_AndSpreads_ByPorts()
    {
        // A loopback capture: every connection is 127.0.0.1 to itself, client ports 20000 on, server port 80.
        var byPorts = new HashSet<int>();
        for (var port = 20_000; port < 20_200; port++)
        {
            Assert.Equal(Extractor.ShardOf(Loopback, Loopback, 4, 0), Extractor.ShardOf(Loopback, Loopback, 4, 0));
            byPorts.Add(Extractor.ShardOf(Loopback, Loopback, 4, port ^ 80));
        }

        Assert.Equal(4, byPorts.Count);
    }

    [Fact]
    public void ManyHostPairs_SpreadOverEveryShard_WithoutPorts()
    {
        var counts = new int[3];
        for (uint host = 1; host <= 3_000; host++)
        {
            counts[Extractor.ShardOf(new Ipv6Address((UInt128)0xffff_0a00_0000 | host), new Ipv6Address((UInt128)0xffff_0a01_0001), 3, 0)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 700, 1_300));
    }
}
