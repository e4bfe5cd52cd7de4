using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace PcapKit.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. Ranges: PKGEN1xxx YAML structure, PKGEN2xxx protocol model,
/// PKGEN3xxx attributed records, PKGEN4xxx test vectors. Listed in AnalyzerReleases.Unshipped.md and docs.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Yaml = "PcapKit.Yaml";
    private const string Model = "PcapKit.Model";
    private const string Attributes = "PcapKit.Attributes";
    private const string Tests = "PcapKit.Tests";

    public static readonly DiagnosticDescriptor YamlSyntax = Error("PKGEN1001", "YAML syntax error", "YAML syntax error: {0}", Yaml);

    public static readonly DiagnosticDescriptor UnknownKey = Error(
        "PKGEN1002", "Unknown key", "Unknown key '{0}' in {1}; expected one of: {2}", Yaml);

    public static readonly DiagnosticDescriptor MissingKey = Error(
        "PKGEN1003", "Missing key", "{0} requires the key '{1}'", Yaml);

    public static readonly DiagnosticDescriptor WrongNodeKind = Error(
        "PKGEN1004", "Wrong kind of YAML node", "'{0}' must be {1}", Yaml);

    public static readonly DiagnosticDescriptor InvalidNumber = Error(
        "PKGEN1005", "Not a number", "'{0}' is not a number ({1})", Yaml);

    public static readonly DiagnosticDescriptor UnknownType = Error(
        "PKGEN2001", "Unknown field type", "Unknown type '{0}' for field '{1}'; expected u8, u16, u24, u32, u48, u64, i8, i16, i32, i64, bool, mac, ipv4, ipv6 or bytes", Model);

    public static readonly DiagnosticDescriptor BitGroupNotByteAligned = Error(
        "PKGEN2002", "Bit group not a multiple of 8 bits", "The bit fields {0} add up to {1} bits, which is not a whole number of bytes", Model);

    public static readonly DiagnosticDescriptor ValueDoesNotFit = Error(
        "PKGEN2003", "Value does not fit", "The value {0} of {1} does not fit {2}", Model);

    public static readonly DiagnosticDescriptor UnknownReference = Error(
        "PKGEN2004", "Unknown reference", "{0} refers to unknown {1} '{2}'", Model);

    public static readonly DiagnosticDescriptor DuplicateField = Error(
        "PKGEN2005", "Duplicate field", "The field '{0}' is declared more than once in '{1}'", Model);

    public static readonly DiagnosticDescriptor DuplicateDispatchKey = Error(
        "PKGEN2006", "Duplicate dispatch key", "Table '{0}' key {1} is registered by both '{2}' and '{3}'", Model);

    public static readonly DiagnosticDescriptor TlvWithoutKind = Error(
        "PKGEN2007", "TLV set without a kind field", "The TLV set '{0}' does not declare its kind field; add 'kind: {{ type: u8 }}'", Model);

    public static readonly DiagnosticDescriptor ChecksumUnknownRegion = Error(
        "PKGEN2008", "Checksum over an unknown region", "The checksum '{0}' covers '{1}', which is not a region; expected 'header' or 'header+payload'", Model);

    public static readonly DiagnosticDescriptor MissingEndianness = Error(
        "PKGEN2009", "Missing endianness", "The protocol '{0}' does not say its byte order; add 'endian: big' or 'endian: little'", Model);

    public static readonly DiagnosticDescriptor PayloadNotLast = Error(
        "PKGEN2010", "Field after the payload", "The field '{0}' follows the payload '{1}'; the payload must be the last field", Model);

    public static readonly DiagnosticDescriptor DuplicateProtocol = Error(
        "PKGEN2011", "Duplicate protocol", "The {0} '{1}' is declared more than once", Model);

    public static readonly DiagnosticDescriptor UnsupportedLayout = Error(
        "PKGEN2012", "Unsupported layout", "The field '{0}' cannot be laid out: {1}", Model);

    public static readonly DiagnosticDescriptor NameClash = Error(
        "PKGEN2013", "Name clash", "The {0} '{1}' would be named '{2}' in C#, which clashes with {3}; give it another id or type_name", Model);

    public static readonly DiagnosticDescriptor RecordNotPartial = Error(
        "PKGEN3001", "Protocol record not partial", "The type '{0}' must be a partial record to declare a protocol or TLV set", Attributes);

    public static readonly DiagnosticDescriptor UnsupportedPropertyType = Error(
        "PKGEN3002", "Unsupported property type", "The property '{0}' has type '{1}', which no wire type maps to", Attributes);

    public static readonly DiagnosticDescriptor NestedDeclaration = Error(
        "PKGEN3003", "Nested declaration", "The type '{0}' is declared inside '{1}'; a protocol, TLV set or variant set must be declared directly in a namespace", Attributes);

    public static readonly DiagnosticDescriptor TestVectorMismatch = Error(
        "PKGEN4001", "Test vector does not match", "Test vector {0}: '{1}' is {2}, but the vector expects {3}", Tests);

    public static readonly DiagnosticDescriptor TestVectorInvalid = Error(
        "PKGEN4002", "Test vector is not valid", "Test vector {0}: {1}", Tests);

    private static readonly Dictionary<string, DiagnosticDescriptor> All = Index(
        YamlSyntax, UnknownKey, MissingKey, WrongNodeKind, InvalidNumber, UnknownType, BitGroupNotByteAligned, ValueDoesNotFit,
        UnknownReference, DuplicateField, DuplicateDispatchKey, TlvWithoutKind, ChecksumUnknownRegion, MissingEndianness,
        PayloadNotLast, DuplicateProtocol, UnsupportedLayout, NameClash, RecordNotPartial, UnsupportedPropertyType, NestedDeclaration, TestVectorMismatch,
        TestVectorInvalid);

    public static DiagnosticDescriptor ById(string id) => All[id];

    private static DiagnosticDescriptor Error(string id, string title, string message, string category) =>
        new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: "https://github.com/pcapkit-gen/pcapkit-gen/blob/main/docs/writing-a-protocol.md#" + id.ToLowerInvariant());

    private static Dictionary<string, DiagnosticDescriptor> Index(params DiagnosticDescriptor[] descriptors)
    {
        var map = new Dictionary<string, DiagnosticDescriptor>();
        foreach (var d in descriptors)
        {
            map.Add(d.Id, d);
        }

        return map;
    }
}
