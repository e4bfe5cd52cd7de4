using System;
using PcapKit.Capture;
using Xunit;

namespace PcapKit.Tests;

/// <summary>
/// A timestamp in nanoseconds for comparing times (<see cref="CaptureTimestamp.SaturatedNanoseconds"/>, read once per
/// record by the pipelines): the same instant as its seconds and nanoseconds, in every resolution a capture may declare,
/// saturated for a corrupt one; in units of its own resolution (<see cref="CaptureTimestamp.ToUnits"/>); split into
/// seconds and a fraction (<see cref="CaptureTimestamp.Split"/>, per record written to a flow file).
/// </summary>
public sealed class CaptureTimestampTests
{
    public static TheoryData<string> Resolutions() => ["u", "n", "d0", "d3", "d7", "d12", "d19", "b0", "b10", "b30", "b63"];

    [Fact]
    public void ATimestampWithoutAResolution_ReadsAsTheEpoch_AndComparesAsIt()
    {
        // default(CaptureTimestamp): a record without a timestamp (no resolution, its units per second 0).
        foreach (var t in new[] { default, new CaptureTimestamp(12_345, default) })
        {
            Assert.Equal(t.Units == 0 ? 0 : 12_345, t.Seconds);
            Assert.Equal(0UL, t.FractionUnits);
            Assert.Equal(0U, t.Nanoseconds);
            Assert.Equal((t.Seconds, 0UL), t.Split(1_000_000UL));
        }

        // The epoch is equal to the epoch in any resolution, and earlier than half a second after it (the fraction was
        // compared in the raw units per second, 0, which made the two equal with different hashes).
        var epoch = default(CaptureTimestamp);
        var half = new CaptureTimestamp(500_000, TimestampResolution.Microseconds);
        Assert.True(epoch.CompareTo(half) < 0);
        Assert.True(half.CompareTo(epoch) > 0);
        Assert.NotEqual(epoch, half);
        Assert.Equal(epoch, new CaptureTimestamp(0, TimestampResolution.Nanoseconds));
        Assert.Equal(epoch.GetHashCode(), new CaptureTimestamp(0, TimestampResolution.Nanoseconds).GetHashCode());
    }

    [Fact]
    public void SecondsBeyondLongsRange_Saturate_AndDoNotFitPcap()
    {
        // One unit per second (pcapng if_tsresol 10^0): whole seconds that an offset, or the units alone, take past 2^63 - 1.
        var one = TimestampResolution.Decimal(0);
        foreach (var (units, offset) in new[] { ((ulong)long.MaxValue, 3_600L), ((ulong)long.MaxValue - 3_599, 3_600L), ((ulong)long.MaxValue + 1, 0L), (ulong.MaxValue, -3_600L), (5UL, long.MaxValue) })
        {
            var t = new CaptureTimestamp(units, one, offset);
            Assert.Equal(long.MaxValue, t.Seconds);
            Assert.False(Flows.FlowCaptureFormat.FitsPcap(t));
            Assert.False(Flows.FlowCaptureFormat.FitsPcap(t.SaturatedNanoseconds));
        }

        // In order across the saturation point: 2^62 - 1 ns is about 4,611,686,018.43 s.
        var ns = TimestampResolution.Nanoseconds;
        Assert.Equal(4_611_686_018_000_000_000L, new CaptureTimestamp(4_611_686_018_000_000_000UL, ns).SaturatedNanoseconds);
        Assert.Equal(long.MaxValue / 2, new CaptureTimestamp(4_611_686_019_000_000_000UL, ns).SaturatedNanoseconds);
        Assert.Equal(long.MaxValue / 2, new CaptureTimestamp(8_000_000_000_000_000_000UL, ns).SaturatedNanoseconds);
        Assert.Equal(long.MinValue / 2, new CaptureTimestamp(0, ns, -5_000_000_000L).SaturatedNanoseconds);

        // Just inside: exact.
        Assert.Equal(long.MaxValue - 1, new CaptureTimestamp((ulong)long.MaxValue - 3_601, one, 3_600).Seconds);
        Assert.Equal(long.MinValue, new CaptureTimestamp(0, one, long.MinValue).Seconds);
        Assert.Equal(long.MinValue, new CaptureTimestamp(1, TimestampResolution.Nanoseconds, long.MinValue).Seconds);
    }

    [Theory]
    [MemberData(nameof(Resolutions))]
    public void SaturatedNanoseconds_IsItsSecondsAndNanoseconds_OrSaturated(string name)
    {
        var resolution = name switch
        {
            "u" => TimestampResolution.Microseconds,
            "n" => TimestampResolution.Nanoseconds,
            _ when name[0] == 'd' => TimestampResolution.Decimal(byte.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture)),
            _ => TimestampResolution.Binary(byte.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture)),
        };
        var random = new Random((name.Length * 7919) + name[0] + name[^1]); // a fixed seed per resolution
        var perSecond = resolution.UnitsPerSecond;
        // With pcap's last second (2^32 - 1) and the one after it.
        ulong[] edges = unchecked([0, 1, perSecond - 1, perSecond, perSecond + 1, 1_733_000_000UL * perSecond, ulong.MaxValue, ulong.MaxValue - perSecond, 9_000_000_000UL * perSecond, 9_000_000_001UL * perSecond, (4_294_967_295UL * perSecond) + perSecond - 1, 4_294_967_296UL * perSecond, (ulong)long.MaxValue, (ulong)long.MaxValue + 1, (ulong)long.MaxValue - 3_599]);
        for (var i = 0; i < 20_000; i++)
        {
            var units = i < edges.Length ? edges[i] : (ulong)random.NextInt64() * (ulong)random.Next(1, 4);
            long[] offsets = [0, 3_600, -86_400, 9_000_000_000L, -9_000_000_001L];
            foreach (var offset in offsets)
            {
                var t = new CaptureTimestamp(units, resolution, offset);
                // Its seconds and fraction computed here, by a plain division (the type divides by constants for
                // microseconds and nanoseconds).
                // Saturated beyond long's range (whole seconds past 2^63 at one unit per second, or with the offset).
                var exactSeconds = (Int128)(units / perSecond) + offset;
                Assert.Equal((long)Int128.Clamp(exactSeconds, long.MinValue, long.MaxValue), t.Seconds);
                Assert.Equal(units % perSecond, t.FractionUnits);
                // The fraction in nanoseconds computed here, not through Nanoseconds (which shares CaptureTimestamp.Scale).
                var nanoseconds = (long)((UInt128)t.FractionUnits * 1_000_000_000UL / perSecond);
                Assert.Equal((uint)nanoseconds, t.Nanoseconds);
                // Exact, saturated at ±(2^62 - 1) ns (computed here in 128 bits).
                var expected = (long)Int128.Clamp((exactSeconds * 1_000_000_000) + nanoseconds, long.MinValue / 2, long.MaxValue / 2);
                Assert.True(expected == t.SaturatedNanoseconds, $"{units} units of {name}, offset {offset}: {t.SaturatedNanoseconds}, expected {expected}");

                // Counted from its own offset in its own resolution (a pcapng copy of the record): the stored count, also where
                // the seconds saturate; from the epoch, the offset added (modulo 2^64, as a block's field).
                Assert.Equal(units, t.UnitsSince(offset, resolution));
                Assert.Equal(unchecked(units + ((ulong)offset * perSecond)), t.ToUnits(resolution));

                // In microseconds, computed here too, from the exact seconds.
                var microseconds = (ulong)((UInt128)t.FractionUnits * 1_000_000UL / perSecond);
                Assert.Equal(unchecked((ulong)(exactSeconds * 1_000_000) + microseconds), t.ToUnits(TimestampResolution.Microseconds));

                // The seconds and the fraction as a flow file's record header takes them (one division).
                Assert.Equal((t.Seconds, microseconds), t.Split(1_000_000UL));
                Assert.Equal((t.Seconds, (ulong)nanoseconds), t.Split(1_000_000_000UL));
                Assert.Equal((t.Seconds, t.FractionUnits), t.Split(perSecond));

                // Whether pcap's 32-bit seconds hold it, from the seconds or from the saturated nanoseconds (computed here
                // from the units, without the type's 64-bit seconds).
                var fits = exactSeconds >= 0 && exactSeconds <= uint.MaxValue;
                Assert.True(fits == Flows.FlowCaptureFormat.FitsPcap(t.SaturatedNanoseconds), $"{units} units of {name}, offset {offset}: fits pcap {fits}");
                Assert.Equal(fits, Flows.FlowCaptureFormat.FitsPcap(t));

                // Ordered by the exact time, also beyond long's range where the seconds saturate.
                var later = new CaptureTimestamp(unchecked(units + 1), resolution, offset);
                Assert.Equal(units == ulong.MaxValue ? 1 : -1, Math.Sign(t.CompareTo(later)));
            }
        }
    }
}
