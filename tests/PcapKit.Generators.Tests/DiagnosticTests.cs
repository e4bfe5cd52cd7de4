using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>Every PKGEN diagnostic: its id, its message and where it points (file, line, column; 1-based as editors show).</summary>
public sealed class DiagnosticTests
{
    private const string Header = "protocol: demo\nendian: big\n";

    private static Diagnostic Single(string yaml, string path = "demo.pcapkit.yaml", params (string Path, string Code)[] sources)
    {
        var result = GeneratorHarness.Run(yaml.Length == 0 ? [] : [(path, yaml)], sources);
        return Assert.Single(result.Diagnostics);
    }

    private static void AssertAt(Diagnostic diagnostic, string id, string path, int line, int column, string messageFragment)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var span = diagnostic.Location.GetLineSpan();
        Assert.EndsWith(path, span.Path, System.StringComparison.Ordinal);
        Assert.Equal((line, column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Contains(messageFragment, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void YamlSyntaxError_IsPKGEN1001_AtTheParserPosition()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8\n");
        AssertAt(d, "PKGEN1001", "demo.pcapkit.yaml", 5, 1, "YAML syntax error");
    }

    [Fact]
    public void UnknownKey_IsPKGEN1002_AtTheKey()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8, colour: red }\n");
        AssertAt(d, "PKGEN1002", "demo.pcapkit.yaml", 4, 24, "Unknown key 'colour' in a field");
    }

    [Fact]
    public void MissingKey_IsPKGEN1003_AtTheMapping()
    {
        var d = Single(Header + "fields:\n  - { type: u8 }\n");
        AssertAt(d, "PKGEN1003", "demo.pcapkit.yaml", 4, 5, "A field requires the key 'id'");
    }

    [Fact]
    public void WrongNodeKind_IsPKGEN1004()
    {
        var d = Single(Header + "fields: 3\n");
        AssertAt(d, "PKGEN1004", "demo.pcapkit.yaml", 3, 9, "'fields' must be a sequence");
    }

    [Theory]
    [InlineData("  - { id: a, type: u32, format: ntp_time }\n", "'format: ntp_time' must be on a field of type u64")]
    [InlineData("  - { id: a, type: u64, format: octal }\n", "'format' must be 'dec', 'hex' or 'ntp_time'")]
    public void AFormatThatDoesNotFitTheField_IsPKGEN1004_AtTheFormat(string field, string message)
    {
        var d = Single(Header + "fields:\n" + field);
        AssertAt(d, "PKGEN1004", "demo.pcapkit.yaml", 4, 33, message);
    }

    [Fact]
    public void DecodedFieldsWhosePathsSpellTheSameName_ArePKGEN2013()
    {
        // extensions_length beside a list extensions whose items hold length: both ExtensionsLength.
        var d = Single(Header + "fields:\n  - id: data\n    type: bytes\n    region: rest\n    decode:\n" +
                       "      - { id: extensions_length, type: u16 }\n      - { id: extensions, item: extension, fields: [{ id: length, type: u16 }] }\n",
                       sources: ("Hook.cs", "namespace N; public sealed partial record Demo { private static partial void DecodeData<TVisitor>(View view, ref TVisitor visitor) where TVisitor : global::PcapKit.Dissection.IFieldVisitor, allows ref struct { } }"));
        AssertAt(d, "PKGEN2013", "demo.pcapkit.yaml", 8, 7, "The decoded field 'extensions.length' would be named 'ExtensionsLength' in C#, which clashes with 'extensions_length'");
    }

    [Theory]
    [InlineData("heuristics: tcp.port\n", 1, 13, "'heuristics' must be a sequence")]
    [InlineData("heuristics: [[tcp.port]]\n", 1, 14, "'heuristics' must be a list of dispatch table names")]
    public void HeuristicsThatAreNotTableNames_ArePKGEN1004(string yaml, int line, int column, string message)
    {
        var d = Single(yaml + Header + "fields:\n  - { id: a, type: u8 }\n");
        AssertAt(d, "PKGEN1004", "demo.pcapkit.yaml", line, column, message);
    }

    [Fact]
    public void NotANumber_IsPKGEN1005()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8, size_of: { region: header, scale: four } }\n");
        AssertAt(d, "PKGEN1005", "demo.pcapkit.yaml", 4, 58, "'four' is not a number");
    }

    [Fact]
    public void UnknownType_IsPKGEN2001_AtTheType()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u12 }\n");
        AssertAt(d, "PKGEN2001", "demo.pcapkit.yaml", 4, 20, "Unknown type 'u12' for field 'a'");
    }

    [Fact]
    public void BitGroupNotAMultipleOf8_IsPKGEN2002_AtItsFirstField()
    {
        var d = Single(Header + "fields:\n  - { id: a, bits: 4 }\n  - { id: b, bits: 3 }\n  - { id: c, type: u16 }\n");
        AssertAt(d, "PKGEN2002", "demo.pcapkit.yaml", 4, 5, "The bit fields a, b add up to 7 bits");
    }

    [Fact]
    public void ValueNotFittingItsWidth_IsPKGEN2003()
    {
        var d = Single(Header + "fields:\n  - { id: ttl, type: u8, valid: { max: 300 } }\n");
        AssertAt(d, "PKGEN2003", "demo.pcapkit.yaml", 4, 33, "The value 300 of 'ttl' does not fit 8 bits");
    }

    [Fact]
    public void EnumMemberNotFittingItsField_IsPKGEN2003()
    {
        var d = Single(Header + "fields:\n  - { id: kind, bits: 2, enum: k }\n  - { id: rest, bits: 6 }\nenums:\n  k: { type: u8, values: { big: 9 } }\n");
        AssertAt(d, "PKGEN2003", "demo.pcapkit.yaml", 4, 32, "The value 9 of 'k.big' used by 'kind' does not fit 2 bits");
    }

    [Fact]
    public void ReferenceToAnUnknownField_IsPKGEN2004()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8 }\n  - { id: payload, region: rest, dispatch: { table: t, key: nope } }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 5, 44, "refers to unknown integer field 'nope'");
    }

    [Fact]
    public void ReferenceToAnUnknownRegion_IsPKGEN2004()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8, size_of: { region: trailer } }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 4, 43, "refers to unknown region 'trailer'");
    }

    [Fact]
    public void ReferenceToAnUnknownEnum_IsPKGEN2004_AtTheEnumKey()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8, enum: colours }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 4, 30, "refers to unknown enum 'colours'");
    }

    [Fact]
    public void DuplicateField_IsPKGEN2005_AtTheSecondOne()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8 }\n  - { id: a, type: u8 }\n");
        AssertAt(d, "PKGEN2005", "demo.pcapkit.yaml", 5, 5, "The field 'a' is declared more than once in 'demo'");
    }

    [Fact]
    public void DuplicateDispatchKey_IsPKGEN2006_AtTheSecondRegistration()
    {
        var first = "protocol: one\nendian: big\nregister: [{ table: ip.proto, key: 99 }]\nfields: [{ id: a, type: u8 }]\n";
        var second = "protocol: two\nendian: big\nregister:\n  - { table: ip.proto, key: 99 }\nfields: [{ id: a, type: u8 }]\n";
        var result = GeneratorHarness.Run([("one.pcapkit.yaml", first), ("two.pcapkit.yaml", second)], []);
        var d = Assert.Single(result.Diagnostics);
        AssertAt(d, "PKGEN2006", "two.pcapkit.yaml", 4, 5, "Table 'ip.proto' key 0x63 is registered by both 'one' and 'two'");
    }

    [Fact]
    public void TlvSetWithoutAKindField_IsPKGEN2007()
    {
        var d = Single(Header + "fields: [{ id: a, type: u8 }]\ntlvs:\n  opts:\n    length: { type: u8 }\n    cases: { x: { kind: 1 } }\n");
        AssertAt(d, "PKGEN2007", "demo.pcapkit.yaml", 5, 3, "The TLV set 'opts' does not declare its kind field");
    }

    [Fact]
    public void ChecksumOverAnUnknownRegion_IsPKGEN2008()
    {
        var d = Single(Header + "fields:\n  - { id: sum, type: u16, checksum: { covers: trailer } }\n");
        AssertAt(d, "PKGEN2008", "demo.pcapkit.yaml", 4, 47, "The checksum 'sum' covers 'trailer'");
    }

    [Fact]
    public void MissingEndianness_IsPKGEN2009_AtTheProtocol()
    {
        var d = Single("protocol: demo\nfields: [{ id: a, type: u16 }]\n");
        AssertAt(d, "PKGEN2009", "demo.pcapkit.yaml", 1, 11, "The protocol 'demo' does not say its byte order");
    }

    [Fact]
    public void FieldAfterThePayload_IsPKGEN2010()
    {
        var d = Single(Header + "fields:\n  - { id: payload, region: rest }\n  - { id: trailer, type: u8 }\n");
        AssertAt(d, "PKGEN2010", "demo.pcapkit.yaml", 5, 5, "The field 'trailer' follows the payload 'payload'");
    }

    [Fact]
    public void DuplicateProtocol_IsPKGEN2011()
    {
        var spec = Header + "fields: [{ id: a, type: u8 }]\n";
        var result = GeneratorHarness.Run([("a.pcapkit.yaml", spec), ("b.pcapkit.yaml", spec)], []);
        var d = Assert.Single(result.Diagnostics);
        AssertAt(d, "PKGEN2011", "b.pcapkit.yaml", 1, 11, "The protocol 'demo' is declared more than once");
    }

    [Fact]
    public void ByteStringWithoutASize_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: blob, type: bytes }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 4, 5, "a byte string needs 'size', 'length' or 'region'");
    }

    [Fact]
    public void DecodeOnAFieldThatIsNotAByteRegion_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8, decode: [{ id: x, type: text }] }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 4, 32, "only a byte string filling a region");
    }

    [Fact]
    public void DecodedFieldOfAnUnknownType_IsPKGEN2001()
    {
        var d = Single(Header + "fields:\n  - { id: body, type: bytes, region: rest, decode: [{ id: x, type: u12 }] }\n");
        AssertAt(d, "PKGEN2001", "demo.pcapkit.yaml", 4, 68, "u12");
    }

    [Fact]
    public void DecodeFromAProtocolWithoutThatField_IsPKGEN2004()
    {
        var d = Single(Header + "fields:\n  - { id: body, type: bytes, region: rest, decode: { from: nope } }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 4, 52, "nope");
    }

    [Fact]
    public void DisplayConditionOnAnUnknownField_IsPKGEN2004()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8, show_when: { field: nope, eq: 1 } }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 4, 35, "nope");
    }

    [Fact]
    public void DisplayConditionOnAnOptionsAddress_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases:\n      a: { kind: 1, fields: [{ id: x, type: u8 }, { id: y, type: ipv4, show_when: { field: x, eq: 1 } }] }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 10, 83, "'show_when' applies to an integer, flag or byte string");
    }

    [Fact]
    public void DisplayConditionOnAnItemsFieldAfterAVariableOne_IsPKGEN2004()
    {
        var d = Single(Header + "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases:\n      a:\n        kind: 1\n        fields:\n          - id: items\n            repeat: to_end\n            type_name: Entry\n            fields:\n              - { id: n, type: u8 }\n              - { id: data, type: bytes, length: { field: n } }\n              - { id: m, type: u8 }\n              - { id: rest, type: bytes, length: { field: m }, show_when: { field: m, mask: 255 } }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 20, 75, "The display condition of 'rest' refers to unknown earlier unconditional integer field 'm'");
    }

    [Fact]
    public void ConditionalBitField_IsPKGEN2012_AndDoesNotHangTheGenerator()
    {
        // The layout once looped for ever on a bit field with a condition (the compiler never finished).
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - { id: a, bits: 8, when: { field: t, eq: 1 } }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 5, 29, "a bit field cannot be conditional");
    }

    [Fact]
    public void CaseTypeNamedLikeAMemberEveryCaseHas_IsPKGEN2013_AtTheCase()
    {
        var d = Single(Header + "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases:\n      value: { kind: 1 }\n");
        AssertAt(d, "PKGEN2013", "demo.pcapkit.yaml", 10, 7, "The case 'value' would be named 'Value' in C#, which clashes with a member every case type has");
    }

    [Theory]
    [InlineData("size", "Size")]
    [InlineData("fields", "Fields")]
    [InlineData("header_bytes", "HeaderBytes")]
    public void AFieldNamedLikeAMemberEveryProtocolHas_IsPKGEN2013_AtTheField(string id, string property)
    {
        // The view's Size (its bytes) and a field 'size' were two members of one name: the generated code did not compile.
        var d = Single(Header + "fields:\n  - { id: " + id + ", type: u8 }\n");
        AssertAt(d, "PKGEN2013", "demo.pcapkit.yaml", 4, 5, "The field '" + id + "' would be named '" + property + "' in C#, which clashes with a member every protocol's record or view has");
    }

    [Fact]
    public void AnItemTypeNamedLikeAMemberOfItsOwn_IsPKGEN2013_AtTheList()
    {
        // Every item type has a static descriptor 'Item': a type named Item did not compile.
        var d = Single(Header + "fields:\n  - { id: entries, repeat: to_end, type_name: Item, fields: [{ id: v, type: u32 }] }\n");
        AssertAt(d, "PKGEN2013", "demo.pcapkit.yaml", 4, 5, "The item type of 'entries' would be named 'Item' in C#, which clashes with a member of the item type");
    }

    [Fact]
    public void AnItemFieldNamedLikeAMemberEveryItemHas_IsPKGEN2013_AtTheItemField()
    {
        var d = Single(Header + "fields:\n  - id: entries\n    repeat: to_end\n    type_name: Entry\n    fields: [{ id: size, type: u32 }]\n");
        AssertAt(d, "PKGEN2013", "demo.pcapkit.yaml", 7, 14, "The field 'size' would be named 'Size' in C#, which clashes with a member every item type has");
    }

    [Theory]
    // A list entry without a condition.
    [InlineData("  - { id: a, type: u8 }\n  - { id: b, type: u8, alt: [{ id: c, display: c }] }\n", "PKGEN2012", 5, 30, "an alt in a list names the field while its 'when' holds")]
    // A condition on a later field, and on a field present on another condition.
    [InlineData("  - { id: b, type: u8, alt: { when: { field: a, eq: 1 }, id: c } }\n  - { id: a, type: u8 }\n", "PKGEN2004", 4, 29, "The alt 'c' of 'b' refers to unknown earlier integer field, unconditional or present on the same condition 'a'")]
    [InlineData("  - { id: a, type: u8 }\n  - { id: o, type: u8, when: { field: a, eq: 1 } }\n  - { id: b, type: u8, alt: { when: { field: o, eq: 1 }, id: c } }\n", "PKGEN2004", 6, 29, "refers to unknown earlier integer field, unconditional or present on the same condition 'o'")]
    // Not an unsigned integer; an alt named like a field; an enum that does not exist; a key it does not take.
    [InlineData("  - { id: a, type: u8 }\n  - { id: b, type: bytes, size: 2, alt: { when: { field: a, eq: 1 }, id: c } }\n", "PKGEN2012", 5, 41, "names by condition ('alt' with 'when') apply to a protocol's own unsigned integer")]
    [InlineData("  - { id: a, type: u8 }\n  - { id: b, type: u8, alt: { when: { field: a, eq: 1 }, id: a } }\n", "PKGEN2005", 5, 29, "The field 'a' is declared more than once in 'demo'")]
    [InlineData("  - { id: a, type: u8 }\n  - { id: b, type: u8, alt: { when: { field: a, eq: 1 }, id: c, enum: nowhere } }\n", "PKGEN2004", 5, 29, "The alt 'c' of 'b' refers to unknown enum 'nowhere'")]
    [InlineData("  - { id: a, type: u8 }\n  - { id: b, type: u8, alt: { when: { field: a, eq: 1 }, id: c, colour: red } }\n", "PKGEN1002", 5, 65, "Unknown key 'colour' in alt")]
    // A bound alt takes no enum (it was read and ignored).
    [InlineData("  - { id: b, type: u16, alt: { max: 1500, id: c, enum: kinds } }\n", "PKGEN1002", 4, 50, "Unknown key 'enum' in alt")]
    public void ABadNameByCondition_IsReported_AtTheAlt(string fields, string id, int line, int column, string message)
    {
        var d = Single(Header + "fields:\n" + fields);
        AssertAt(d, id, "demo.pcapkit.yaml", line, column, message);
    }

    [Fact]
    public void ANameByCondition_InAnOptionsValue_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases:\n      a: { kind: 1, fields: [{ id: x, type: u8 }, { id: y, type: u8, alt: { when: { field: x, eq: 1 }, id: z } }] }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 10, 75, "names by condition ('alt' with 'when') apply to a protocol's own unsigned integer");
    }

    private const string DecodedOption = "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases:\n      pair:\n        kind: 1\n        fields:\n          - { id: form, type: u8 }\n";

    [Fact]
    public void ADecodedFieldNamedLikeTheOptionsOwn_IsPKGEN2013_AtTheDecode()
    {
        // Its descriptor would be PairFormField, as the option's field 'form' is.
        var d = Single(Header + DecodedOption + "          - { id: body, type: bytes, region: rest, decode: [{ id: form, type: u8 }] }\n");
        AssertAt(d, "PKGEN2013", "demo.pcapkit.yaml", 14, 60, "The decoded field 'form' would be named 'PairFormField' in C#, which clashes with 'form'");
    }

    [Fact]
    public void AnOptionDecodedAsAnotherProtocolsField_IsPKGEN2012()
    {
        var d = Single(Header + DecodedOption + "          - { id: body, type: bytes, region: rest, decode: { from: dns } }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 14, 60, "an option's value is decoded by a hook of its own");
    }

    [Fact]
    public void AVariantCaseDecodedByAHook_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - id: body\n    switch: t\n    type_name: Body\n    cases:\n      a: { when: [1], fields: [{ id: rest, type: bytes, region: rest, decode: [{ id: x, type: u8 }] }] }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 9, 79, "only a protocol's own fields and an option's value can be decoded by a hook, not a variant case's or an item's");
    }

    [Fact]
    public void CaseTypeNamedLikeItsOwnField_IsPKGEN2013()
    {
        var d = Single(Header + "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases:\n      mss: { kind: 2, fields: [{ id: mss, type: u16 }] }\n");
        AssertAt(d, "PKGEN2013", "demo.pcapkit.yaml", 10, 7, "clashes with its field 'mss'");
    }

    [Fact]
    public void CaseTypeNamedLikeAFieldOfAnotherCase_IsPKGEN2013()
    {
        var d = Single(Header + "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases:\n      sack: { kind: 5, fields: [{ id: window, type: u16 }] }\n      window: { kind: 3, fields: [{ id: shift, type: u8 }] }\n");
        AssertAt(d, "PKGEN2013", "demo.pcapkit.yaml", 11, 7, "clashes with the field 'window' of another case");
    }

    [Fact]
    public void RepeatUntilAFieldTheItemDoesNotHave_IsPKGEN2004()
    {
        var d = Single(Header + "fields:\n  - id: stack\n    repeat: { until: last }\n    fields: [{ id: label, type: u32 }]\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 4, 5, "The repeat of 'stack' refers to unknown integer field of the item 'last'");
    }

    [Fact]
    public void ASecondConditionOnAnUnknownField_IsPKGEN2004()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8 }\n  - { id: b, type: u8, when: { field: a, eq: 1, and: { field: nope, eq: 2 } } }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 5, 30, "The condition of 'b' refers to unknown earlier integer field 'nope'");
    }

    [Fact]
    public void FragmentConditionOnAnUnknownField_IsPKGEN2004()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8 }\n  - { id: payload, region: rest, dispatch: { table: t, key: a, fragment_when: { field: mf, eq: 1 } } }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 5, 44, "The fragment condition of 'payload' refers to unknown integer field 'mf'");
    }

    [Fact]
    public void ATlvSetHoldingItself_IsPKGEN2012_NotAStackAsDeepAsThePacket()
    {
        // Both sets of the cycle are named, each where it is declared.
        var yaml = Header + "fields:\n  - { id: opts, tlv: outer, region: rest }\ntlvs:\n  outer:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases: { a: { kind: 1, fields: [{ id: inner, tlv: inner, region: rest }] } }\n  inner:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases: { b: { kind: 2, fields: [{ id: back, tlv: outer, region: rest }] } }\n";
        var diagnostics = GeneratorHarness.Run([("demo.pcapkit.yaml", yaml)], []).Diagnostics;
        Assert.Equal(2, diagnostics.Length);
        AssertAt(diagnostics[0], "PKGEN2012", "demo.pcapkit.yaml", 6, 3, "The field 'outer' cannot be laid out: a TLV set cannot hold itself, directly or through another set");
        AssertAt(diagnostics[1], "PKGEN2012", "demo.pcapkit.yaml", 10, 3, "The field 'inner' cannot be laid out: a TLV set cannot hold itself");
    }

    [Fact]
    public void AnUnknownKindHandledOtherThanRawOrNamed_IsPKGEN1004()
    {
        var d = Single(Header + "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    unknown: skip\n    cases: { a: { kind: 1 } }\n");
        AssertAt(d, "PKGEN1004", "demo.pcapkit.yaml", 9, 14, "'unknown' must be 'raw' or { display: … }");
    }

    [Fact]
    public void AnUnknownKindsDisplayWithAnotherKey_IsPKGEN1002()
    {
        var d = Single(Header + "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    unknown: { display: x, colour: red }\n    cases: { a: { kind: 1 } }\n");
        Assert.Equal("PKGEN1002", d.Id);
        Assert.Contains("colour", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void AFieldAfterAVariantInAnOptionsValue_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: opts, tlv: opts, region: rest }\ntlvs:\n  opts:\n    kind: { type: u8 }\n    length: { type: u8 }\n    cases:\n      ts:\n        kind: 68\n        fields:\n          - { id: flag, type: u8 }\n          - { id: entries, switch: flag, type_name: Entries, cases: { one: { when: [1], fields: [{ id: a, type: u32 }] } } }\n          - { id: tail, type: u8 }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 15, 13, "it follows 'entries', which has no length; only the last field may take the rest");
    }

    [Fact]
    public void VariantInsideAVariantsCase_IsPKGEN2012_NotCodeThatDoesNotCompile()
    {
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - id: body\n    switch: t\n    cases:\n      a:\n        when: [1]\n        fields:\n          - { id: u, type: u8 }\n          - { id: inner, switch: u, type_name: Inner, cases: { b: { when: [2], fields: [{ id: x, type: u8 }] } } }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 12, 13, "The field 'inner' cannot be laid out: a variant's case cannot switch again");
    }

    [Fact]
    public void ARepeatsItemTypeNamedLikeAFieldBesideIt_IsPKGEN2013_NotCodeThatDoesNotCompile()
    {
        var d = Single(Header + "fields:\n  - { id: entry, type: u8 }\n  - { id: query_v2, repeat: to_end, type_name: Entry, fields: [{ id: x, type: u8 }] }\n");
        AssertAt(d, "PKGEN2013", "demo.pcapkit.yaml", 5, 5, "The item type of 'query_v2' would be named 'Entry' in C#, which clashes with the field 'entry'");
    }

    [Fact]
    public void VariantInARepeatedItem_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - id: items\n    repeat: to_end\n    type_name: Entry\n    fields:\n      - { id: t, type: u8 }\n      - { id: body, switch: t, type_name: EntryBody, cases: { a: { when: [1], fields: [{ id: x, type: u8 }] } } }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 9, 9, "The field 'body' cannot be laid out: a repeated item holds fixed-size fields, and byte strings or lists");
    }

    [Fact]
    public void CasesWhoseAndReadsDifferentFields_IsPKGEN2004()
    {
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - { id: c, type: u8 }\n  - { id: e, type: u8 }\n  - id: body\n    switch: t\n    cases:\n      a: { when: [1], and: { field: c, eq: 4 }, fields: [{ id: x, type: u8 }] }\n      b: { when: [2], and: { field: e, eq: 4 }, fields: [{ id: y, type: u8 }] }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 11, 7, "The case 'b' refers to unknown earlier unconditional integer field (the same for every case's 'and') 'e'");
    }

    [Theory]
    [InlineData("{ id: n, type: u8 }, { id: s, type: bytes, length: { field: n } }, { id: z, type: u8 }", "z")] // after a byte string of its own length
    [InlineData("{ id: z, type: bytes, size: 5 }", "z")]                            // a byte string of a width read as no number
    [InlineData("{ id: z, type: bytes, region: rest }", "z")]                       // a byte string to the end
    [InlineData("{ id: z, type: i8 }", "z")]                                        // signed
    public void ACaseChosenByAnOwnFieldNotAtAFixedOffsetOrNoNumber_IsPKGEN2012(string fields, string field)
    {
        // The case is chosen by its own bytes before it is laid out: the value must be there at an offset the spec fixes.
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - id: body\n    switch: t\n    cases:\n      a: { when: [1], and: { field: " + field + ", eq: 0 }, fields: [" + fields + "] }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 8, 7,
            "The field 'body' cannot be laid out: the case 'a' is chosen by its own field '" + field + "', which must be an unsigned number or flag, or a byte string of 1, 2, 3, 4, 6 or 8 bytes, at an offset its fields fix");
    }

    [Fact]
    public void ACaseChosenByANameOfItsOwnAndOfTheUnit_IsPKGEN2012()
    {
        // 'code' could mean either: the case's own byte or the unit's field before the variant.
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - { id: code, type: u8 }\n  - id: body\n    switch: t\n    cases:\n      a: { when: [1], and: { field: code, eq: 0 }, fields: [{ id: code, type: u8 }] }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 9, 7, "the case 'a' is chosen by 'code', which names one of its own fields and a field of the unit; rename one");
    }

    [Theory]
    [InlineData("max_length: 0", "0, which must be at least 1, its min_length and the 2 bytes")]
    [InlineData("min_length: 2, max_length: 1", "1, which must be at least 1, its min_length and the 2 bytes")]
    [InlineData("max_length: 1", "1, which must be at least 1, its min_length and the 2 bytes its fields take before any of variable size")]
    public void ACaseWhoseMaxLengthNoBytesMeet_IsPKGEN2012_AtTheCase(string lengths, string message)
    {
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - id: body\n    switch: t\n    cases:\n      short: { when: [1], " + lengths +
                       ", fields: [{ id: x, type: u16 }] }\n      long: { when: [1], fields: [{ id: z, type: u8 }] }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 8, 7, "The field 'body' cannot be laid out: the case 'short' has max_length " + message);
    }

    [Theory]
    [InlineData(0, "0, which must be at least 1 and at most the 3 bytes")]
    [InlineData(4, "4, which must be at least 1 and at most the 3 bytes")]
    public void ACaseWhoseMinLengthItsFieldsDoNotTake_IsPKGEN2012_AtTheCase(int minLength, string message)
    {
        // Chosen when that many bytes are there, the case's view is its own bytes: they must be at least as many.
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - id: body\n    switch: t\n    cases:\n      long: { when: [1], min_length: " + minLength +
                       ", fields: [{ id: x, type: u16 }, { id: y, type: u8 }, { id: rest, type: bytes, region: rest }] }\n      short: { when: [1], fields: [{ id: z, type: u8 }] }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 8, 7, "The field 'body' cannot be laid out: the case 'long' has min_length " + message + " its fields take before any of variable size");
    }

    [Fact]
    public void TwoCasesOfOneValueWithoutACondition_IsPKGEN2011_ButMinLengthMakesOneChosenFirst()
    {
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - id: body\n    switch: t\n    cases:\n      a: { when: [1], fields: [{ id: x, type: u16 }] }\n      b: { when: [1], fields: [{ id: z, type: u8 }] }\n");
        Assert.Equal("PKGEN2011", d.Id);
        var conditional = Header + "fields:\n  - { id: t, type: u8 }\n  - id: body\n    switch: t\n    cases:\n      a: { when: [1], min_length: 2, fields: [{ id: x, type: u16 }] }\n      b: { when: [1], fields: [{ id: z, type: u8 }] }\n";
        Assert.Empty(GeneratorHarness.Run([("demo.pcapkit.yaml", conditional)], []).Diagnostics);
    }

    [Fact]
    public void ADefaultCaseWithAnd_IsPKGEN1002()
    {
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - { id: c, type: u8 }\n  - id: body\n    switch: t\n    cases: { a: { when: [1], fields: [{ id: x, type: u8 }] } }\n    default: { and: { field: c, eq: 4 }, fields: [{ id: y, type: u8 }] }\n");
        Assert.Equal("PKGEN1002", d.Id);
        Assert.Contains("'and'", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void ConditionalVariant_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: t, type: u8 }\n  - id: body\n    switch: t\n    when: { field: t, eq: 1 }\n    cases: { a: { when: [1], fields: [{ id: x, type: u8 }] } }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 5, 5, "The field 'body' cannot be laid out: a variant cannot be conditional");
    }

    [Fact]
    public void VariantSwitchingOnAConditionalField_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: f, type: u8 }\n  - { id: t, type: u8, when: { field: f, eq: 1 } }\n  - id: body\n    switch: t\n    cases: { a: { when: [1], fields: [{ id: x, type: u8 }] } }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 6, 5, "a variant cannot switch on a conditional field");
    }

    [Fact]
    public void ConditionOnAConditionalField_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: f, type: u8 }\n  - { id: g, type: u8, when: { field: f, eq: 1 } }\n  - { id: h, type: u8, when: { field: g, eq: 2 } }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 6, 30, "a condition cannot test a field that is itself conditional");
    }

    [Fact]
    public void LengthFromAConditionalField_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: f, type: u8 }\n  - { id: n, type: u8, when: { field: f, eq: 1 } }\n  - { id: blob, type: bytes, length: n }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 6, 38, "a length cannot come from a conditional field");
    }

    [Fact]
    public void RoleOnAFieldOfTheWrongType_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u8, role: source_port }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 4, 5, "the role 'source_port' needs a u16 field at a fixed offset");
    }

    [Fact]
    public void RoleWithoutItsPair_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: ipv4, role: source_address }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 4, 5, "roles come in pairs of the same type");
    }

    [Fact]
    public void AnUnknownRole_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u16, role: source_socket }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 4, 5, "the role must be one of source_address, ");
    }

    [Fact]
    public void ARoleOnAConditionalField_IsPKGEN2012()
    {
        var d = Single(Header + "fields:\n  - { id: f, type: u8 }\n  - { id: p, type: u8, when: { field: f, eq: 1 }, role: protocol }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 5, 5, "the role 'protocol' needs an integer field at a fixed offset");
    }

    [Fact]
    public void ARoleAfterAVariableLengthPart_IsPKGEN2012()
    {
        // Its offset depends on the byte string's length: the role methods read fixed offsets only.
        var d = Single(Header + "fields:\n  - { id: n, type: u8 }\n  - { id: blob, type: bytes, length: { field: n } }\n  - { id: p, type: u8, role: protocol }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 6, 5, "the role 'protocol' needs an integer field at a fixed offset");
    }

    [Fact]
    public void TheSameRoleTwice_IsPKGEN2005()
    {
        var d = Single(Header + "fields:\n  - { id: a, type: u16, role: source_port }\n  - { id: b, type: u16, role: destination_port }\n  - { id: c, type: u16, role: source_port }\n");
        AssertAt(d, "PKGEN2005", "demo.pcapkit.yaml", 6, 5, "The field 'role source_port' is declared more than once in 'demo'");
    }

    [Fact]
    public void RecordNotPartial_IsPKGEN3001_AtTheTypeName()
    {
        const string code = "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic record X { public byte A { get; init; } }\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        AssertAt(d, "PKGEN3001", "X.cs", 4, 15, "The type 'X' must be a partial record");
    }

    [Fact]
    public void AnAttributedRecordStructOfVariableSize_IsPKGEN2012_AtTheProperty()
    {
        const string code = "using System;\nusing PcapKit;\nusing PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic sealed partial record X\n{\n    public byte A { get; init; }\n" +
                            "    [Repeat] public ValueList<Item> Items { get; init; }\n" +
                            "    public partial record struct Item { public byte N { get; init; } [Length(nameof(N))] public ReadOnlyMemory<byte> Data { get; init; } }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        AssertAt(d, "PKGEN2012", "X.cs", 9, 37, "The field 'Items' cannot be laid out: an item whose size depends on its own fields is a 'partial record' class, not a record struct");
    }

    [Theory]
    [InlineData("[AltDisplay(\"b\", \"b\")]", "an [AltDisplay] needs 'Max', 'Size' or 'WhenField'")]
    [InlineData("[AltDisplay(\"b\", \"b\", Max = 10), AltDisplay(\"c\", \"c\", Max = 20)]", "a field has one alt by bound or size; more names need a condition ('WhenField')")]
    public void ABadAltDisplay_IsPKGEN2012_AtTheAttribute(string attributes, string message)
    {
        var code = "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic sealed partial record X\n{\n    " + attributes + "\n    public ushort A { get; init; }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        AssertAt(d, "PKGEN2012", "X.cs", 6, attributes.Contains("Max = 20", System.StringComparison.Ordinal) ? 38 : 6, "The field 'A' cannot be laid out: " + message);
    }

    [Fact]
    public void NestedProtocol_IsPKGEN3003_AtTheTypeName()
    {
        const string code = "using PcapKit.Annotations;\nnamespace Demo;\npublic static partial class Outer\n{\n    [Protocol(\"x\", Endian.Big)]\n    public partial record X { public byte A { get; init; } }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        AssertAt(d, "PKGEN3003", "X.cs", 6, 27, "The type 'X' is declared inside 'Outer'");
    }

    [Fact]
    public void NestedTlvSet_IsPKGEN3003_AtTheTypeName()
    {
        const string code = "using PcapKit.Annotations;\nnamespace Demo;\npublic static partial class Outer\n{\n    [TlvSet(\"opt\")]\n    public abstract partial record Opt\n    {\n        [TlvCase(1)] public sealed partial record One;\n    }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        AssertAt(d, "PKGEN3003", "X.cs", 6, 36, "The type 'Opt' is declared inside 'Outer'");
    }

    [Fact]
    public void NestedVariantSet_IsPKGEN3003_AtTheTypeName()
    {
        const string code = "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic partial record X\n{\n    public byte Type { get; init; }\n    [Switch(nameof(Type))] public Body Rest { get; init; } = null!;\n    [VariantSet]\n    public abstract partial record Body\n    {\n        [VariantCase] public sealed partial record Other { public byte A { get; init; } }\n    }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        AssertAt(d, "PKGEN3003", "X.cs", 9, 36, "The type 'Body' is declared inside 'X'");
    }

    private const string AttributeVariant =
        "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic partial record X\n{\n    public byte Type { get; init; }\n    public byte Code { get; init; }\n" +
        "    [Switch(nameof(Type))] public XBody Rest { get; init; } = null!;\n}\n[VariantSet]\npublic abstract partial record XBody\n{\n";

    [Fact]
    public void ACaseWhoseAndFieldIsNoEarlierField_IsPKGEN2004_AsInYaml()
    {
        var code = AttributeVariant + "    [VariantCase(1, AndField = \"Nope\", AndEqual = 4)] public sealed partial record A { public byte X { get; init; } }\n" +
                   "    [VariantCase(1)] public sealed partial record B { public byte Y { get; init; } }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        Assert.Equal("PKGEN2004", d.Id);
        Assert.Contains("'nope'", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AndField = nameof(X.Code), AndEqual = 4")]
    [InlineData("MinLength = 1")]
    [InlineData("MaxLength = 4")]
    public void ADefaultLayoutWithACondition_IsPKGEN2012_AtItsAttribute(string condition)
    {
        // As YAML's default, which takes no 'and', 'min_length' or 'max_length' (PKGEN1002).
        var code = AttributeVariant + "    [VariantCase(1)] public sealed partial record A { public byte X { get; init; } }\n" +
                   "    [VariantCase(" + condition + ")] public sealed partial record Other { public byte Y { get; init; } }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        AssertAt(d, "PKGEN2012", "X.cs", 14, 6, "the default layout takes what no case chooses and has no condition ('AndField', 'MinLength', 'MaxLength')");
    }

    [Fact]
    public void ACaseWithAndField_IsChosenOnlyWhileItHolds()
    {
        var code = AttributeVariant + "    [VariantCase(1, AndField = nameof(X.Code), AndEqual = 4)] public sealed partial record A { public ushort V { get; init; } }\n" +
                   "    [VariantCase(1)] public sealed partial record B { public byte Y { get; init; } }\n}\n";
        var x = GeneratorHarness.Load([], [("X.cs", code)])("Demo.X");
        Assert.Contains("\"v\":4660", EquivalenceTests.Json(x, Convert.FromHexString("01041234")), StringComparison.Ordinal);
        Assert.Contains("\"y\":18", EquivalenceTests.Json(x, Convert.FromHexString("01051234")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[VariantCase(1, AndEqual = 4)]", "'AndMask', 'AndEqual' or 'AndAnyOf' test the property 'AndField' names, and none is named")]
    [InlineData("[VariantCase(1, AndAnyOf = [4])]", "'AndMask', 'AndEqual' or 'AndAnyOf' test the property 'AndField' names, and none is named")]
    public void AnAndValueWithoutAndField_IsPKGEN2012(string attribute, string message)
    {
        var code = AttributeVariant + "    " + attribute + " public sealed partial record A { public ushort V { get; init; } }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        Assert.Equal("PKGEN2012", d.Id);
        Assert.Contains(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Decoded(\"a\", DecodedType.UInt8, Enum = typeof(string))]", "names 'String' as its Enum, which is not an enum")]
    [InlineData("[Decoded(\"a\", DecodedType.UInt16, Format = NumberFormat.NtpTimestamp)]", "is shown as an NTP timestamp, which only a UInt64 can be")]
    [InlineData("[Decoded(\"a\", (DecodedType)42)]", "has no DecodedType this generator knows")]
    public void ADecodedFieldTheGeneratorCannotShow_IsPKGEN2012(string attribute, string message)
    {
        var code = "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic partial record X\n{\n    public byte N { get; init; }\n" +
                   "    [Region(Region.Rest), " + attribute.TrimStart('[') + " public System.ReadOnlyMemory<byte> Value { get; init; }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        Assert.Equal("PKGEN2012", d.Id);
        Assert.Contains(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    [Decoded(\"a\", DecodedType.UInt8)] public ushort Value { get; init; }\n")] // not a byte string
    [InlineData("    [Length(nameof(N)), Decoded(\"a\", DecodedType.UInt8)] public System.ReadOnlyMemory<byte> Value { get; init; }\n")] // not a region
    public void ADecodedFieldOnAnythingButAByteStringFillingARegion_IsPKGEN2012_AsInYaml(string property)
    {
        var code = "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic partial record X\n{\n    public byte N { get; init; }\n" + property + "}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        Assert.Equal("PKGEN2012", d.Id);
        Assert.Contains("only a byte string filling a region", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void AnNtpFormatOnAUlong_IsAccepted()
    {
        const string code = "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic partial record X\n{\n" +
                            "    [Field(Format = NumberFormat.NtpTimestamp)] public ulong Stamp { get; init; }\n}\n";
        var result = GeneratorHarness.Run([], [("X.cs", code)]);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompileDiagnostics);
    }

    [Theory]
    [InlineData("uint")]
    [InlineData("long")]
    public void AnNtpFormatOnAnythingButAUlong_IsPKGEN2012(string type)
    {
        var code = "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic partial record X\n{\n" +
                   "    [Field(Format = NumberFormat.NtpTimestamp)] public " + type + " Stamp { get; init; }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        Assert.Equal("PKGEN2012", d.Id);
        Assert.Contains("shown as an NTP timestamp only when it is a whole 64-bit unsigned integer", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedPropertyType_IsPKGEN3002_AtTheProperty()
    {
        const string code = "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\npublic partial record X\n{\n    public string Name { get; init; } = \"\";\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        AssertAt(d, "PKGEN3002", "X.cs", 6, 19, "The property 'Name' has type 'string'");
    }

    [Fact]
    public void ASignedIntegerWithAFormat_IsPKGEN2012_AtTheFormat()
    {
        // Names, formats, checks and roles read unsigned values: a signed field takes none of them.
        var d = Single(Header + "fields:\n  - { id: level, type: i32, format: hex }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 4, 37, "The field 'level' cannot be laid out: a signed integer takes no enum, flags, names, format");
    }

    [Fact]
    public void ABitFieldWithAType_OtherThanBool_IsPKGEN2012_AtTheType()
    {
        var d = Single(Header + "fields:\n  - { id: a, bits: 4, type: i8 }\n  - { id: b, bits: 4 }\n");
        AssertAt(d, "PKGEN2012", "demo.pcapkit.yaml", 4, 29, "a bit field's width is its 'bits', and its type may only be bool (not i8)");
    }

    [Fact]
    public void ASignedIntegerAsALength_IsPKGEN2004_AtTheLength()
    {
        var d = Single(Header + "fields:\n  - { id: n, type: i8 }\n  - { id: data, type: bytes, length: { field: n } }\n");
        AssertAt(d, "PKGEN2004", "demo.pcapkit.yaml", 5, 38, "The length of 'data' refers to unknown earlier integer field 'n'");
    }

    [Fact]
    public void ASignedTestVectorThatDoesNotMatch_IsPKGEN4001_WithTheSignedValue()
    {
        var d = Single(Header + "fields:\n  - { id: t, type: i16 }\ntests:\n  - hex: \"fffe\"\n    expect: { t: -1 }\n");
        AssertAt(d, "PKGEN4001", "demo.pcapkit.yaml", 7, 18, "Test vector 1: 't' is -2, but the vector expects -1");
    }

    [Fact]
    public void TestVectorThatDoesNotMatch_IsPKGEN4001_AtTheExpectedValue()
    {
        var d = Single(Header + "fields:\n  - { id: port, type: u16 }\ntests:\n  - hex: \"0050\"\n    expect: { port: 443 }\n");
        AssertAt(d, "PKGEN4001", "demo.pcapkit.yaml", 7, 21, "Test vector 1: 'port' is 80, but the vector expects 443");
    }

    [Fact]
    public void TestVectorThatDoesNotMatch_InAnAttribute_IsPKGEN4001()
    {
        const string code = "using PcapKit.Annotations;\nnamespace Demo;\n[Protocol(\"x\", Endian.Big)]\n[TestVector(\"0050\", \"port=443\")]\npublic partial record X\n{\n    public ushort Port { get; init; }\n}\n";
        var d = Single(string.Empty, sources: ("X.cs", code));
        AssertAt(d, "PKGEN4001", "X.cs", 4, 2, "'port' is 80, but the vector expects 443");
    }

    [Fact]
    public void TestVectorThatIsNotHex_IsPKGEN4002()
    {
        var d = Single(Header + "fields:\n  - { id: port, type: u16 }\ntests:\n  - hex: \"00zz\"\n    expect: { port: 1 }\n");
        AssertAt(d, "PKGEN4002", "demo.pcapkit.yaml", 6, 5, "Test vector 1: the hex is not an even number of hex digits");
    }

    [Fact]
    public void TestVectorShorterThanTheFixedHeader_IsPKGEN4002()
    {
        var d = Single(Header + "fields:\n  - { id: port, type: u16 }\ntests:\n  - hex: \"00\"\n    expect: { port: 1 }\n");
        AssertAt(d, "PKGEN4002", "demo.pcapkit.yaml", 6, 5, "it has 1 bytes, but the fixed header needs 2");
    }

    [Fact]
    public void EveryDescriptor_HasATestHere()
    {
        var ids = typeof(DiagnosticTests).GetMethods()
            .Select(m => m.Name)
            .ToList();
        var source = System.IO.File.ReadAllText(System.IO.Path.Combine(Scenario.RepositoryRoot, "tests", "PcapKit.Generators.Tests", "DiagnosticTests.cs"));
        var unshipped = System.IO.File.ReadAllLines(System.IO.Path.Combine(Scenario.RepositoryRoot, "generators", "PcapKit.Generators", "AnalyzerReleases.Unshipped.md"))
            .Where(l => l.StartsWith("PKGEN", System.StringComparison.Ordinal))
            .Select(l => l.Split(' ')[0])
            .ToList();
        Assert.True(unshipped.Count >= 12);
        foreach (var id in unshipped)
        {
            Assert.Contains("\"" + id + "\"", source, System.StringComparison.Ordinal);
        }

        Assert.NotEmpty(ids);
    }
}
