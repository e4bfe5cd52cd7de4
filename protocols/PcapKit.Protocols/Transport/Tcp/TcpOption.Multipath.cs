using System.Buffers.Binary;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>The Multipath TCP option's subtypes (RFC 8684 §3), decoded for the outputs.</summary>
public abstract partial record TcpOption
{
    /// <summary>The Multipath TCP option (RFC 8684 §3).</summary>
    /// <remarks>
    /// Why a hook: a subtype's layout depends on the option's length as well as the subtype (MP_CAPABLE's keys, MP_JOIN's
    /// three forms, ADD_ADDR's address family, port and HMAC) and, for DSS, on its flags; and the four bits after the
    /// subtype mean something else in each subtype (a version, flags, reserved bits). The spec's variants choose by one
    /// field and start on a byte boundary, so the value is decoded here, as tshark 4.0 shows it.
    /// </remarks>
    public sealed partial record Multipath
    {
        private static partial void DecodeData<TVisitor>(View view, ref TVisitor visitor)
            where TVisitor : IFieldVisitor, allows ref struct
        {
            var data = view.Data;            // after the subtype's byte
            var length = data.Length + 3;    // the option's: kind, length, the subtype's byte, data
            var first = view.Bytes[0];
            var low = view.SubtypeBits;
            var used = 0;
            switch ((byte)view.Subtype)
            {
                case 0 when data.Length >= 1:
                    // MP_CAPABLE (§3.1): flags (version 0 names bit 0 SHA-1; version 1 has bit 5 and names bit 0 SHA-256),
                    // then the sender's key, the receiver's, the data-level length and the checksum, as the length says.
                    var flags = data[0];
                    visitor.Value(MultipathFlagsField, flags);
                    visitor.Value(MultipathChecksumRequiredField, (ulong)(flags >> 7));
                    visitor.Value(MultipathExtensibilityField, (ulong)((flags >> 6) & 1));
                    if (low == 0)
                    {
                        visitor.Value(MultipathHmacSha1Field, (ulong)(flags & 1));
                        visitor.Value(MultipathReservedFlagsField, (ulong)((flags & 0x3E) >> 1));
                    }
                    else
                    {
                        visitor.Value(MultipathNoMoreSubflowsField, (ulong)((flags >> 5) & 1));
                        visitor.Value(MultipathHmacSha256Field, (ulong)(flags & 1));
                        visitor.Value(MultipathReservedFlagsField, (ulong)((flags & 0x1E) >> 1));
                    }

                    used = 1;
                    if (length is 12 or 20 or 22 or 24)
                    {
                        visitor.Value(MultipathSenderKeyField, BinaryPrimitives.ReadUInt64BigEndian(data[1..]));
                        used = 9;
                    }

                    if (length is 20 or 22 or 24)
                    {
                        visitor.Value(MultipathReceiverKeyField, BinaryPrimitives.ReadUInt64BigEndian(data[9..]));
                        used = 17;
                    }

                    if (length is 22 or 24)
                    {
                        visitor.Value(MultipathDataLevelLengthField, BinaryPrimitives.ReadUInt16BigEndian(data[17..]));
                        used = 19;
                    }

                    if (length == 24)
                    {
                        visitor.Value(MultipathChecksumField, BinaryPrimitives.ReadUInt16BigEndian(data[19..]));
                        used = 21;
                    }

                    break;
                case 1:
                    // MP_JOIN (§3.2): the SYN's token and nonce (12), the SYN/ACK's truncated HMAC and nonce (16), the
                    // third ACK's HMAC (24); tshark reads the flags as the whole first byte, the backup flag its last bit.
                    if (length is 12 or 16)
                    {
                        visitor.Value(MultipathFlagsField, first);
                        visitor.Value(MultipathBackupField, (ulong)(low & 1));
                        visitor.Value(MultipathAddressIdField, data[0]);
                        if (length == 12)
                        {
                            visitor.Value(MultipathReceiverTokenField, BinaryPrimitives.ReadUInt32BigEndian(data[1..]));
                            visitor.Value(MultipathSenderRandomField, BinaryPrimitives.ReadUInt32BigEndian(data[5..]));
                            used = 9;
                        }
                        else
                        {
                            visitor.Value(MultipathSenderTruncatedHmacField, BinaryPrimitives.ReadUInt64BigEndian(data[1..]));
                            visitor.Value(MultipathSenderRandomField, BinaryPrimitives.ReadUInt32BigEndian(data[9..]));
                            used = 13;
                        }
                    }
                    else if (length == 24)
                    {
                        visitor.Value(MultipathReservedField, (ulong)(BinaryPrimitives.ReadUInt16BigEndian(view.Bytes) & 0x0FFF));
                        visitor.Bytes(MultipathSenderHmacField, data.Slice(1, 20));
                        used = 21;
                    }

                    break;
                case 2 when data.Length >= 1:
                    // DSS (§3.3): flags, then the data ACK (4 or 8 bytes) and the mapping (data sequence number of 4 or
                    // 8 bytes, subflow sequence number, data-level length, and a checksum when the length leaves room).
                    var dss = data[0];
                    visitor.Value(MultipathFlagsField, dss);
                    visitor.Value(MultipathDataFinField, (ulong)((dss >> 4) & 1));
                    visitor.Value(MultipathDsn8OctetsField, (ulong)((dss >> 3) & 1));
                    visitor.Value(MultipathMappingPresentField, (ulong)((dss >> 2) & 1));
                    visitor.Value(MultipathDataAck8OctetsField, (ulong)((dss >> 1) & 1));
                    visitor.Value(MultipathDataAckPresentField, (ulong)(dss & 1));
                    used = 1;
                    if ((dss & 0x01) != 0)
                    {
                        var width = (dss & 0x02) != 0 ? 8 : 4;
                        if (data.Length < used + width)
                        {
                            break;
                        }

                        visitor.Value(MultipathDataAckField, width == 8 ? BinaryPrimitives.ReadUInt64BigEndian(data[used..]) : BinaryPrimitives.ReadUInt32BigEndian(data[used..]));
                        used += width;
                    }

                    if ((dss & 0x04) != 0)
                    {
                        var width = (dss & 0x08) != 0 ? 8 : 4;
                        if (data.Length < used + width + 6)
                        {
                            break;
                        }

                        visitor.Value(MultipathDataSequenceNumberField, width == 8 ? BinaryPrimitives.ReadUInt64BigEndian(data[used..]) : BinaryPrimitives.ReadUInt32BigEndian(data[used..]));
                        used += width;
                        visitor.Value(MultipathSubflowSequenceNumberField, BinaryPrimitives.ReadUInt32BigEndian(data[used..]));
                        visitor.Value(MultipathDataLevelLengthField, BinaryPrimitives.ReadUInt16BigEndian(data[(used + 4)..]));
                        used += 6;
                        if (data.Length >= used + 2)
                        {
                            visitor.Value(MultipathChecksumField, BinaryPrimitives.ReadUInt16BigEndian(data[used..]));
                            used += 2;
                        }
                    }

                    break;
                case 3 when data.Length >= 1:
                    // ADD_ADDR (§3.4.1): the echo flag, the address id, then an IPv4 or IPv6 address, a port and a
                    // truncated HMAC as the length says (8/10/16/18 bytes: IPv4; 20/22/28/30: IPv6).
                    visitor.Value(MultipathEchoField, (ulong)(low & 1));
                    visitor.Value(MultipathAddressIdField, data[0]);
                    used = 1;
                    if (length is 8 or 10 or 16 or 18)
                    {
                        visitor.Bytes(MultipathIpv4AddressField, data.Slice(1, 4));
                        used = 5;
                    }
                    else if (length is 20 or 22 or 28 or 30)
                    {
                        visitor.Bytes(MultipathIpv6AddressField, data.Slice(1, 16));
                        used = 17;
                    }
                    else
                    {
                        break;
                    }

                    if (length % 4 == 2)
                    {
                        visitor.Value(MultipathPortField, BinaryPrimitives.ReadUInt16BigEndian(data[used..]));
                        used += 2;
                    }

                    if (length is 16 or 18 or 28 or 30)
                    {
                        visitor.Value(MultipathTruncatedHmacField, BinaryPrimitives.ReadUInt64BigEndian(data[used..]));
                        used += 8;
                    }

                    break;
                case 4:
                    // REMOVE_ADDR (§3.4.2): the ids of the addresses removed, one byte each.
                    for (; used < data.Length; used++)
                    {
                        visitor.Value(MultipathAddressIdField, data[used]);
                    }

                    break;
                case 5:
                    // MP_PRIO (§3.3.8): the backup flag, and an address id when the length is 4.
                    visitor.Value(MultipathFlagsField, first);
                    visitor.Value(MultipathBackupField, (ulong)(low & 1));
                    if (length == 4)
                    {
                        visitor.Value(MultipathAddressIdField, data[0]);
                        used = 1;
                    }

                    break;
                case 6 or 7 when data.Length >= 9:
                    // MP_FAIL (§3.7): 12 reserved bits and the data sequence number; MP_FASTCLOSE (§3.5): the receiver's key.
                    visitor.Value(MultipathReservedField, (ulong)(BinaryPrimitives.ReadUInt16BigEndian(view.Bytes) & 0x0FFF));
                    var value = BinaryPrimitives.ReadUInt64BigEndian(data[1..]);
                    visitor.Value((byte)view.Subtype == 6 ? MultipathDataSequenceNumberField : MultipathReceiverKeyField, value);
                    used = 9;
                    break;
                case 8:
                    // MP_TCPRST (§3.6): the U, V, W and T flags, then the reason.
                    visitor.Value(MultipathFlagsField, first);
                    visitor.Value(MultipathUncleanField, (ulong)((low >> 3) & 1));
                    visitor.Value(MultipathVendorField, (ulong)((low >> 2) & 1));
                    visitor.Value(MultipathWField, (ulong)((low >> 1) & 1));
                    visitor.Value(MultipathTransientField, (ulong)(low & 1));
                    if (data.Length >= 1)
                    {
                        visitor.Value(MultipathResetReasonField, data[0]);
                        used = 1;
                    }

                    break;
            }

            if (used < data.Length)
            {
                // Bytes no layout of the subtype and length places (tshark shows nothing for them).
                visitor.Bytes(MultipathDataField, data[used..]);
            }
        }
    }
}
