using System.Collections.Generic;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// TLS records and handshake messages: what the corpus's 677 TLS frames (held to tshark field by field) lack — a
/// TLS 1.3 ClientHello, alerts, protected records, and records the segment cuts or begins inside.
/// </summary>
public sealed class TlsTests
{
    // RFC 8448 §3, "Simple 1-RTT Handshake": the client's ClientHello record (tshark 4.0.17 shows the same fields).
    private const string ClientHello = "16030100c4010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001";

    [Fact]
    public void ATls13ClientHello_GivesSniVersionsGroupsAndKeyShare()
    {
        var fields = Collect(ClientHello);
        Assert.Equal(["22"], fields["tls.record.content_type"]);
        Assert.Equal(["0x0301"], fields["tls.record.version"]);
        Assert.Equal(["1"], fields["tls.handshake.type"]);
        Assert.Equal(["192"], fields["tls.handshake.length"]);
        Assert.Equal(["0x0303"], fields["tls.handshake.version"]);
        Assert.Equal(["0x1301", "0x1303", "0x1302"], fields["tls.handshake.ciphersuite"]);
        Assert.Equal(["server"], fields["tls.handshake.extensions_server_name"]);
        Assert.Equal(["0", "65281", "10", "35", "51", "43", "13", "45", "28"], fields["tls.handshake.extension.type"]);
        Assert.Equal(["0x0304"], fields["tls.handshake.extensions.supported_version"]);
        Assert.Equal(["0x001d", "0x0017", "0x0018", "0x0019", "0x0100", "0x0101", "0x0102", "0x0103", "0x0104"], fields["tls.handshake.extensions_supported_group"]);
        Assert.Equal(["29"], fields["tls.handshake.extensions_key_share_group"]);
        Assert.Equal(["32"], fields["tls.handshake.extensions_key_share_key_exchange_length"]);
        Assert.Equal(["0x0403", "0x0503", "0x0603", "0x0203", "0x0804", "0x0805", "0x0806", "0x0401", "0x0501", "0x0601", "0x0201", "0x0402", "0x0502", "0x0602", "0x0202"], fields["tls.handshake.sig_hash_alg"]);
        Assert.False(fields.ContainsKey("tls.record.incomplete"));
        Assert.False(fields.ContainsKey("tls.handshake.body"));
    }

    [Fact]
    public void ChangeCipherSpecThenFinished_TheFinishedIsProtected_AndAnAlertIsRead()
    {
        // RFC 5246 §7.1: after ChangeCipherSpec the Finished record is encrypted; then a fatal handshake_failure alert.
        var fields = Collect("140303000101" + "1603030028" + new string('a', 80) + "15030300020228");
        Assert.Equal(["20", "22", "21"], fields["tls.record.content_type"]);
        Assert.Equal(2, fields["tls.record.encrypted"].Count);          // the Finished and the alert
        Assert.False(fields.ContainsKey("tls.handshake.type"));
        Assert.False(fields.ContainsKey("tls.alert_message.level"));   // protected too: after ChangeCipherSpec
        var alert = Collect("15030300020228");
        Assert.Equal(["2"], alert["tls.alert_message.level"]);
        Assert.Equal(["40"], alert["tls.alert_message.desc"]);
    }

    [Theory]
    [InlineData("17030300100102", "a record that ends in a later segment", "17030300100102")]
    [InlineData("170303000201021703", "a record header cut by the end of the segment", "1703")]
    [InlineData("0a0b0c0d0e0f", "not the start of a record (the rest of one begun in an earlier segment)", "0a0b0c0d0e0f")]
    public void BytesThatAreNotAWholeRecord_AreKeptWithTheReason(string segment, string reason, string rest)
    {
        var fields = Collect(segment);
        Assert.Equal([reason], fields["tls.record.incomplete"]);
        Assert.Equal([rest], fields["tls.record.incomplete_data"]);
    }

    [Fact]
    public void AnExtensionLongerThanItsList_KeepsTheMessagesRestAsBytes()
    {
        // A ServerHello whose only extension claims 9 octets of 2.
        var hello = "0303" + new string('1', 64) + "00" + "1301" + "00" + "0006" + "002b0009" + "0304";
        var handshake = "02" + (hello.Length / 2).ToString("x6") + hello;
        var fields = Collect("16030300" + (handshake.Length / 2).ToString("x2") + handshake);
        Assert.Equal(["0x1301"], fields["tls.handshake.ciphersuite"]);
        Assert.Equal(["002b00090304"], fields["tls.handshake.body"]);
        Assert.False(fields.ContainsKey("tls.handshake.extension.type"));
    }

    private static Dictionary<string, List<string>> Collect(string hex)
    {
        var visitor = new FieldsByName();
        Tls.Descriptor.Accept(Hex.Parse(hex), visitor);
        return visitor.Displayed;
    }
}
