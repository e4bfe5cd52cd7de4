using System;
using PcapKit;
using PcapKit.Annotations;
using PcapKit.Dissection;

namespace CustomPack;

/// <summary>
/// Gauge, a sample telemetry protocol over TCP declared with attributes: a station sends readings as a list of
/// TLV options after a fixed header, protected by an Internet checksum over the header (as IPv4's, RFC 1071).
/// It is not a real protocol; it shows what an attributed record can declare.
/// </summary>
[Protocol("gauge", Endian.Big, Title = "Gauge telemetry (sample)", Layer = LayerKind.Application)]
[RegisterIn("tcp.port", 7400)]
[TestVector("01 10 0000 0000002a 00000007 02 02 0b86", "version=1,header_length=16,station=42,sequence=7")]
public sealed partial record Gauge
{
    /// <summary>The protocol version; only 1 is defined.</summary>
    [Field(Display = "version"), Equal(1)]
    public byte Version { get; init; }

    /// <summary>The header's length in bytes, readings included (computed by the writer).</summary>
    [Field(Display = "hdr_len"), SizeOf(Region.Header), Min(12)]
    public byte HeaderLength { get; init; }

    /// <summary>The Internet checksum of the header (computed by the writer).</summary>
    [Field(Display = "checksum", Format = NumberFormat.Hex), Checksum(ChecksumAlgorithm.Inet16, ChecksumCoverage.Header)]
    public ushort Checksum { get; init; }

    /// <summary>The sending station.</summary>
    [Field(Display = "station")]
    public uint Station { get; init; }

    /// <summary>The message's sequence number.</summary>
    [Field(Display = "seq")]
    public uint Sequence { get; init; }

    /// <summary>The readings.</summary>
    [Region(Region.RestOfHeader)]
    public ValueList<GaugeReading> Readings { get; init; }

    /// <summary>Anything after the header.</summary>
    [Payload]
    public ReadOnlyMemory<byte> Payload { get; init; }
}

/// <summary>A Gauge reading: a kind byte, a length byte (of the value only), the value.</summary>
[TlvSet("gauge_reading", LengthIncludesHeader = false, Display = "gauge", KindDisplay = "reading.kind", LengthDisplay = "reading.len")]
public abstract partial record GaugeReading
{
    /// <summary>The end of the list; the rest of the header is padding.</summary>
    [TlvCase(0, SingleByte = true, EndOfList = true)]
    public sealed partial record End;

    /// <summary>A temperature in hundredths of a kelvin.</summary>
    [TlvCase(2)]
    public sealed partial record Temperature
    {
        /// <summary>The temperature, in hundredths of a kelvin.</summary>
        [Field(Display = "temperature")]
        public ushort CentiKelvin { get; init; }
    }

    /// <summary>Relative humidity in percent.</summary>
    [TlvCase(3)]
    public sealed partial record Humidity
    {
        /// <summary>The relative humidity in percent.</summary>
        [Field(Display = "humidity")]
        public byte Percent { get; init; }
    }

    /// <summary>The station's label, as text.</summary>
    [TlvCase(4)]
    public sealed partial record Label
    {
        /// <summary>The label's bytes (UTF-8).</summary>
        [Region(Region.Rest), Field(Display = "label")]
        public ReadOnlyMemory<byte> Text { get; init; }
    }
}
