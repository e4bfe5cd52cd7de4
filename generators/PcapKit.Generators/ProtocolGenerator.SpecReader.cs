using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using PcapKit.Generators.Diagnostics;
using PcapKit.Generators.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PcapKit.Generators;

/// <summary>Reads <c>*.pcapkit.yaml</c> specs into the protocol model, reporting positions from the parser's marks.</summary>
public sealed partial class ProtocolGenerator
{
    internal static class SpecReader
    {
        private static readonly string[] TopKeys =
        [
            "protocol", "type", "namespace", "title", "rfc", "endian", "display", "chain", "layer", "params", "register",
            "supplies", "fields", "computed", "tlvs", "enums", "flags", "tests", "heuristics",
        ];

        private static readonly string[] FieldKeys =
        [
            "id", "type", "bits", "endian", "enum", "flags", "format", "display", "display_scaled", "size_of", "length", "size",
            "valid", "checksum", "when", "region", "tlv", "dispatch", "reserved", "repeat", "fields", "type_name", "doc",
            "names", "switch", "cases", "default", "address", "alt", "hex_digits", "role", "decode", "show_when",
        ];

        private static readonly string[] DecodeKeys = ["id", "type", "enum", "flags", "format", "display", "item", "fields", "doc", "hex_digits", "names"];

        private static readonly string[] EnumKeys = ["type", "type_name", "values", "doc"];
        private static readonly string[] TlvKeys = ["type_name", "display", "kind", "length", "cases", "single_byte", "end_of_list", "unknown", "doc", "header_fields"];
        private static readonly string[] TlvKindKeys = ["type", "enum", "display", "format"];
        private static readonly string[] TlvLengthKeys = ["type", "includes_header", "scale", "display", "align"];
        private static readonly string[] CaseKeys = ["kind", "single_byte", "end_of_list", "fields", "type_name", "doc"];
        private static readonly string[] SizeOfKeys = ["region", "scale", "offset"];
        private static readonly string[] LengthKeys = ["field", "scale", "offset"];
        private static readonly string[] ValidKeys = ["eq", "min", "max", "any_of"];
        private static readonly string[] ChecksumKeys = ["algo", "covers", "pseudo_header", "zero_means_none", "coverage"];
        private static readonly string[] WhenKeys = ["field", "mask", "eq", "any_of", "and"];
        private static readonly string[] AltKeys = ["id", "display", "max", "size", "when", "enum"];
        private static readonly string[] BoundAltKeys = ["id", "display", "max", "size"];
        private static readonly string[] DispatchKeys = ["table", "tables", "key", "keys", "order", "when", "hook", "chain", "fragment_when", "quoted"];
        private static readonly string[] RepeatKeys = ["until"];
        private static readonly string[] VariantCaseKeys = ["when", "and", "min_length", "max_length", "fields", "type_name", "doc"];
        private static readonly string[] DefaultCaseKeys = ["fields", "type_name", "doc"];
        private static readonly string[] RegisterKeys = ["table", "key", "chain"];
        private static readonly string[] ParamKeys = ["id", "type"];
        private static readonly string[] SuppliesKeys = ["pseudo_header"];
        private static readonly string[] PseudoKeys = ["source", "destination"];
        private static readonly string[] ComputedKeys = ["id", "value", "display"];
        private static readonly string[] TestKeys = ["hex", "expect"];

        public static SpecUnit Read(string path, string? text, GeneratorOptions options, CancellationToken cancellationToken)
        {
            var reader = new Reader(path, text ?? string.Empty, options);
            return reader.Run(cancellationToken);
        }

        private sealed class Reader
        {
            private readonly string _path;
            private readonly string _text;
            private readonly GeneratorOptions _options;
            private readonly List<DiagnosticInfo> _diagnostics = [];
            private readonly List<LocatedKey> _locations = [];
            private readonly List<EnumSpec> _enums = [];
            private readonly List<TlvDraft> _tlvs = [];
            private string _namespace;
            private EndianKind _endian = EndianKind.Big;
            private string _display = string.Empty;

            public Reader(string path, string text, GeneratorOptions options)
            {
                _path = path;
                _text = text;
                _options = options;
                _namespace = options.RootNamespace;
            }

            public SpecUnit Run(CancellationToken cancellationToken)
            {
                var protocols = new List<ProtocolDraft>();
                var stream = new YamlStream();
                try
                {
                    stream.Load(new StringReader(_text));
                }
                catch (YamlException ex)
                {
                    Report(DiagnosticDescriptors.YamlSyntax, Loc(ex.Start, ex.End), Clean(ex.Message));
                    return Result(protocols);
                }

                foreach (var document in stream.Documents)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (document.RootNode is not YamlMappingNode root)
                    {
                        Report(DiagnosticDescriptors.WrongNodeKind, Loc(document.RootNode), "the spec", "a mapping");
                        continue;
                    }

                    var protocol = ReadDocument(root);
                    if (protocol is not null)
                    {
                        protocols.Add(protocol);
                    }
                }

                return Result(protocols);
            }

            private SpecUnit Result(List<ProtocolDraft> protocols) => new(
                _path,
                protocols.ToEquatableArray(),
                _enums.ToEquatableArray(),
                _tlvs.ToEquatableArray(),
                _locations.ToEquatableArray(),
                _diagnostics.ToEquatableArray());

            private ProtocolDraft? ReadDocument(YamlMappingNode root)
            {
                CheckKeys(root, "the spec", TopKeys);
                if (Scalar(root, "namespace") is { } ns)
                {
                    _namespace = ns;
                }

                var id = Scalar(root, "protocol");
                var endianText = Scalar(root, "endian");
                if (endianText is not null)
                {
                    if (endianText is "big")
                    {
                        _endian = EndianKind.Big;
                    }
                    else if (endianText is "little")
                    {
                        _endian = EndianKind.Little;
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.WrongNodeKind, Loc(Node(root, "endian")!), "endian", "'big' or 'little'");
                    }
                }

                _display = Scalar(root, "display") ?? id ?? string.Empty;

                // Enums, flags and TLV sets may stand alone in a file, shared by protocols in other files.
                if (Node(root, "enums") is { } enums)
                {
                    ReadEnums(enums, isFlags: false);
                }

                if (Node(root, "flags") is { } flags)
                {
                    ReadEnums(flags, isFlags: true);
                }

                if (Node(root, "tlvs") is { } tlvs)
                {
                    ReadTlvs(tlvs);
                }

                if (id is null)
                {
                    if (Node(root, "fields") is { } orphan)
                    {
                        Report(DiagnosticDescriptors.MissingKey, Loc(orphan), "A spec with fields", "protocol");
                    }

                    return null;
                }

                var protocolLocation = Loc(Node(root, "protocol")!);
                var locations = new List<LocatedKey> { new("protocol", protocolLocation) };
                if (endianText is null)
                {
                    Report(DiagnosticDescriptors.MissingEndianness, protocolLocation, id);
                }

                var fields = Node(root, "fields") is { } fieldsNode
                    ? ReadFields(fieldsNode, "field:", locations)
                    : [];
                if (Node(root, "fields") is null)
                {
                    Report(DiagnosticDescriptors.MissingKey, protocolLocation, "The protocol '" + id + "'", "fields");
                }

                var registrations = new List<RegistrationSpec>();
                if (Node(root, "register") is { } register)
                {
                    var i = 0;
                    foreach (var item in Sequence(register, "register"))
                    {
                        if (Mapping(item, "a registration") is not { } map)
                        {
                            continue;
                        }

                        CheckKeys(map, "a registration", RegisterKeys);
                        var table = Required(map, "table", "A registration");
                        var key = Number(map, "key");
                        if (table is not null && key is not null)
                        {
                            locations.Add(new("register:" + registrations.Count, Loc(map)));
                            registrations.Add(new RegistrationSpec(table, key.Value) { Chain = Node(map, "chain") is YamlScalarNode chainNode ? chainNode.Value ?? string.Empty : null });
                        }
                        else if (key is null && Node(map, "key") is null)
                        {
                            Report(DiagnosticDescriptors.MissingKey, Loc(map), "A registration", "key");
                        }

                        i++;
                    }
                }

                var parameters = new List<ParamSpec>();
                if (Node(root, "params") is { } paramsNode)
                {
                    foreach (var item in Sequence(paramsNode, "params"))
                    {
                        if (Mapping(item, "a parameter") is not { } map)
                        {
                            continue;
                        }

                        CheckKeys(map, "a parameter", ParamKeys);
                        var name = Required(map, "id", "A parameter");
                        var type = Required(map, "type", "A parameter");
                        if (type is not null && type != "ip_pseudo_header")
                        {
                            Report(DiagnosticDescriptors.UnknownType, Loc(Node(map, "type")!), type, name ?? "?");
                        }

                        if (name is not null)
                        {
                            parameters.Add(new ParamSpec(name, "ip_pseudo_header"));
                        }
                    }
                }

                PseudoHeaderSupplySpec? supplies = null;
                if (Mapping(Node(root, "supplies"), "supplies") is { } suppliesMap)
                {
                    CheckKeys(suppliesMap, "supplies", SuppliesKeys);
                    if (Mapping(Node(suppliesMap, "pseudo_header"), "pseudo_header") is { } pseudo)
                    {
                        CheckKeys(pseudo, "pseudo_header", PseudoKeys);
                        var source = Required(pseudo, "source", "pseudo_header");
                        var destination = Required(pseudo, "destination", "pseudo_header");
                        if (source is not null && destination is not null)
                        {
                            supplies = new PseudoHeaderSupplySpec(source, destination);
                            locations.Add(new("supplies", Loc(pseudo)));
                        }
                    }
                }

                var computed = new List<ComputedSpec>();
                if (Node(root, "computed") is { } computedNode)
                {
                    foreach (var item in Sequence(computedNode, "computed"))
                    {
                        if (Mapping(item, "a computed field") is not { } map)
                        {
                            continue;
                        }

                        CheckKeys(map, "a computed field", ComputedKeys);
                        var cid = Required(map, "id", "A computed field");
                        var value = Required(map, "value", "A computed field");
                        ComputedKind? kind = value switch
                        {
                            "payload_length" => ComputedKind.PayloadLength,
                            "header_length" => ComputedKind.HeaderLength,
                            _ => null,
                        };
                        if (value is not null && kind is null)
                        {
                            Report(DiagnosticDescriptors.UnknownReference, Loc(Node(map, "value")!), "The computed field '" + cid + "'", "value", value);
                        }

                        if (cid is not null && kind is not null)
                        {
                            computed.Add(new ComputedSpec(cid, Naming.ToPascal(cid), kind.Value, Scalar(map, "display")));
                        }
                    }
                }

                var tests = new List<TestVectorSpec>();
                if (Node(root, "tests") is { } testsNode)
                {
                    foreach (var item in Sequence(testsNode, "tests"))
                    {
                        if (Mapping(item, "a test vector") is not { } map)
                        {
                            continue;
                        }

                        CheckKeys(map, "a test vector", TestKeys);
                        var hex = Required(map, "hex", "A test vector");
                        var expectations = new List<ExpectationSpec>();
                        var testIndex = tests.Count;
                        locations.Add(new("test:" + testIndex, Loc(map)));
                        if (Mapping(Node(map, "expect"), "expect") is { } expect)
                        {
                            foreach (var pair in expect.Children)
                            {
                                var fieldId = ((YamlScalarNode)pair.Key).Value ?? string.Empty;
                                var value = (pair.Value as YamlScalarNode)?.Value ?? string.Empty;
                                expectations.Add(new ExpectationSpec(fieldId, value));
                                locations.Add(new("test:" + testIndex + ":" + fieldId, Loc(pair.Value)));
                            }
                        }

                        if (hex is not null)
                        {
                            tests.Add(new TestVectorSpec(hex, expectations.ToEquatableArray()));
                        }
                    }
                }

                var typeName = Scalar(root, "type") ?? Naming.ToPascal(id);
                var layer = Scalar(root, "layer") ?? "application";
                if (layer is not ("link" or "internet" or "transport" or "application"))
                {
                    Report(DiagnosticDescriptors.WrongNodeKind, Loc(Node(root, "layer")!), "layer", "link, internet, transport or application");
                    layer = "application";
                }

                var spec = new ProtocolSpec(
                    id,
                    typeName,
                    _namespace,
                    Scalar(root, "title"),
                    Scalar(root, "rfc"),
                    _endian,
                    _display,
                    Scalar(root, "chain") ?? _display,
                    layer,
                    FrontEnd.Yaml,
                    "public",
                    true,
                    Path.GetFileName(_path),
                    fields.ToEquatableArray(),
                    registrations.ToEquatableArray(),
                    parameters.ToEquatableArray(),
                    supplies,
                    computed.ToEquatableArray(),
                    tests.ToEquatableArray(),
                    EquatableArray<EnumSpec>.Empty,
                    EquatableArray<TlvSetSpec>.Empty)
                {
                    HeuristicTables = ReadHeuristics(root),
                };

                ModelValidator.ValidateProtocol(spec, new LocationLookup(locations, protocolLocation), _diagnostics);
                return new ProtocolDraft(spec, locations.ToEquatableArray());
            }

            // heuristics: [tcp.port, udp.port] — tables whose unmatched payloads are offered to the protocol's heuristic hook.
            private EquatableArray<string> ReadHeuristics(YamlMappingNode root)
            {
                var tables = new List<string>();
                if (Node(root, "heuristics") is { } node)
                {
                    foreach (var t in Sequence(node, "heuristics"))
                    {
                        if (t is YamlScalarNode { Value: { Length: > 0 } table })
                        {
                            tables.Add(table);
                        }
                        else
                        {
                            Report(DiagnosticDescriptors.WrongNodeKind, Loc(t), "heuristics", "a list of dispatch table names");
                        }
                    }
                }

                return tables.ToEquatableArray();
            }

            private void ReadEnums(YamlNode node, bool isFlags)
            {
                if (Mapping(node, isFlags ? "flags" : "enums") is not { } map)
                {
                    return;
                }

                foreach (var pair in map.Children)
                {
                    var id = ((YamlScalarNode)pair.Key).Value ?? string.Empty;
                    if (Mapping(pair.Value, "the enum '" + id + "'") is not { } body)
                    {
                        continue;
                    }

                    CheckKeys(body, "the enum '" + id + "'", EnumKeys);
                    var width = 1;
                    if (Scalar(body, "type") is { } type)
                    {
                        width = IntegerWidth(type);
                        if (width == 0)
                        {
                            Report(DiagnosticDescriptors.UnknownType, Loc(Node(body, "type")!), type, id);
                            width = 1;
                        }
                    }

                    var members = new List<EnumMemberSpec>();
                    if (Mapping(Node(body, "values"), "values") is { } values)
                    {
                        foreach (var member in values.Children)
                        {
                            var name = ((YamlScalarNode)member.Key).Value ?? string.Empty;
                            var value = ParseNumber(member.Value, name);
                            if (value is null)
                            {
                                continue;
                            }

                            if (width < 8 && value.Value >> (width * 8) != 0)
                            {
                                Report(DiagnosticDescriptors.ValueDoesNotFit, Loc(member.Value), Naming.Dec(value.Value), "'" + id + "." + name + "'", width * 8 + " bits");
                            }

                            members.Add(new EnumMemberSpec(name, Naming.ToPascal(name), value.Value));
                        }
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.MissingKey, Loc(body), "The enum '" + id + "'", "values");
                    }

                    _locations.Add(new("enum:" + id, Loc(pair.Key)));
                    _enums.Add(new EnumSpec(id, Scalar(body, "type_name") ?? Naming.ToPascal(id), _namespace, width, isFlags, false, false, members.ToEquatableArray()));
                }
            }

            private void ReadTlvs(YamlNode node)
            {
                if (Mapping(node, "tlvs") is not { } map)
                {
                    return;
                }

                foreach (var pair in map.Children)
                {
                    var id = ((YamlScalarNode)pair.Key).Value ?? string.Empty;
                    var what = "the TLV set '" + id + "'";
                    if (Mapping(pair.Value, what) is not { } body)
                    {
                        continue;
                    }

                    CheckKeys(body, what, TlvKeys);
                    var locations = new List<LocatedKey> { new("tlv", Loc(pair.Key)) };
                    var typeName = Scalar(body, "type_name") ?? Naming.ToPascal(id);

                    var kindWidth = 1;
                    string? kindEnum = null;
                    string? kindDisplay = null;
                    var kindHex = false;
                    if (Mapping(Node(body, "kind"), "kind") is { } kind)
                    {
                        CheckKeys(kind, "kind", TlvKindKeys);
                        kindHex = Scalar(kind, "format") == "hex";
                        kindWidth = Scalar(kind, "type") is { } kt ? IntegerWidth(kt) : 1;
                        if (kindWidth == 0)
                        {
                            Report(DiagnosticDescriptors.UnknownType, Loc(Node(kind, "type")!), Scalar(kind, "type"), id + ".kind");
                            kindWidth = 1;
                        }

                        kindEnum = Scalar(kind, "enum");
                        kindDisplay = Scalar(kind, "display");
                        if (kindEnum is not null)
                        {
                            locations.Add(new("kind:enum", Loc(Node(kind, "enum")!)));
                        }
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.TlvWithoutKind, Loc(pair.Key), id);
                    }

                    var lengthWidth = 1;
                    var includesHeader = true;
                    var scale = 1;
                    var align = 1;
                    string? lengthDisplay = null;
                    if (Mapping(Node(body, "length"), "length") is { } length)
                    {
                        CheckKeys(length, "length", TlvLengthKeys);
                        lengthWidth = Scalar(length, "type") is { } lt ? IntegerWidth(lt) : 1;
                        if (lengthWidth == 0)
                        {
                            Report(DiagnosticDescriptors.UnknownType, Loc(Node(length, "type")!), Scalar(length, "type"), id + ".length");
                            lengthWidth = 1;
                        }

                        includesHeader = Bool(length, "includes_header") ?? true;
                        scale = (int)(Number(length, "scale") ?? 1);
                        lengthDisplay = Scalar(length, "display");
                        align = (int)(Number(length, "align") ?? 1);
                    }

                    var singleByte = new HashSet<string>(StringComparer.Ordinal);
                    if (Node(body, "single_byte") is { } sb)
                    {
                        foreach (var item in Sequence(sb, "single_byte"))
                        {
                            if (item is YamlScalarNode s && s.Value is { } v)
                            {
                                singleByte.Add(v);
                            }
                        }
                    }

                    var endOfList = Scalar(body, "end_of_list");
                    // unknown: raw, or { display: … } naming the raw value's field as the protocol's dissector does (ip.cipso.tag_data).
                    string? unknownDisplay = null;
                    if (Node(body, "unknown") is YamlMappingNode unknownMap)
                    {
                        CheckKeys(unknownMap, "unknown", ["display"]);
                        unknownDisplay = Scalar(unknownMap, "display");
                    }
                    else if (Scalar(body, "unknown") is { } unknown && unknown != "raw")
                    {
                        Report(DiagnosticDescriptors.WrongNodeKind, Loc(Node(body, "unknown")!), "unknown", "'raw' or { display: … }");
                    }

                    var cases = new List<TlvCaseSpec>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    if (Mapping(Node(body, "cases"), "cases") is { } casesMap)
                    {
                        foreach (var c in casesMap.Children)
                        {
                            var caseId = ((YamlScalarNode)c.Key).Value ?? string.Empty;
                            seen.Add(caseId);
                            var caseWhat = "the case '" + caseId + "'";
                            var caseBody = c.Value as YamlMappingNode;
                            if (caseBody is null && c.Value is not YamlScalarNode { Value: null or "" })
                            {
                                Report(DiagnosticDescriptors.WrongNodeKind, Loc(c.Value), caseId, "a mapping");
                                continue;
                            }

                            if (caseBody is not null)
                            {
                                CheckKeys(caseBody, caseWhat, CaseKeys);
                            }

                            locations.Add(new("case:" + caseId, Loc(c.Key)));
                            var kindValue = caseBody is null ? null : Number(caseBody, "kind");
                            var fields = caseBody is not null && Node(caseBody, "fields") is { } fn
                                ? ReadFields(fn, "case:" + caseId + ":field:", locations)
                                : [];
                            var isSingle = singleByte.Contains(caseId) || (caseBody is not null && (Bool(caseBody, "single_byte") ?? false));
                            var isEnd = endOfList == caseId || (caseBody is not null && (Bool(caseBody, "end_of_list") ?? false));
                            cases.Add(new TlvCaseSpec(
                                caseId,
                                (caseBody is null ? null : Scalar(caseBody, "type_name")) ?? Naming.ToPascal(caseId),
                                kindValue ?? ulong.MaxValue, // resolved from the kind enum by name when absent
                                isSingle,
                                isEnd,
                                false,
                                fields.ToEquatableArray()));
                        }
                    }

                    // Single-byte kinds named only in the list get an empty case.
                    foreach (var name in singleByte)
                    {
                        if (!seen.Contains(name))
                        {
                            locations.Add(new("case:" + name, Loc(Node(body, "single_byte")!)));
                            cases.Add(new TlvCaseSpec(name, Naming.ToPascal(name), ulong.MaxValue, true, endOfList == name, false, EquatableArray<FieldSpec>.Empty));
                        }
                    }

                    var spec = new TlvSetSpec(
                        id,
                        typeName,
                        _namespace,
                        _endian,
                        kindWidth,
                        lengthWidth,
                        includesHeader,
                        scale,
                        kindEnum ?? string.Empty,
                        Scalar(body, "display") ?? _display,
                        kindDisplay,
                        lengthDisplay,
                        false,
                        "public",
                        cases.ToEquatableArray(),
                EquatableArray<EnumSpec>.Empty)
                    {
                        HeaderFields = Node(body, "header_fields") is { } hf ? ReadFields(hf, "header:field:", locations).ToEquatableArray() : EquatableArray<FieldSpec>.Empty,
                        Align = align,
                        KindHex = kindHex,
                        UnknownDisplay = unknownDisplay,
                    };
                    ModelValidator.ValidateTlv(spec, new LocationLookup(locations, Loc(pair.Key)), _diagnostics);
                    _tlvs.Add(new TlvDraft(spec, locations.ToEquatableArray()));
                }
            }

            private List<FieldSpec> ReadFields(YamlNode node, string prefix, List<LocatedKey> locations)
            {
                var fields = new List<FieldSpec>();
                foreach (var item in Sequence(node, "fields"))
                {
                    if (Mapping(item, "a field") is not { } map)
                    {
                        continue;
                    }

                    var field = ReadField(map, prefix, locations);
                    if (field is not null)
                    {
                        fields.Add(field);
                    }
                }

                return fields;
            }

            private FieldSpec? ReadField(YamlMappingNode map, string prefix, List<LocatedKey> locations)
            {
                CheckKeys(map, "a field", FieldKeys);
                var id = Required(map, "id", "A field");
                if (id is null)
                {
                    return null;
                }

                var key = prefix + id;
                locations.Add(new(key, Loc(map)));
                void Mark(string sub)
                {
                    if (Node(map, sub) is { } n)
                    {
                        locations.Add(new(key + ":" + sub, Loc(n)));
                    }
                }

                foreach (var sub in FieldKeys)
                {
                    Mark(sub);
                }

                var endian = _endian;
                if (Scalar(map, "endian") is { } e)
                {
                    endian = e == "little" ? EndianKind.Little : EndianKind.Big;
                }

                var type = FieldType.UInt;
                var width = 0;
                var bits = 0;
                var signed = false;
                RegionKind? region = null;
                string? tlv = null;
                var children = new List<FieldSpec>();
                string? repeatType = null;
                string? repeatUntil = null;
                string? variantSwitch = null;
                var variantCases = new List<VariantCaseSpec>();

                if (Number(map, "bits") is { } b)
                {
                    bits = (int)b;
                    type = bits == 1 && Scalar(map, "type") == "bool" ? FieldType.Bool : FieldType.UInt;
                    if (Scalar(map, "type") is { } bitType && bitType != "bool")
                    {
                        // The width is the bits; a type would be ignored (and a signed one would not be signed).
                        Report(DiagnosticDescriptors.UnsupportedLayout, Loc(Node(map, "type")!), id, "a bit field's width is its 'bits', and its type may only be bool (not " + bitType + ")");
                    }
                    if (bits is < 1 or > 64)
                    {
                        Report(DiagnosticDescriptors.ValueDoesNotFit, Loc(Node(map, "bits")!), Naming.Dec(b), "'bits' of '" + id + "'", "1..64");
                        bits = 8;
                    }
                }
                else if (Scalar(map, "switch") is { } switchField)
                {
                    type = FieldType.Variant;
                    region = ParseRegion(map);
                    variantSwitch = switchField;
                    variantCases = ReadVariantCases(map, key, locations);
                    repeatType = Scalar(map, "type_name");
                }
                else if (Scalar(map, "tlv") is { } tlvId)
                {
                    type = FieldType.Tlv;
                    tlv = tlvId;
                    region = ParseRegion(map) ?? RegionKind.RestOfHeader;
                }
                else if (Node(map, "repeat") is { } repeatNode)
                {
                    type = FieldType.Repeat;
                    if (repeatNode is YamlMappingNode repeatMap)
                    {
                        CheckKeys(repeatMap, "repeat", RepeatKeys);
                        repeatUntil = Required(repeatMap, "until", "repeat");
                    }
                    else if (Scalar(map, "repeat") != "to_end")
                    {
                        Report(DiagnosticDescriptors.WrongNodeKind, Loc(repeatNode), "repeat", "'to_end' or { until: field }");
                    }

                    region = ParseRegion(map) ?? RegionKind.Rest;
                    if (Node(map, "fields") is { } fn)
                    {
                        children = ReadFields(fn, key + ":", locations);
                    }

                    repeatType = Scalar(map, "type_name") ?? Naming.ToPascal(id.EndsWith("s", StringComparison.Ordinal) ? id.Substring(0, id.Length - 1) : id + "_item");
                }
                else if (Node(map, "dispatch") is not null || (Scalar(map, "type") is null && ParseRegion(map) is not null && Node(map, "size") is null && Node(map, "length") is null))
                {
                    type = FieldType.Payload;
                    region = ParseRegion(map) ?? RegionKind.Rest;
                }
                else if (Scalar(map, "type") is { } typeText)
                {
                    switch (typeText)
                    {
                        case "bool":
                            type = FieldType.Bool;
                            bits = 1;
                            break;
                        case "bytes" or "text" or "stringz":
                            // text: a byte string shown as text (a DHCP host name, an FTP command), laid out as bytes;
                            // stringz: the same, shown up to the first NUL (BOOTP's fixed-size server and file names).
                            type = FieldType.Bytes;
                            width = (int)(Number(map, "size") ?? 0);
                            region = ParseRegion(map);
                            break;
                        case var address when AddressType(address) is { } known:
                            (type, width) = known;
                            break;
                        case var integer when SignedWidth(integer) is > 0 and var signedWidth:
                            width = signedWidth;
                            signed = true;
                            break;
                        default:
                            width = IntegerWidth(typeText);
                            if (width == 0)
                            {
                                Report(DiagnosticDescriptors.UnknownType, Loc(Node(map, "type")!), typeText, id);
                                width = 1;
                            }

                            break;
                    }
                }
                else
                {
                    Report(DiagnosticDescriptors.MissingKey, Loc(map), "The field '" + id + "'", "type");
                    width = 1;
                }

                if (signed && (Node(map, "enum") ?? Node(map, "flags") ?? Node(map, "names") ?? Node(map, "format") ?? Node(map, "valid") ??
                               Node(map, "reserved") ?? Node(map, "checksum") ?? Node(map, "role") ?? Node(map, "size_of") ?? Node(map, "alt")) is { } extra)
                {
                    // A signed value names, selects, sizes and checks nothing: those read unsigned values.
                    Report(DiagnosticDescriptors.UnsupportedLayout, Loc(extra), id, "a signed integer takes no enum, flags, names, format, valid, reserved, checksum, role, size_of or alt");
                    signed = false;
                }

                SizeOfSpec? sizeOf = null;
                if (Mapping(Node(map, "size_of"), "size_of") is { } so)
                {
                    CheckKeys(so, "size_of", SizeOfKeys);
                    var r = RegionFrom(so, "region");
                    if (r is not null)
                    {
                        sizeOf = new SizeOfSpec(r.Value, (int)(Number(so, "scale") ?? 1), (int)(SignedNumber(so, "offset") ?? 0));
                    }
                    else if (Node(so, "region") is null)
                    {
                        Report(DiagnosticDescriptors.MissingKey, Loc(so), "size_of", "region");
                    }
                }

                LengthSpec? length = null;
                if (Node(map, "length") is { } ln)
                {
                    if (ln is YamlScalarNode lns && lns.Value is { } lf)
                    {
                        length = new LengthSpec(lf, 1, 0);
                    }
                    else if (Mapping(ln, "length") is { } lm)
                    {
                        CheckKeys(lm, "length", LengthKeys);
                        if (Required(lm, "field", "length") is { } f)
                        {
                            length = new LengthSpec(f, (int)(Number(lm, "scale") ?? 1), (int)(SignedNumber(lm, "offset") ?? 0));
                        }
                    }

                    if (type == FieldType.UInt && Scalar(map, "type") is null)
                    {
                        type = FieldType.Bytes;
                    }
                }

                ValidationSpec? valid = null;
                if (Mapping(Node(map, "valid"), "valid") is { } vm)
                {
                    CheckKeys(vm, "valid", ValidKeys);
                    var anyOf = new List<ulong>();
                    if (Node(vm, "any_of") is { } ao)
                    {
                        foreach (var v in Sequence(ao, "any_of"))
                        {
                            if (ParseNumber(v, "any_of") is { } n)
                            {
                                anyOf.Add(n);
                            }
                        }
                    }

                    valid = new ValidationSpec(Number(vm, "eq"), Number(vm, "min"), Number(vm, "max"), anyOf.ToEquatableArray());
                }

                ChecksumSpec? checksum = null;
                if (Mapping(Node(map, "checksum"), "checksum") is { } cm)
                {
                    CheckKeys(cm, "checksum", ChecksumKeys);
                    var algo = Scalar(cm, "algo") ?? "inet16";
                    if (algo != "inet16")
                    {
                        Report(DiagnosticDescriptors.UnknownType, Loc(Node(cm, "algo")!), algo, id);
                    }

                    var covers = Scalar(cm, "covers") ?? "header";
                    var coversPayload = covers == "header+payload";
                    if (covers is not ("header" or "header+payload"))
                    {
                        Report(DiagnosticDescriptors.ChecksumUnknownRegion, Loc(Node(cm, "covers")!), id, covers);
                    }

                    checksum = new ChecksumSpec(algo, coversPayload, Scalar(cm, "pseudo_header"), Bool(cm, "zero_means_none") ?? false) { CoverageField = Scalar(cm, "coverage") };
                }

                var format = ReadFormat(map, type == FieldType.UInt && bits == 0 && width == 8);

                DispatchSpec? dispatch = null;
                if (Mapping(Node(map, "dispatch"), "dispatch") is { } dm)
                {
                    CheckKeys(dm, "dispatch", DispatchKeys);
                    var tables = new List<string>();
                    if (Scalar(dm, "table") is { } firstTable)
                    {
                        tables.Add(firstTable);
                    }

                    if (Node(dm, "tables") is { } tn)
                    {
                        foreach (var t in Sequence(tn, "tables"))
                        {
                            if (t is YamlScalarNode { Value: { } tv } && !tables.Contains(tv))
                            {
                                tables.Add(tv);
                            }
                        }
                    }

                    var hook = Bool(dm, "hook") ?? false;
                    var table = tables.Count > 0 ? tables[0] : null;
                    if (table is null)
                    {
                        Report(DiagnosticDescriptors.MissingKey, Loc(dm), "A dispatch", "table");
                    }

                    var keys = new List<string>();
                    if (Scalar(dm, "key") is { } k)
                    {
                        keys.Add(k);
                    }

                    if (Node(dm, "keys") is { } kn)
                    {
                        foreach (var kk in Sequence(kn, "keys"))
                        {
                            if (kk is YamlScalarNode { Value: { } kv })
                            {
                                keys.Add(kv);
                            }
                        }
                    }

                    var order = Scalar(dm, "order");
                    if (order is not (null or "low_first" or "as_written"))
                    {
                        Report(DiagnosticDescriptors.WrongNodeKind, Loc(Node(dm, "order")!), "order", "'low_first' or 'as_written'");
                    }

                    if (keys.Count == 0 && !hook)
                    {
                        Report(DiagnosticDescriptors.MissingKey, Loc(dm), "A dispatch", "key");
                    }

                    if (table is not null)
                    {
                        var labels = new List<string>();
                        if (Node(dm, "chain") is YamlScalarNode { Value: { } oneLabel })
                        {
                            labels.Add(oneLabel);
                        }
                        else if (Node(dm, "chain") is { } labelNode)
                        {
                            foreach (var l in Sequence(labelNode, "chain"))
                            {
                                labels.Add((l as YamlScalarNode)?.Value ?? string.Empty);
                            }
                        }

                        while (labels.Count < tables.Count)
                        {
                            labels.Add(string.Empty);
                        }

                        dispatch = new DispatchSpec(table, keys.ToEquatableArray(), order == "low_first", ReadCondition(Node(dm, "when")))
                        {
                            Hook = hook,
                            Tables = tables.ToEquatableArray(),
                            ChainLabels = labels.ToEquatableArray(),
                            FragmentWhen = ReadCondition(Node(dm, "fragment_when")),
                            Quoted = Scalar(dm, "quoted") == "true",
                        };
                        locations.Add(new(key + ":dispatch", Loc(dm)));
                    }
                }

                string? enumId = Scalar(map, "enum");
                if (Scalar(map, "flags") is { } flagsId)
                {
                    enumId = flagsId;
                }

                var field = new FieldSpec(
                    id,
                    Naming.ToPascal(id),
                    type,
                    width,
                    bits,
                    endian,
                    enumId,
                    format,
                    Scalar(map, "display"),
                    Bool(map, "display_scaled") ?? false,
                    sizeOf,
                    length,
                    valid,
                    checksum,
                    ReadCondition(Node(map, "when")),
                    region,
                    tlv,
                    dispatch,
                    Number(map, "reserved"),
                    repeatType,
                    children.ToEquatableArray())
                {
                    NamesEnumId = Scalar(map, "names"),
                    RepeatUntil = repeatUntil,
                    SwitchField = variantSwitch,
                    Cases = variantCases.ToEquatableArray(),
                    IsAddress = Bool(map, "address") ?? false,
                    Text = Scalar(map, "type") switch { "text" => TextKind.Text, "stringz" => TextKind.NulTerminated, _ => TextKind.None },
                    Alt = Node(map, "alt") is YamlMappingNode && Mapping(Node(map, "alt"), "alt") is { } alt && Node(alt, "when") is null && Required(alt, "id", "alt") is { } altId
                        ? Number(alt, "size") is { } altSize
                            ? new AltDisplaySpec(0, altId, Scalar(alt, "display") ?? altId) { Size = (int)altSize }
                            : Number(alt, "max") is { } altMax ? new AltDisplaySpec(altMax, altId, Scalar(alt, "display") ?? altId) : null
                        : null,
                    AltWhen = ReadConditionalAlts(Node(map, "alt")),
                    HexDigits = (int)(Number(map, "hex_digits") ?? 0),
                    Role = Scalar(map, "role"),
                    ShowWhen = ReadConditions(Node(map, "show_when")),
                    Signed = signed,
                };
                if (Node(map, "decode") is { } decodeNode)
                {
                    if (type != FieldType.Bytes || region is null)
                    {
                        Report(DiagnosticDescriptors.UnsupportedLayout, Loc(decodeNode), id, "only a byte string filling a region ('type: bytes' with 'region:') can be decoded by a hook");
                    }
                    else if (decodeNode is YamlMappingNode decodeMap)
                    {
                        CheckKeys(decodeMap, "decode", ["from"]);
                        field = field with { Decode = true, DecodeFrom = Required(decodeMap, "from", "decode") };
                    }
                    else
                    {
                        field = field with { Decode = true, Children = ReadDecoded(decodeNode, key + ":", locations).ToEquatableArray() };
                    }
                }

                return field;
            }

            /// <summary>The fields a <c>decode:</c> hook reports: each a value (<c>type:</c>) or a list of items (<c>fields:</c>).</summary>
            private List<FieldSpec> ReadDecoded(YamlNode node, string prefix, List<LocatedKey> locations)
            {
                var fields = new List<FieldSpec>();
                if (node is not YamlSequenceNode sequence)
                {
                    Report(DiagnosticDescriptors.WrongNodeKind, Loc(node), "decode", "a list of fields");
                    return fields;
                }

                foreach (var item in sequence.Children)
                {
                    if (Mapping(item, "a decoded field") is not { } map)
                    {
                        continue;
                    }

                    CheckKeys(map, "a decoded field", DecodeKeys);
                    var id = Required(map, "id", "A decoded field");
                    if (id is null)
                    {
                        continue;
                    }

                    var key = prefix + id;
                    locations.Add(new(key, Loc(map)));
                    foreach (var sub in DecodeKeys)
                    {
                        if (Node(map, sub) is { } n)
                        {
                            locations.Add(new(key + ":" + sub, Loc(n)));
                        }
                    }

                    var type = FieldType.UInt;
                    var width = 0;
                    var children = new List<FieldSpec>();
                    string? itemName = null;
                    if (Node(map, "fields") is { } fieldsNode)
                    {
                        type = FieldType.DecodedList;
                        itemName = Scalar(map, "item") ?? id;
                        children = ReadDecoded(fieldsNode, key + ":", locations);
                    }
                    else
                    {
                        switch (Scalar(map, "type"))
                        {
                            case "text":
                                type = FieldType.Text;
                                break;
                            case "bytes":
                                type = FieldType.Bytes;
                                break;
                            case "bool":
                                // A whole value the hook reports, not a bit of the wire layout.
                                type = FieldType.Bool;
                                width = 1;
                                break;
                            case { } address when AddressType(address) is { } known:
                                (type, width) = known;
                                break;
                            case { } integer:
                                width = IntegerWidth(integer);
                                if (width == 0)
                                {
                                    Report(DiagnosticDescriptors.UnknownType, Loc(Node(map, "type")!), integer, id);
                                    width = 1;
                                }

                                break;
                            case null when Scalar(map, "enum") is null && Scalar(map, "flags") is null:
                                Report(DiagnosticDescriptors.MissingKey, Loc(map), "The decoded field '" + id + "'", "type");
                                width = 1;
                                break;
                        }
                    }

                    var format = ReadFormat(map, type == FieldType.UInt && width == 8);
                    fields.Add(FieldSpec.Decoded(id, type, width, Scalar(map, "flags") ?? Scalar(map, "enum"), format, Scalar(map, "display"),
                        (int)(Number(map, "hex_digits") ?? 0), Scalar(map, "names"), itemName, children.ToEquatableArray()));
                }

                return fields;
            }

            private List<VariantCaseSpec> ReadVariantCases(YamlMappingNode map, string key, List<LocatedKey> locations)
            {
                var cases = new List<VariantCaseSpec>();
                if (Mapping(Node(map, "cases"), "cases") is { } casesMap)
                {
                    foreach (var pair in casesMap.Children)
                    {
                        var caseId = ((YamlScalarNode)pair.Key).Value ?? string.Empty;
                        if (Mapping(pair.Value, "the case '" + caseId + "'") is not { } body)
                        {
                            continue;
                        }

                        CheckKeys(body, "the case '" + caseId + "'", VariantCaseKeys);
                        locations.Add(new(key + ":case:" + caseId, Loc(pair.Key)));
                        var keys = new List<ulong>();
                        var names = new List<string>();
                        if (Node(body, "when") is { } whenNode)
                        {
                            var items = whenNode is YamlSequenceNode seq ? (IEnumerable<YamlNode>)seq.Children : [whenNode];
                            foreach (var item in items)
                            {
                                if (item is YamlScalarNode { Value: { } text })
                                {
                                    if (TryParseNumber(text, out var number))
                                    {
                                        keys.Add(number);
                                    }
                                    else
                                    {
                                        names.Add(text);
                                    }
                                }
                            }
                        }
                        else
                        {
                            names.Add(caseId);
                        }

                        var fields = Node(body, "fields") is { } fn ? ReadFields(fn, key + ":case:" + caseId + ":field:", locations) : [];
                        cases.Add(new VariantCaseSpec(caseId, Scalar(body, "type_name") ?? Naming.ToPascal(caseId), keys.ToEquatableArray(), names.ToEquatableArray(), false, fields.ToEquatableArray())
                        {
                            And = ReadCondition(Node(body, "and")),
                            MinLength = Number(body, "min_length") is { } minLength ? (int)Math.Min(minLength, int.MaxValue) : null,
                            MaxLength = Number(body, "max_length") is { } maxLength ? (int)Math.Min(maxLength, int.MaxValue) : null,
                        });
                    }
                }
                else
                {
                    Report(DiagnosticDescriptors.MissingKey, Loc(map), "A switch", "cases");
                }

                if (Mapping(Node(map, "default"), "default") is { } defaultBody)
                {
                    CheckKeys(defaultBody, "the default case", DefaultCaseKeys);
                    var fields = Node(defaultBody, "fields") is { } fn ? ReadFields(fn, key + ":case:default:field:", locations) : [];
                    cases.Add(new VariantCaseSpec("default", Scalar(defaultBody, "type_name") ?? "Default", EquatableArray<ulong>.Empty, EquatableArray<string>.Empty, false, fields.ToEquatableArray()));
                }

                return cases;
            }

            /// <summary>
            /// The names a field is shown under while a condition holds: <c>alt: { when: …, id, display, enum }</c>, or a
            /// list of them (the first that holds names the field). A mapping without <c>when</c> is a bound or a size alt.
            /// </summary>
            private EquatableArray<AltDisplaySpec> ReadConditionalAlts(YamlNode? node)
            {
                var alts = new List<AltDisplaySpec>();
                if (node is YamlMappingNode single && Node(single, "when") is null)
                {
                    CheckKeys(single, "alt", BoundAltKeys); // a bound or a size alt, read beside (its value keeps the field's names)
                }

                IEnumerable<YamlNode> items = node is YamlSequenceNode sequence ? sequence.Children : node is YamlMappingNode m && Node(m, "when") is not null ? [node] : [];
                foreach (var item in items)
                {
                    if (Mapping(item, "alt") is not { } alt)
                    {
                        continue;
                    }

                    CheckKeys(alt, "alt", AltKeys);
                    if (Node(alt, "when") is null || Node(alt, "max") is not null || Node(alt, "size") is not null)
                    {
                        Report(DiagnosticDescriptors.UnsupportedLayout, Loc(alt), Scalar(alt, "id") ?? "alt", "an alt in a list names the field while its 'when' holds; a bound ('max') or a size ('size') alt stands alone");
                        continue;
                    }

                    if (Required(alt, "id", "alt") is { } id && ReadCondition(Node(alt, "when")) is { } when)
                    {
                        alts.Add(new AltDisplaySpec(0, id, Scalar(alt, "display") ?? id) { When = when, Enum = Scalar(alt, "enum") });
                    }
                }

                return alts.ToEquatableArray();
            }

            /// <summary>One condition, or a list of them (any may hold).</summary>
            private EquatableArray<ConditionSpec> ReadConditions(YamlNode? node)
            {
                var conditions = new List<ConditionSpec>();
                IEnumerable<YamlNode> items = node is YamlSequenceNode sequence ? sequence.Children : node is null ? new List<YamlNode>() : new List<YamlNode> { node };
                foreach (var item in items)
                {
                    if (ReadCondition(item) is { } condition)
                    {
                        conditions.Add(condition);
                    }
                }

                return conditions.ToEquatableArray();
            }

            private ConditionSpec? ReadCondition(YamlNode? node)
            {
                if (node is null || Mapping(node, "when") is not { } map)
                {
                    return null;
                }

                CheckKeys(map, "when", WhenKeys);
                var field = Required(map, "field", "when");
                if (field is null)
                {
                    return null;
                }

                var mask = Number(map, "mask") ?? 0;
                var eq = Number(map, "eq") ?? 0;
                var anyOf = new List<ulong>();
                if (Node(map, "any_of") is { } ao)
                {
                    foreach (var v in Sequence(ao, "any_of"))
                    {
                        if (ParseNumber(v, "any_of") is { } n)
                        {
                            anyOf.Add(n);
                        }
                    }
                }

                if (mask == 0 && Node(map, "eq") is null && anyOf.Count == 0)
                {
                    Report(DiagnosticDescriptors.MissingKey, Loc(map), "when", "mask', 'eq' or 'any_of");
                }

                return new ConditionSpec(field, mask, eq) { AnyOf = anyOf.ToEquatableArray(), And = ReadCondition(Node(map, "and")) };
            }

            private RegionKind? ParseRegion(YamlMappingNode map) => RegionFrom(map, "region");

            private RegionKind? RegionFrom(YamlMappingNode map, string key)
            {
                if (Scalar(map, key) is not { } text)
                {
                    return null;
                }

                RegionKind? region = text switch
                {
                    "header" => RegionKind.Header,
                    "datagram" => RegionKind.Datagram,
                    "options" => RegionKind.Options,
                    "payload" => RegionKind.Payload,
                    "rest_of_header" => RegionKind.RestOfHeader,
                    "rest" => RegionKind.Rest,
                    _ => null,
                };
                if (region is null)
                {
                    Report(DiagnosticDescriptors.UnknownReference, Loc(Node(map, key)!), "'" + key + "'", "region", text);
                }

                return region;
            }

            // format: dec (the default), hex, or ntp_time (a whole u64 that is an RFC 5905 timestamp).
            private NumberFormatKind ReadFormat(YamlMappingNode map, bool isWholeU64)
            {
                switch (Scalar(map, "format"))
                {
                    case null or "dec":
                        return NumberFormatKind.Decimal;
                    case "hex":
                        return NumberFormatKind.Hex;
                    case "ntp_time" when isWholeU64:
                        return NumberFormatKind.NtpTimestamp;
                    case "ntp_time":
                        Report(DiagnosticDescriptors.WrongNodeKind, Loc(Node(map, "format")!), "format: ntp_time", "on a field of type u64");
                        return NumberFormatKind.Decimal;
                    default:
                        Report(DiagnosticDescriptors.WrongNodeKind, Loc(Node(map, "format")!), "format", "'dec', 'hex' or 'ntp_time'");
                        return NumberFormatKind.Decimal;
                }
            }

            /// <summary>The address types: their field type and width in bytes.</summary>
            private static (FieldType Type, int Width)? AddressType(string type) => type switch
            {
                "mac" => (FieldType.Mac, 6),
                "ipv4" => (FieldType.Ipv4, 4),
                "ipv6" => (FieldType.Ipv6, 16),
                _ => null,
            };

            /// <summary>The signed integer types' widths in bytes (0 for any other type).</summary>
            private static int SignedWidth(string type) => type switch
            {
                "i8" => 1,
                "i16" => 2,
                "i32" => 4,
                "i64" => 8,
                _ => 0,
            };

            private static int IntegerWidth(string type) => type switch
            {
                "u8" => 1,
                "u16" => 2,
                "u24" => 3,
                "u32" => 4,
                "u48" => 6,
                "u64" => 8,
                _ => 0,
            };

            // ---- YAML helpers ------------------------------------------------------------------------------

            private void CheckKeys(YamlMappingNode map, string what, string[] allowed)
            {
                foreach (var pair in map.Children)
                {
                    var name = (pair.Key as YamlScalarNode)?.Value ?? string.Empty;
                    if (Array.IndexOf(allowed, name) < 0)
                    {
                        Report(DiagnosticDescriptors.UnknownKey, Loc(pair.Key), name, what, string.Join(", ", allowed));
                    }
                }
            }

            private static YamlNode? Node(YamlMappingNode map, string key)
            {
                foreach (var pair in map.Children)
                {
                    if (pair.Key is YamlScalarNode s && s.Value == key)
                    {
                        return pair.Value;
                    }
                }

                return null;
            }

            private string? Scalar(YamlMappingNode map, string key)
            {
                var node = Node(map, key);
                if (node is null)
                {
                    return null;
                }

                if (node is YamlScalarNode s)
                {
                    return s.Value;
                }

                Report(DiagnosticDescriptors.WrongNodeKind, Loc(node), key, "a scalar");
                return null;
            }

            private string? Required(YamlMappingNode map, string key, string what)
            {
                var value = Scalar(map, key);
                if (value is null && Node(map, key) is null)
                {
                    Report(DiagnosticDescriptors.MissingKey, Loc(map), what, key);
                }

                return value;
            }

            private YamlMappingNode? Mapping(YamlNode? node, string what)
            {
                if (node is null)
                {
                    return null;
                }

                if (node is YamlMappingNode map)
                {
                    return map;
                }

                Report(DiagnosticDescriptors.WrongNodeKind, Loc(node), what, "a mapping");
                return null;
            }

            private IEnumerable<YamlNode> Sequence(YamlNode node, string what)
            {
                if (node is YamlSequenceNode seq)
                {
                    return seq.Children;
                }

                Report(DiagnosticDescriptors.WrongNodeKind, Loc(node), what, "a sequence");
                return [];
            }

            private bool? Bool(YamlMappingNode map, string key)
            {
                var text = Scalar(map, key);
                if (text is null)
                {
                    return null;
                }

                if (text is "true" or "yes")
                {
                    return true;
                }

                if (text is "false" or "no")
                {
                    return false;
                }

                Report(DiagnosticDescriptors.WrongNodeKind, Loc(Node(map, key)!), key, "true or false");
                return null;
            }

            private ulong? Number(YamlMappingNode map, string key)
            {
                var node = Node(map, key);
                return node is null ? null : ParseNumber(node, key);
            }

            private long? SignedNumber(YamlMappingNode map, string key)
            {
                var node = Node(map, key);
                if (node is YamlScalarNode { Value: { } text } && text.StartsWith("-", StringComparison.Ordinal))
                {
                    if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var neg))
                    {
                        return neg;
                    }

                    Report(DiagnosticDescriptors.InvalidNumber, Loc(node), text, key);
                    return null;
                }

                return node is null ? null : (long?)ParseNumber(node, key);
            }

            private ulong? ParseNumber(YamlNode node, string what)
            {
                if (node is not YamlScalarNode { Value: { } text })
                {
                    Report(DiagnosticDescriptors.WrongNodeKind, Loc(node), what, "a number");
                    return null;
                }

                if (TryParseNumber(text, out var value))
                {
                    return value;
                }

                Report(DiagnosticDescriptors.InvalidNumber, Loc(node), text, what);
                return null;
            }

            private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo location, params object?[] args) =>
                _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));

            private LocationInfo Loc(YamlNode node) => Loc(node.Start, node.End);

            private LocationInfo Loc(Mark start, Mark end)
            {
                var startIndex = (int)Math.Min(start.Index, _text.Length);
                var endIndex = (int)Math.Min(Math.Max(end.Index, start.Index), _text.Length);
                return new LocationInfo(
                    _path,
                    startIndex,
                    endIndex - startIndex,
                    (int)Math.Max(start.Line - 1, 0),
                    (int)Math.Max(start.Column - 1, 0),
                    (int)Math.Max(end.Line - 1, 0),
                    (int)Math.Max(end.Column - 1, 0));
            }

            private static string Clean(string message)
            {
                // YamlDotNet prefixes messages with the marks, which the diagnostic location already carries.
                var i = message.IndexOf("): ", StringComparison.Ordinal);
                return i >= 0 && message.StartsWith("(", StringComparison.Ordinal) ? message.Substring(i + 3) : message;
            }
        }

        public static bool TryParseNumber(string text, out ulong value)
        {
            text = text.Replace("_", string.Empty);
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                return ulong.TryParse(text.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
            }

            if (text.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
            {
                value = 0;
                if (text.Length <= 2 || text.Length > 66)
                {
                    return false;
                }

                foreach (var c in text.Substring(2))
                {
                    if (c is not ('0' or '1'))
                    {
                        return false;
                    }

                    value = (value << 1) | (c == '1' ? 1UL : 0UL);
                }

                return true;
            }

            return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }
    }
}
