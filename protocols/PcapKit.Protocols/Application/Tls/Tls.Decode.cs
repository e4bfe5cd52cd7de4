using System;
using System.Buffers.Binary;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: a TLS segment is a sequence of records (RFC 8446 §5.1) that may begin inside one, each holding a
// sequence of handshake messages whose layouts nest length-prefixed vectors (§4, §3.4) several levels deep. The spec
// language lays out one header at fixed offsets; the fields are declared in tls.pcapkit.yaml under decode:, so outputs
// and `pcapkit fields` know them, and this code only walks the vectors, never reading past one.
public sealed partial record Tls
{
    private static partial void DecodeData<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct => DecodeRecords(view.Data, ref visitor);

    /// <summary>Reports every whole record in <paramref name="segment"/>, then what is left as incomplete with the reason.</summary>
    internal static void DecodeRecords<TVisitor>(ReadOnlySpan<byte> segment, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        var offset = 0;
        var listed = false;
        string? incomplete = null;

        // After ChangeCipherSpec the sender's records are protected (RFC 5246 §7.1): a handshake record then holds the
        // encrypted Finished, not a message to decode.
        var protectedAfter = false;
        while (offset < segment.Length)
        {
            var rest = segment[offset..];
            if (rest.Length < 5)
            {
                incomplete = "a record header cut by the end of the segment";
                break;
            }

            var type = rest[0];
            var version = BinaryPrimitives.ReadUInt16BigEndian(rest[1..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(rest[3..]);
            if (type is < 20 or > 24 || (version >> 8) != 3)
            {
                incomplete = offset == 0 ? "not the start of a record (the rest of one begun in an earlier segment)" : "not a TLS record";
                break;
            }

            if (5 + length > rest.Length)
            {
                incomplete = "a record that ends in a later segment";
                break;
            }

            if (!listed)
            {
                visitor.BeginList(Fields.Records);
                listed = true;
            }

            var body = rest.Slice(5, length);
            visitor.BeginItem(Fields.RecordsItem);
            visitor.Value(Fields.RecordsContentType, type);
            visitor.Value(Fields.RecordsVersion, version);
            visitor.Value(Fields.RecordsLength, length);
            switch (type)
            {
                case 20:
                    protectedAfter = true;
                    break;
                case 21 when !protectedAfter && body.Length == 2:
                    // RFC 8446 §6: level, then description.
                    visitor.Value(Fields.RecordsAlertLevel, body[0]);
                    visitor.Value(Fields.RecordsAlertDescription, body[1]);
                    break;
                case 22 when !protectedAfter && FitsAsHandshakes(body):
                    DecodeHandshakes(body, ref visitor);
                    break;
                case 23:
                    visitor.Bytes(Fields.RecordsApplicationData, body);
                    break;
                default:
                    if (!body.IsEmpty)
                    {
                        visitor.Bytes(Fields.RecordsEncrypted, body);
                    }

                    break;
            }

            visitor.EndItem(Fields.RecordsItem);
            offset += 5 + length;
        }

        if (listed)
        {
            visitor.EndList(Fields.Records);
        }

        if (incomplete is not null)
        {
            UndecodedBytes.Report(Fields.Incomplete, incomplete, Fields.IncompleteData, segment[offset..], ref visitor);
        }
    }

    // Whether a handshake record's content is a whole number of messages (§4: type, 24-bit length, body); when it is
    // not, it is protected (TLS 1.2's Finished after a ChangeCipherSpec in an earlier segment) or a fragment.
    private static bool FitsAsHandshakes(ReadOnlySpan<byte> body)
    {
        var p = 0;
        while (p < body.Length)
        {
            if (body.Length - p < 4)
            {
                return false;
            }

            p += 4 + ReadUInt24(body[(p + 1)..]);
        }

        return p == body.Length && body.Length > 0;
    }

    private static void DecodeHandshakes<TVisitor>(ReadOnlySpan<byte> body, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        visitor.BeginList(Fields.RecordsHandshakes);
        for (var p = 0; p < body.Length;)
        {
            var type = body[p];
            var length = ReadUInt24(body[(p + 1)..]);
            var message = body.Slice(p + 4, length);
            visitor.BeginItem(Fields.RecordsHandshakesItem);
            visitor.Value(Fields.RecordsHandshakesType, type);
            visitor.Value(Fields.RecordsHandshakesLength, (ulong)length);
            var reader = new VectorReader(message);
            var decoded = type switch
            {
                1 => Hello(ref reader, client: true, ref visitor),
                2 => Hello(ref reader, client: false, ref visitor),
                11 => Certificates(ref reader, ref visitor),
                _ => false,
            };
            if (!decoded && !reader.Rest.IsEmpty)
            {
                // A message without a layout here, or the part of one that breaks its own lengths.
                visitor.Bytes(Fields.RecordsHandshakesBody, reader.Rest);
            }

            visitor.EndItem(Fields.RecordsHandshakesItem);
            p += 4 + length;
        }

        visitor.EndList(Fields.RecordsHandshakes);
    }

    // ClientHello (RFC 8446 §4.1.2) and ServerHello (§4.1.3): true when the whole message was read.
    private static bool Hello<TVisitor>(ref VectorReader r, bool client, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (!r.TryU16(out var version) || !r.TryBytes(32, out var random) || !r.TryU8(out var sessionIdLength) || !r.TryBytes(sessionIdLength, out var sessionId))
        {
            return false;
        }

        visitor.Value(Fields.RecordsHandshakesVersion, version);
        visitor.Bytes(Fields.RecordsHandshakesRandom, random);
        visitor.Value(Fields.RecordsHandshakesSessionIdLength, sessionIdLength);
        if (sessionIdLength > 0)
        {
            visitor.Bytes(Fields.RecordsHandshakesSessionId, sessionId);
        }

        if (client)
        {
            if (!U16List(ref r, Fields.RecordsHandshakesCipherSuitesLength, Fields.RecordsHandshakesCipherSuites,
                    Fields.RecordsHandshakesCipherSuitesItem, Fields.RecordsHandshakesCipherSuitesSuite, ref visitor, wholeVector: false))
            {
                return false;
            }

            if (!r.TryU8(out var methodsLength) || !r.TryBytes(methodsLength, out var methods))
            {
                return false;
            }

            visitor.Value(Fields.RecordsHandshakesCompressionMethodsLength, methodsLength);
            visitor.BeginList(Fields.RecordsHandshakesCompressionMethods);
            foreach (var method in methods)
            {
                visitor.BeginItem(Fields.RecordsHandshakesCompressionMethodsItem);
                visitor.Value(Fields.RecordsHandshakesCompressionMethodsMethod, method);
                visitor.EndItem(Fields.RecordsHandshakesCompressionMethodsItem);
            }

            visitor.EndList(Fields.RecordsHandshakesCompressionMethods);
        }
        else
        {
            if (!r.TryU16(out var suite) || !r.TryU8(out var method))
            {
                return false;
            }

            visitor.Value(Fields.RecordsHandshakesCipherSuite, suite);
            visitor.Value(Fields.RecordsHandshakesCompressionMethod, method);
        }

        // Extensions are optional before TLS 1.3 (RFC 5246 §7.4.1.2).
        if (r.Rest.IsEmpty)
        {
            return true;
        }

        if (!r.TryU16(out var extensionsLength) || !r.TryBytes(extensionsLength, out var extensions) || !r.Rest.IsEmpty)
        {
            return false;
        }

        visitor.Value(Fields.RecordsHandshakesExtensionsLength, extensionsLength);
        Extensions(extensions, client, ref visitor);
        return true;
    }

    private static void Extensions<TVisitor>(ReadOnlySpan<byte> data, bool client, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        var r = new VectorReader(data);
        visitor.BeginList(Fields.RecordsHandshakesExtensions);
        while (!r.Rest.IsEmpty)
        {
            var start = r;
            if (!r.TryU16(out var type) || !r.TryU16(out var length) || !r.TryBytes(length, out var value))
            {
                // An extension header or value cut by the extensions' length: its bytes are kept as the message's.
                r = start;
                break;
            }

            visitor.BeginItem(Fields.RecordsHandshakesExtensionsItem);
            visitor.Value(Fields.RecordsHandshakesExtensionsType, type);
            visitor.Value(Fields.RecordsHandshakesExtensionsDataLength, length);
            var e = new VectorReader(value);
            var decoded = type switch
            {
                0 => ServerNames(ref e, ref visitor),
                10 => U16List(ref e, Fields.RecordsHandshakesExtensionsSupportedGroupsLength, Fields.RecordsHandshakesExtensionsSupportedGroups,
                    Fields.RecordsHandshakesExtensionsSupportedGroupsItem, Fields.RecordsHandshakesExtensionsSupportedGroupsGroup, ref visitor),
                13 => SignatureAlgorithms(ref e, ref visitor),
                16 => Alpn(ref e, ref visitor),
                43 => SupportedVersions(ref e, client, ref visitor),
                51 => KeyShare(ref e, client, ref visitor),
                _ => false,
            };
            if (!decoded && !e.Rest.IsEmpty)
            {
                visitor.Bytes(Fields.RecordsHandshakesExtensionsData, e.Rest);
            }

            visitor.EndItem(Fields.RecordsHandshakesExtensionsItem);
        }

        visitor.EndList(Fields.RecordsHandshakesExtensions);
        if (!r.Rest.IsEmpty)
        {
            visitor.Bytes(Fields.RecordsHandshakesBody, r.Rest);
        }
    }

    // RFC 6066 §3: a list of (type, name); a ServerHello's is empty.
    private static bool ServerNames<TVisitor>(ref VectorReader r, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (r.Rest.IsEmpty)
        {
            return true;
        }

        if (!r.TryU16(out var listLength) || !r.TryBytes(listLength, out var list) || !r.Rest.IsEmpty)
        {
            return false;
        }

        visitor.Value(Fields.RecordsHandshakesExtensionsServerNameListLength, listLength);
        var names = new VectorReader(list);
        visitor.BeginList(Fields.RecordsHandshakesExtensionsServerNames);
        while (!names.Rest.IsEmpty && names.TryU8(out var type) && names.TryU16(out var length) && names.TryBytes(length, out var name))
        {
            visitor.BeginItem(Fields.RecordsHandshakesExtensionsServerNamesItem);
            visitor.Value(Fields.RecordsHandshakesExtensionsServerNamesType, type);
            visitor.Value(Fields.RecordsHandshakesExtensionsServerNamesLength, length);
            visitor.Bytes(Fields.RecordsHandshakesExtensionsServerNamesName, name);
            visitor.EndItem(Fields.RecordsHandshakesExtensionsServerNamesItem);
        }

        visitor.EndList(Fields.RecordsHandshakesExtensionsServerNames);
        r = names;
        return names.Rest.IsEmpty;
    }

    // RFC 7301 §3.1: a list of non-empty protocol names, each with a one-octet length.
    private static bool Alpn<TVisitor>(ref VectorReader r, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (!r.TryU16(out var listLength) || !r.TryBytes(listLength, out var list) || !r.Rest.IsEmpty)
        {
            return false;
        }

        visitor.Value(Fields.RecordsHandshakesExtensionsAlpnLength, listLength);
        var names = new VectorReader(list);
        visitor.BeginList(Fields.RecordsHandshakesExtensionsProtocols);
        while (!names.Rest.IsEmpty && names.TryU8(out var length) && names.TryBytes(length, out var name))
        {
            visitor.BeginItem(Fields.RecordsHandshakesExtensionsProtocolsItem);
            visitor.Value(Fields.RecordsHandshakesExtensionsProtocolsLength, length);
            visitor.Bytes(Fields.RecordsHandshakesExtensionsProtocolsName, name);
            visitor.EndItem(Fields.RecordsHandshakesExtensionsProtocolsItem);
        }

        visitor.EndList(Fields.RecordsHandshakesExtensionsProtocols);
        r = names;
        return names.Rest.IsEmpty;
    }

    // RFC 8446 §4.2.3: signature schemes; before TLS 1.3 (RFC 5246 §7.4.1.4.1) the octets were hash, then signature.
    private static bool SignatureAlgorithms<TVisitor>(ref VectorReader r, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (!r.TryU16(out var length) || !r.TryBytes(length, out var list) || !r.Rest.IsEmpty || (length & 1) != 0)
        {
            return false;
        }

        visitor.Value(Fields.RecordsHandshakesExtensionsSignatureAlgorithmsLength, length);
        visitor.BeginList(Fields.RecordsHandshakesExtensionsSignatureAlgorithms);
        for (var i = 0; i < list.Length; i += 2)
        {
            visitor.BeginItem(Fields.RecordsHandshakesExtensionsSignatureAlgorithmsItem);
            visitor.Value(Fields.RecordsHandshakesExtensionsSignatureAlgorithmsScheme, BinaryPrimitives.ReadUInt16BigEndian(list[i..]));
            visitor.Value(Fields.RecordsHandshakesExtensionsSignatureAlgorithmsHash, list[i]);
            visitor.Value(Fields.RecordsHandshakesExtensionsSignatureAlgorithmsSignature, list[i + 1]);
            visitor.EndItem(Fields.RecordsHandshakesExtensionsSignatureAlgorithmsItem);
        }

        visitor.EndList(Fields.RecordsHandshakesExtensionsSignatureAlgorithms);
        return true;
    }

    // RFC 8446 §4.2.1: the client lists versions (one-octet length); the server names the one it selected.
    private static bool SupportedVersions<TVisitor>(ref VectorReader r, bool client, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        ReadOnlySpan<byte> list;
        if (client)
        {
            if (!r.TryU8(out var length) || !r.TryBytes(length, out list) || !r.Rest.IsEmpty || (length & 1) != 0)
            {
                return false;
            }

            visitor.Value(Fields.RecordsHandshakesExtensionsSupportedVersionsLength, length);
        }
        else if (!r.TryBytes(2, out list) || !r.Rest.IsEmpty)
        {
            return false;
        }

        visitor.BeginList(Fields.RecordsHandshakesExtensionsSupportedVersions);
        for (var i = 0; i < list.Length; i += 2)
        {
            visitor.BeginItem(Fields.RecordsHandshakesExtensionsSupportedVersionsItem);
            visitor.Value(Fields.RecordsHandshakesExtensionsSupportedVersionsVersion, BinaryPrimitives.ReadUInt16BigEndian(list[i..]));
            visitor.EndItem(Fields.RecordsHandshakesExtensionsSupportedVersionsItem);
        }

        visitor.EndList(Fields.RecordsHandshakesExtensionsSupportedVersions);
        return true;
    }

    // RFC 8446 §4.2.8: the client's shares (two-octet length), the server's one share, or a HelloRetryRequest's group.
    private static bool KeyShare<TVisitor>(ref VectorReader r, bool client, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        var shares = r;
        if (client)
        {
            if (!r.TryU16(out var length) || !r.TryBytes(length, out var list) || !r.Rest.IsEmpty)
            {
                return false;
            }

            visitor.Value(Fields.RecordsHandshakesExtensionsKeyShareClientLength, length);
            shares = new VectorReader(list);
        }
        else if (r.Rest.Length == 2)
        {
            visitor.Value(Fields.RecordsHandshakesExtensionsSelectedGroup, BinaryPrimitives.ReadUInt16BigEndian(r.Rest));
            r = new VectorReader([]);
            return true;
        }

        visitor.BeginList(Fields.RecordsHandshakesExtensionsKeyShares);
        while (!shares.Rest.IsEmpty && shares.TryU16(out var group) && shares.TryU16(out var keyLength) && shares.TryBytes(keyLength, out var key))
        {
            visitor.BeginItem(Fields.RecordsHandshakesExtensionsKeySharesItem);
            visitor.Value(Fields.RecordsHandshakesExtensionsKeySharesGroup, group);
            visitor.Value(Fields.RecordsHandshakesExtensionsKeySharesKeyExchangeLength, keyLength);
            visitor.Bytes(Fields.RecordsHandshakesExtensionsKeySharesKeyExchange, key);
            visitor.EndItem(Fields.RecordsHandshakesExtensionsKeySharesItem);
        }

        visitor.EndList(Fields.RecordsHandshakesExtensionsKeyShares);
        if (!client)
        {
            r = shares;
        }

        return shares.Rest.IsEmpty;
    }

    // A two-octet length, then two-octet values (§3.4): cipher suites, supported groups. wholeVector: the values are all
    // the reader holds (an extension's), rather than followed by more fields (a ClientHello's).
    private static bool U16List<TVisitor>(ref VectorReader r, FieldDescriptor lengthField, FieldDescriptor list, FieldDescriptor item, FieldDescriptor value, ref TVisitor visitor, bool wholeVector = true)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (!r.TryU16(out var length) || !r.TryBytes(length, out var values) || (wholeVector && !r.Rest.IsEmpty) || (length & 1) != 0)
        {
            return false;
        }

        visitor.Value(lengthField, length);
        visitor.BeginList(list);
        for (var i = 0; i < values.Length; i += 2)
        {
            visitor.BeginItem(item);
            visitor.Value(value, BinaryPrimitives.ReadUInt16BigEndian(values[i..]));
            visitor.EndItem(item);
        }

        visitor.EndList(list);
        return true;
    }

    // RFC 5246 §7.4.2: a 24-bit length, then certificates each with a 24-bit length (DER, RFC 5280).
    private static bool Certificates<TVisitor>(ref VectorReader r, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (!r.TryU24(out var length) || !r.TryBytes(length, out var list) || !r.Rest.IsEmpty)
        {
            return false;
        }

        visitor.Value(Fields.RecordsHandshakesCertificatesLength, (ulong)length);
        var certificates = new VectorReader(list);
        visitor.BeginList(Fields.RecordsHandshakesCertificates);
        while (!certificates.Rest.IsEmpty && certificates.TryU24(out var size) && certificates.TryBytes(size, out var certificate))
        {
            visitor.BeginItem(Fields.RecordsHandshakesCertificatesItem);
            visitor.Value(Fields.RecordsHandshakesCertificatesCertificateLength, (ulong)size);
            visitor.Bytes(Fields.RecordsHandshakesCertificatesCertificate, certificate);
            visitor.EndItem(Fields.RecordsHandshakesCertificatesItem);
        }

        visitor.EndList(Fields.RecordsHandshakesCertificates);
        r = certificates;
        return certificates.Rest.IsEmpty;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> data) => (data[0] << 16) | (data[1] << 8) | data[2];

    /// <summary>Reads a TLS vector's fields in order (RFC 8446 §3), never past its end: a read that does not fit fails and moves nothing.</summary>
    private ref struct VectorReader(ReadOnlySpan<byte> data)
    {
        public ReadOnlySpan<byte> Rest { get; private set; } = data;

        public bool TryU8(out byte value)
        {
            value = 0;
            if (Rest.IsEmpty)
            {
                return false;
            }

            value = Rest[0];
            Rest = Rest[1..];
            return true;
        }

        public bool TryU16(out ushort value)
        {
            value = 0;
            if (Rest.Length < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16BigEndian(Rest);
            Rest = Rest[2..];
            return true;
        }

        public bool TryU24(out int value)
        {
            value = 0;
            if (Rest.Length < 3)
            {
                return false;
            }

            value = ReadUInt24(Rest);
            Rest = Rest[3..];
            return true;
        }

        public bool TryBytes(int length, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (Rest.Length < length)
            {
                return false;
            }

            value = Rest[..length];
            Rest = Rest[length..];
            return true;
        }
    }
}
