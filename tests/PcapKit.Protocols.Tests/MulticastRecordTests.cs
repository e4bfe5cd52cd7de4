using System;
using System.Buffers;
using System.Collections.Generic;
using PcapKit.Buffers;
using PcapKit.Net;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// MLDv2 and IGMPv3 reports and queries: repeated items whose size comes from their own fields (a source count and an
/// auxiliary data length), read in place, copied into records, written back byte for byte, and never read past a cut.
/// </summary>
public sealed class MulticastRecordTests
{
    // ICMPv6 MLDv2 report (RFC 3810 §5.2) with two records: change-to-exclude ff02::fb without sources, and
    // mode-is-include ff05::1:3 with two sources and one word of auxiliary data.
    private const string MldReport =
        "8f000000" + "00000002" +
        "04000000" + "ff0200000000000000000000000000fb" +
        "01010002" + "ff050000000000000000000000010003" + "20010db8000000000000000000000001" + "20010db8000000000000000000000002" + "deadbeef";

    // IGMPv3 report (RFC 3376 §4.2) with one allow-new-sources record for 239.1.2.3 from two sources.
    private const string IgmpReport = "22000000" + "00000001" + "05000002" + "ef010203" + "c0000209" + "c000020a";

    // IGMPv3 query (RFC 3376 §4.1): max response 100, group 239.1.2.3, S set, QRV 2, QQIC 125, two sources.
    private const string IgmpQuery = "11640000" + "ef010203" + "0a7d0002" + "c0000209" + "c000020a";

    [Fact]
    public void MldV2Report_RecordsAreMeasuredByTheirOwnCounts()
    {
        var bytes = Hex.Parse(MldReport);
        Assert.True(Icmpv6.TryParse(bytes, out var icmp).IsOk);
        Assert.True(icmp.Message.TryGetMulticastListenerReportV2(out var report));
        Assert.Equal(2, report.RecordCount);
        Assert.Equal(2, report.Records.Count);
        Assert.True(report.Records.Trailing.IsEmpty);

        var records = new List<(MulticastRecordType, Ipv6Address, int, string)>();
        var sources = new List<Ipv6Address>();
        foreach (var record in report.Records)
        {
            records.Add((record.RecordType, record.MulticastAddress, record.SourceCount, Convert.ToHexStringLower(record.AuxiliaryData)));
            foreach (var source in record.Sources)
            {
                sources.Add(source.Address);
            }
        }

        Assert.Equal(
            [(MulticastRecordType.ChangeToExcludeMode, Ipv6Address.Parse("ff02::fb"), 0, ""), (MulticastRecordType.ModeIsInclude, Ipv6Address.Parse("ff05::1:3"), 2, "deadbeef")],
            records);
        Assert.Equal([Ipv6Address.Parse("2001:db8::1"), Ipv6Address.Parse("2001:db8::2")], sources);
    }

    [Fact]
    public void MldV2Report_CopiedIntoARecord_WritesTheSameBytes_AndEqualsACopy()
    {
        var bytes = Hex.Parse(MldReport);
        Assert.True(Icmpv6.TryParse(bytes, out var view).IsOk);
        var record = view.ToRecord();
        Assert.Equal(bytes.Length, record.GetSize());
        var written = new byte[bytes.Length];
        Assert.Equal(OperationStatus.Done, record.TryWrite(written, default, WriteFlags.Preserve, out var count));
        Assert.Equal(MldReport, Convert.ToHexStringLower(written.AsSpan(0, count)));

        Assert.True(Icmpv6.TryParse(written, out var again).IsOk);
        Assert.Equal(record, again.ToRecord());
        var report = (Icmpv6Message.MulticastListenerReportV2)record.Message!;
        var changed = report with { Records = [report.Records[0], report.Records[1] with { AuxiliaryData = new byte[] { 0xde, 0xad, 0xbe, 0xee } }] };
        Assert.NotEqual(report, changed);
        Assert.NotEqual(report.GetHashCode(), changed.GetHashCode());
    }

    [Fact]
    public void MldV2Report_CutAnywhere_KeepsTheWholeRecordsBeforeTheCut()
    {
        var bytes = Hex.Parse(MldReport);
        var compared = 0;
        for (var length = 0; length <= bytes.Length; length++)
        {
            var cut = bytes.AsSpan(0, length);
            if (!Icmpv6.TryParse(cut, out var icmp).IsOk || !icmp.Message.TryGetMulticastListenerReportV2(out var report))
            {
                continue;
            }

            // The first record takes bytes 8..28; the second ends at the message's end.
            var expected = length >= bytes.Length ? 2 : length >= 28 ? 1 : 0;
            Assert.Equal(expected, report.Records.Count);
            Assert.Equal(length - 8 - (expected >= 1 ? 20 : 0) - (expected == 2 ? 56 : 0), report.Records.Trailing.Length);
            compared++;
        }

        // A cut message is still read as far as it goes: every length from the fixed part on.
        Assert.Equal(bytes.Length - 8 + 1, compared);
    }

    [Fact]
    public void MldV2Report_WithBytesAfterItsLastWholeRecord_KeepsThemAsTrailing_SoWritingItBackLosesNothing()
    {
        var hex = MldReport + "0102";
        var bytes = Hex.Parse(hex);
        Assert.True(Icmpv6.TryParse(bytes, out var view).IsOk);
        Assert.True(view.Message.TryGetMulticastListenerReportV2(out var report));
        Assert.Equal(2, report.Records.Count);
        Assert.Equal("0102", Convert.ToHexStringLower(report.Records.Trailing));
        var record = view.ToRecord();
        Assert.Equal(new byte[] { 1, 2 }, ((Icmpv6Message.MulticastListenerReportV2)record.Message!).RecordsTrailing.ToArray());
        var written = new byte[bytes.Length];
        Assert.Equal(OperationStatus.Done, record.TryWrite(written, default, WriteFlags.Preserve, out var count));
        Assert.Equal(hex, Convert.ToHexStringLower(written.AsSpan(0, count)));
    }

    [Fact]
    public void IgmpV3Report_GroupRecordWithSources_RoundTrips()
    {
        var bytes = Hex.Parse(IgmpReport);
        Assert.True(Igmp.TryParse(bytes, out var igmp).IsOk);
        Assert.True(igmp.Message.TryGetMembershipReportV3(out var report));
        var count = 0;
        foreach (var record in report.Records)
        {
            count++;
            Assert.Equal(MulticastRecordType.AllowNewSources, record.RecordType);
            Assert.Equal(Ipv4Address.Parse("239.1.2.3"), record.MulticastAddress);
            Assert.Equal(2, record.Sources.Count);
            Assert.Equal(Ipv4Address.Parse("192.0.2.10"), record.Sources[1].Address);
            Assert.True(record.AuxiliaryData.IsEmpty);
        }

        Assert.Equal(1, count);
        var written = new byte[bytes.Length];
        Assert.Equal(OperationStatus.Done, igmp.ToRecord().TryWrite(written, WriteFlags.Preserve, out var length));
        Assert.Equal(IgmpReport, Convert.ToHexStringLower(written.AsSpan(0, length)));
    }

    [Fact]
    public void IgmpV3Query_IsChosenByItsLength_AndAnEightByteQueryIsVersion2()
    {
        // RFC 3376 §7.1: a query of 12 bytes or more is version 3 (the case's min_length), one of 8 bytes version 1 or 2.
        var bytes = Hex.Parse(IgmpQuery);
        Assert.True(Igmp.TryParse(bytes, out var v3).IsOk);
        Assert.True(v3.Message.TryGetMembershipQueryV3(out var query));
        Assert.False(v3.Message.TryGetMembershipQuery(out _));
        Assert.True(query.SuppressRouterProcessing);
        Assert.Equal(2, query.RobustnessVariable);
        Assert.Equal(125, query.QueryIntervalCode);
        Assert.Equal(2, query.Sources.Count);
        Assert.Equal(Ipv4Address.Parse("192.0.2.9"), query.Sources[0].Address);
        var written = new byte[bytes.Length];
        Assert.Equal(OperationStatus.Done, v3.ToRecord().TryWrite(written, WriteFlags.Preserve, out var length));
        Assert.Equal(IgmpQuery, Convert.ToHexStringLower(written.AsSpan(0, length)));

        Assert.True(Igmp.TryParse(Hex.Parse(IgmpQuery[..16]), out var v2).IsOk);
        Assert.True(v2.Message.TryGetMembershipQuery(out var v2Query));
        Assert.False(v2.Message.TryGetMembershipQueryV3(out _));
        Assert.Equal(Ipv4Address.Parse("239.1.2.3"), v2Query.GroupAddress);

        // Eleven bytes: more than a version 2 query, less than a version 3 one; the bytes after the group are payload.
        Assert.True(Igmp.TryParse(Hex.Parse(IgmpQuery[..22]), out var between).IsOk);
        Assert.True(between.Message.TryGetMembershipQuery(out _));
        Assert.Equal(3, between.Payload.Length);
    }

    [Fact]
    public void MldV2Query_IsChosenByItsLength_WithAMaximumResponseCode_AndATwentyFourByteQueryIsVersion1()
    {
        // RFC 3810 §8.1: an MLD query of 28 bytes or more is version 2; its first field is a maximum response code.
        var hex = "82000000" + "2710" + "0000" + "ff020000000000000000000000000001" + "0a" + "7d" + "0001" + "20010db8000000000000000000000009";
        Assert.True(Icmpv6.TryParse(Hex.Parse(hex), out var v2).IsOk);
        Assert.True(v2.Message.TryGetMulticastListenerQueryV2(out var query));
        Assert.False(v2.Message.TryGetMulticastListener(out _));
        Assert.Equal(10000, query.MaximumResponseCode);
        Assert.True(query.SuppressRouterProcessing);
        Assert.Equal(2, query.RobustnessVariable);
        Assert.Equal(125, query.QueryIntervalCode);
        Assert.Equal(1, query.Sources.Count);
        Assert.Equal(Ipv6Address.Parse("2001:db8::9"), query.Sources[0].Address);

        Assert.True(Icmpv6.TryParse(Hex.Parse(hex[..48]), out var v1).IsOk);
        Assert.True(v1.Message.TryGetMulticastListener(out var listener));
        Assert.False(v1.Message.TryGetMulticastListenerQueryV2(out _));
        Assert.Equal(10000, listener.MaximumResponseDelay);
    }
}
