using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PcapKit.Generators.Diagnostics;
using PcapKit.Generators.Model;

namespace PcapKit.Generators;

/// <summary>Reads attributed <c>partial record</c>s into the same model as the YAML specs.</summary>
public sealed partial class ProtocolGenerator
{
    internal const string ProtocolAttributeName = "PcapKit.Annotations.ProtocolAttribute";
    internal const string TlvSetAttributeName = "PcapKit.Annotations.TlvSetAttribute";
    private const string AnnotationsNamespace = "PcapKit.Annotations";

    internal static class Parser
    {
        public static SpecUnit ParseProtocol(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var state = new State(context.TargetNode.SyntaxTree.FilePath, context.SemanticModel.Compilation.Assembly);
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var typeLocation = LocationInfo.From(((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation());
            if (!IsPartialRecord(type, cancellationToken))
            {
                state.Report(DiagnosticDescriptors.RecordNotPartial, typeLocation, type.Name);
                return state.Unit([]);
            }

            if (type.ContainingType is { } container)
            {
                state.Report(DiagnosticDescriptors.NestedDeclaration, typeLocation, type.Name, container.Name);
                return state.Unit([]);
            }

            var attribute = context.Attributes[0];
            var id = attribute.ConstructorArguments[0].Value as string ?? Naming.ToSnake(type.Name);
            var endian = attribute.ConstructorArguments.Length > 1 && ToULong(attribute.ConstructorArguments[1].Value) == 1
                ? EndianKind.Little
                : EndianKind.Big;
            var display = Named(attribute, "Display") as string ?? id;
            var layer = Named(attribute, "Layer") is { } l
                ? ToULong(l) switch { 1 => "link", 2 => "internet", 3 => "transport", _ => "application" }
                : "application";
            var locations = new List<LocatedKey>();
            if (typeLocation is not null)
            {
                locations.Add(new("protocol", typeLocation));
            }

            var fields = ReadFields(type, endian, "field:", state, locations, cancellationToken);

            var registrations = new List<RegistrationSpec>();
            var parameters = new List<ParamSpec>();
            var computed = new List<ComputedSpec>();
            var tests = new List<TestVectorSpec>();
            var heuristics = new List<string>();
            PseudoHeaderSupplySpec? supplies = null;
            foreach (var a in type.GetAttributes())
            {
                var where = LocationInfo.From(a.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());
                switch (AttributeName(a))
                {
                    case "RegisterInAttribute":
                        if (where is not null)
                        {
                            locations.Add(new("register:" + registrations.Count, where));
                        }

                        registrations.Add(new RegistrationSpec((string)a.ConstructorArguments[0].Value!, ToULong(a.ConstructorArguments[1].Value)));
                        break;
                    case "HeuristicAttribute":
                        heuristics.Add((string)a.ConstructorArguments[0].Value!);
                        break;
                    case "ParamAttribute":
                        parameters.Add(new ParamSpec((string)a.ConstructorArguments[0].Value!, "ip_pseudo_header"));
                        break;
                    case "SuppliesPseudoHeaderAttribute":
                        if (where is not null)
                        {
                            locations.Add(new("supplies", where));
                        }

                        supplies = new PseudoHeaderSupplySpec(
                            FieldIdOf(type, (string)a.ConstructorArguments[0].Value!),
                            FieldIdOf(type, (string)a.ConstructorArguments[1].Value!));
                        break;
                    case "ComputedFieldAttribute":
                        var cid = (string)a.ConstructorArguments[0].Value!;
                        var kind = ToULong(a.ConstructorArguments[1].Value) == 1 ? ComputedKind.HeaderLength : ComputedKind.PayloadLength;
                        computed.Add(new ComputedSpec(cid, Naming.ToPascal(cid), kind, Named(a, "Display") as string ?? cid));
                        break;
                    case "TestVectorAttribute":
                        var index = tests.Count;
                        if (where is not null)
                        {
                            locations.Add(new("test:" + index, where));
                        }

                        var expectations = new List<ExpectationSpec>();
                        foreach (var pair in ((string)a.ConstructorArguments[1].Value!).Split(','))
                        {
                            var eq = pair.IndexOf('=');
                            if (eq > 0)
                            {
                                expectations.Add(new ExpectationSpec(pair.Substring(0, eq).Trim(), pair.Substring(eq + 1).Trim()));
                            }
                        }

                        tests.Add(new TestVectorSpec((string)a.ConstructorArguments[0].Value!, expectations.ToEquatableArray()));
                        break;
                }
            }

            var spec = new ProtocolSpec(
                id,
                type.Name,
                Namespace(type),
                Named(attribute, "Title") as string,
                Named(attribute, "Rfc") as string,
                endian,
                display,
                Named(attribute, "Chain") as string ?? display,
                layer,
                FrontEnd.Attributes,
                Accessibility(type),
                type.IsSealed,
                System.IO.Path.GetFileName(state.Path),
                fields.ToEquatableArray(),
                registrations.ToEquatableArray(),
                parameters.ToEquatableArray(),
                supplies,
                computed.ToEquatableArray(),
                tests.ToEquatableArray(),
                EquatableArray<EnumSpec>.Empty,
                EquatableArray<TlvSetSpec>.Empty)
            {
                HeuristicTables = heuristics.ToEquatableArray(),
            };
            ModelValidator.ValidateProtocol(spec, new LocationLookup(locations, typeLocation), state.Diagnostics);
            return state.Unit([new ProtocolDraft(spec, locations.ToEquatableArray())]);
        }

        public static SpecUnit ParseTlvSet(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var state = new State(context.TargetNode.SyntaxTree.FilePath, context.SemanticModel.Compilation.Assembly);
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var typeLocation = LocationInfo.From(((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation());
            if (!IsPartialRecord(type, cancellationToken))
            {
                state.Report(DiagnosticDescriptors.RecordNotPartial, typeLocation, type.Name);
                return state.Unit([]);
            }

            if (type.ContainingType is { } container)
            {
                state.Report(DiagnosticDescriptors.NestedDeclaration, typeLocation, type.Name, container.Name);
                return state.Unit([]);
            }

            var attribute = context.Attributes[0];
            var id = attribute.ConstructorArguments[0].Value as string ?? Naming.ToSnake(type.Name);
            var locations = new List<LocatedKey>();
            if (typeLocation is not null)
            {
                locations.Add(new("tlv", typeLocation));
            }

            var endian = EndianKind.Big;
            var kindEnum = string.Empty;
            if (Named(attribute, "KindEnum") is INamedTypeSymbol kindType && kindType.TypeKind == TypeKind.Enum)
            {
                kindEnum = state.AddEnum(kindType);
            }

            var cases = new List<TlvCaseSpec>();
            foreach (var nested in type.GetTypeMembers().OrderBy(t => t.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0))
            {
                var caseAttribute = nested.GetAttributes().FirstOrDefault(a => AttributeName(a) == "TlvCaseAttribute");
                if (caseAttribute is null)
                {
                    continue;
                }

                var caseId = Naming.ToSnake(nested.Name);
                var caseLocation = LocationInfo.From(nested.Locations.FirstOrDefault());
                if (caseLocation is not null)
                {
                    locations.Add(new("case:" + caseId, caseLocation));
                }

                if (!IsPartialRecord(nested, cancellationToken))
                {
                    state.Report(DiagnosticDescriptors.RecordNotPartial, caseLocation, nested.Name);
                    continue;
                }

                var caseFields = ReadFields(nested, endian, "case:" + caseId + ":field:", state, locations, cancellationToken);
                cases.Add(new TlvCaseSpec(
                    caseId,
                    nested.Name,
                    ToULong(caseAttribute.ConstructorArguments[0].Value),
                    Named(caseAttribute, "SingleByte") is true,
                    Named(caseAttribute, "EndOfList") is true,
                    true,
                    caseFields.ToEquatableArray()));
            }

            var spec = new TlvSetSpec(
                id,
                type.Name,
                Namespace(type),
                endian,
                Named(attribute, "KindWidth") is int kw ? kw : 1,
                Named(attribute, "LengthWidth") is int lw ? lw : 1,
                Named(attribute, "LengthIncludesHeader") is not false,
                Named(attribute, "LengthScale") is int ls ? ls : 1,
                kindEnum,
                Named(attribute, "Display") as string ?? string.Empty,
                Named(attribute, "KindDisplay") as string,
                Named(attribute, "LengthDisplay") as string,
                true,
                Accessibility(type),
                cases.ToEquatableArray(),
                EquatableArray<EnumSpec>.Empty)
            {
                Align = Named(attribute, "Align") is int align ? align : 1,
                UnknownDisplay = Named(attribute, "UnknownDisplay") as string,
            };
            ModelValidator.ValidateTlv(spec, new LocationLookup(locations, typeLocation), state.Diagnostics);
            return state.Unit([], new TlvDraft(spec, locations.ToEquatableArray()));
        }

        private static List<FieldSpec> ReadFields(
            INamedTypeSymbol type,
            EndianKind endian,
            string prefix,
            State state,
            List<LocatedKey> locations,
            CancellationToken cancellationToken)
        {
            var fields = new List<FieldSpec>();
            var properties = type.GetMembers()
                .OfType<IPropertySymbol>()
                .Where(p => !p.IsStatic && !p.IsImplicitlyDeclared && p.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Public &&
                            p.Locations.Length > 0 && p.Locations[0].IsInSource && p.GetMethod is not null && p.SetMethod is not null)
                .OrderBy(p => p.Locations[0].SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(p => p.Locations[0].SourceSpan.Start)
                .ToList();

            foreach (var property in properties)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var field = ReadField(property, endian, prefix, state, locations, cancellationToken);
                if (field is not null)
                {
                    fields.Add(field);
                }
            }

            return fields;
        }

        private static FieldSpec? ReadField(
            IPropertySymbol property,
            EndianKind endian,
            string prefix,
            State state,
            List<LocatedKey> locations,
            CancellationToken cancellationToken)
        {
            var id = Naming.ToSnake(property.Name);
            var key = prefix + id;
            var propertyLocation = LocationInfo.From(property.Locations[0]);
            if (propertyLocation is not null)
            {
                locations.Add(new(key, propertyLocation));
            }

            var attrs = new Dictionary<string, AttributeData>(StringComparer.Ordinal);
            foreach (var a in property.GetAttributes())
            {
                if (a.AttributeClass?.ContainingNamespace?.ToDisplayString() != AnnotationsNamespace)
                {
                    continue;
                }

                var name = AttributeName(a);
                attrs[name] = a;
                var where = LocationInfo.From(a.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());
                if (where is not null)
                {
                    var sub = name switch
                    {
                        "EqualAttribute" or "MinAttribute" or "MaxAttribute" or "AnyOfAttribute" => "valid",
                        "ChecksumAttribute" => "checksum",
                        "DispatchAttribute" => "dispatch",
                        "LengthAttribute" => "length",
                        "PresentWhenAttribute" => "when",
                        "ReservedAttribute" => "reserved",
                        "BitsAttribute" => "bits",
                        "SizeOfAttribute" => "size_of",
                        "AltDisplayAttribute" => "alt",
                        "DecodedAttribute" => "decode",
                        _ => null,
                    };
                    if (sub is not null)
                    {
                        locations.Add(new(key + ":" + sub, where));
                    }
                }
            }

            var fieldAttr = attrs.TryGetValue("FieldAttribute", out var fa) ? fa : null;
            var display = fieldAttr is null ? null : Named(fieldAttr, "Display") as string;
            var format = fieldAttr is not null && Named(fieldAttr, "Format") is { } fmt ? (NumberFormatKind)ToULong(fmt) : NumberFormatKind.Decimal;
            var widthOverride = fieldAttr is not null && Named(fieldAttr, "Width") is int w ? w : 0;
            if (fieldAttr is not null && Named(fieldAttr, "LittleEndian") is true)
            {
                endian = EndianKind.Little;
            }

            if (fieldAttr is not null && Named(fieldAttr, "BigEndian") is true)
            {
                endian = EndianKind.Big;
            }

            var bits = attrs.TryGetValue("BitsAttribute", out var ba) ? (int)ba.ConstructorArguments[0].Value! : 0;
            var propertyType = property.Type;
            ConditionSpec? when = null;
            if (attrs.TryGetValue("PresentWhenAttribute", out var pw))
            {
                when = ConditionFrom(pw, property.ContainingType, (string)pw.ConstructorArguments[0].Value!, "Mask", "Equal", "AnyOf");
                if (AndFrom(pw, property.ContainingType, property.Name, state, cancellationToken) is { } and)
                {
                    when = when with { And = and };
                }
            }

            if (propertyType is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                propertyType = nullable.TypeArguments[0];
            }

            var type = FieldType.UInt;
            var width = 0;
            var signed = false;
            string? enumId = null;
            RegionKind? region = attrs.TryGetValue("RegionAttribute", out var ra) ? (RegionKind)(int)ToULong(ra.ConstructorArguments[0].Value) : null;
            string? tlv = null;
            string? repeatType = null;
            string? repeatUntil = null;
            string? variantSwitch = null;
            var variantCases = new List<VariantCaseSpec>();
            var children = new List<FieldSpec>();
            var typeName = propertyType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

            switch (propertyType.SpecialType)
            {
                case SpecialType.System_Byte:
                    width = 1;
                    break;
                case SpecialType.System_UInt16:
                    width = 2;
                    break;
                case SpecialType.System_UInt32:
                    width = 4;
                    break;
                case SpecialType.System_UInt64:
                    width = 8;
                    break;
                case SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64:
                    // Two's complement, as YAML's i8…i64.
                    width = propertyType.SpecialType switch { SpecialType.System_SByte => 1, SpecialType.System_Int16 => 2, SpecialType.System_Int32 => 4, _ => 8 };
                    signed = true;
                    break;
                case SpecialType.System_Boolean:
                    type = FieldType.Bool;
                    bits = bits == 0 ? 1 : bits;
                    break;
                default:
                    if (propertyType.TypeKind == TypeKind.Enum && propertyType is INamedTypeSymbol enumType)
                    {
                        enumId = state.AddEnum(enumType);
                        width = EnumWidth(enumType);
                    }
                    else if (propertyType.TypeKind == TypeKind.Error)
                    {
                        // A type this compilation cannot see yet, such as an enum a YAML spec generates: resolved by name later.
                        enumId = "@" + propertyType.Name;
                    }
                    else if (typeName == "global::PcapKit.Net.MacAddress")
                    {
                        type = FieldType.Mac;
                        width = 6;
                    }
                    else if (typeName == "global::PcapKit.Net.Ipv4Address")
                    {
                        type = FieldType.Ipv4;
                        width = 4;
                    }
                    else if (typeName == "global::PcapKit.Net.Ipv6Address")
                    {
                        type = FieldType.Ipv6;
                        width = 16;
                    }
                    else if (typeName == "global::System.ReadOnlyMemory<byte>")
                    {
                        if (attrs.TryGetValue("PayloadAttribute", out var pa))
                        {
                            type = FieldType.Payload;
                            region = pa.ConstructorArguments.Length > 0 ? (RegionKind)(int)ToULong(pa.ConstructorArguments[0].Value) : RegionKind.Rest;
                        }
                        else
                        {
                            type = FieldType.Bytes;
                            width = attrs.TryGetValue("SizeAttribute", out var sa) ? (int)sa.ConstructorArguments[0].Value! : 0;
                        }
                    }
                    else if (propertyType is INamedTypeSymbol variantType && attrs.TryGetValue("SwitchAttribute", out var sw) &&
                             variantType.GetAttributes().Any(a => AttributeName(a) == "VariantSetAttribute"))
                    {
                        if (variantType.ContainingType is { } container)
                        {
                            state.Report(DiagnosticDescriptors.NestedDeclaration, LocationInfo.From(variantType.Locations.FirstOrDefault()), variantType.Name, container.Name);
                            return null;
                        }

                        type = FieldType.Variant;
                        variantSwitch = FieldIdOf(property.ContainingType, (string)sw.ConstructorArguments[0].Value!);
                        repeatType = variantType.Name;
                        foreach (var nested in variantType.GetTypeMembers().OrderBy(t => t.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0))
                        {
                            var caseAttribute = nested.GetAttributes().FirstOrDefault(a => AttributeName(a) == "VariantCaseAttribute");
                            if (caseAttribute is null)
                            {
                                continue;
                            }

                            var caseId = Naming.ToSnake(nested.Name);
                            if (LocationInfo.From(nested.Locations.FirstOrDefault()) is { } caseLocation)
                            {
                                locations.Add(new(key + ":case:" + caseId, caseLocation));
                            }

                            var caseKeys = caseAttribute.ConstructorArguments.Length > 0
                                ? caseAttribute.ConstructorArguments[0].Values.Select(v => ToULong(v.Value)).ToEquatableArray()
                                : EquatableArray<ulong>.Empty;
                            var caseFields = ReadFields(nested, endian, key + ":case:" + caseId + ":field:", state, locations, cancellationToken);
                            var minLength = Named(caseAttribute, "MinLength") is int m && m != 0 ? m : (int?)null;
                            var maxLength = Named(caseAttribute, "MaxLength") is int x && x != 0 ? x : (int?)null;
                            var and = AndFrom(caseAttribute, property.ContainingType, property.Name, state, cancellationToken);
                            if ((and is not null || minLength is not null || maxLength is not null) && caseKeys.IsEmpty)
                            {
                                // As YAML's default takes no 'and', 'min_length' or 'max_length': it takes what no case chooses.
                                state.Report(DiagnosticDescriptors.UnsupportedLayout, LocationInfo.From(caseAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()),
                                    property.Name, "the default layout takes what no case chooses and has no condition ('AndField', 'MinLength', 'MaxLength')");
                                and = null;
                                minLength = null;
                                maxLength = null;
                            }

                            variantCases.Add(new VariantCaseSpec(caseId, nested.Name, caseKeys, EquatableArray<string>.Empty, true, caseFields.ToEquatableArray()) { MinLength = minLength, MaxLength = maxLength, And = and });
                        }
                    }
                    else if (propertyType is INamedTypeSymbol { IsGenericType: true } generic &&
                             generic.OriginalDefinition.ToDisplayString() == "PcapKit.ValueList<T>" &&
                             generic.TypeArguments[0] is INamedTypeSymbol element)
                    {
                        var tlvAttr = element.GetAttributes().FirstOrDefault(a => AttributeName(a) == "TlvSetAttribute");
                        if (tlvAttr is not null)
                        {
                            type = FieldType.Tlv;
                            tlv = tlvAttr.ConstructorArguments[0].Value as string ?? Naming.ToSnake(element.Name);
                            region ??= RegionKind.RestOfHeader;
                        }
                        else if (attrs.ContainsKey("RepeatAttribute"))
                        {
                            type = FieldType.Repeat;
                            region ??= RegionKind.Rest;
                            repeatType = element.Name;
                            repeatUntil = Named(attrs["RepeatAttribute"], "Until") is string until ? FieldIdOf(element, until) : null;
                            children = ReadFields(element, endian, key + ":", state, locations, cancellationToken);
                            if (element.IsValueType && children.Any(Emit.Layout.IsVariableSize))
                            {
                                // A measured item is emitted as a record class with a view; a record struct cannot be one.
                                state.Report(DiagnosticDescriptors.UnsupportedLayout, propertyLocation, property.Name, "an item whose size depends on its own fields is a 'partial record' class, not a record struct");
                                return null;
                            }
                        }
                        else
                        {
                            state.Report(DiagnosticDescriptors.UnsupportedPropertyType, propertyLocation, property.Name, typeName);
                            return null;
                        }
                    }
                    else
                    {
                        state.Report(DiagnosticDescriptors.UnsupportedPropertyType, propertyLocation, property.Name, typeName);
                        return null;
                    }

                    break;
            }

            if (widthOverride > 0 && type == FieldType.UInt)
            {
                width = widthOverride;
            }

            SizeOfSpec? sizeOf = null;
            if (attrs.TryGetValue("SizeOfAttribute", out var so))
            {
                sizeOf = new SizeOfSpec(
                    (RegionKind)(int)ToULong(so.ConstructorArguments[0].Value),
                    Named(so, "Scale") is int s ? s : 1,
                    Named(so, "Offset") is int o ? o : 0);
            }

            LengthSpec? length = null;
            if (attrs.TryGetValue("LengthAttribute", out var la))
            {
                length = new LengthSpec(
                    FieldIdOf(property.ContainingType, (string)la.ConstructorArguments[0].Value!),
                    Named(la, "Scale") is int s ? s : 1,
                    Named(la, "Offset") is int o ? o : 0);
            }

            ValidationSpec? valid = null;
            ulong? eq = attrs.TryGetValue("EqualAttribute", out var ea) ? ToULong(ea.ConstructorArguments[0].Value) : null;
            ulong? min = attrs.TryGetValue("MinAttribute", out var mina) ? ToULong(mina.ConstructorArguments[0].Value) : null;
            ulong? max = attrs.TryGetValue("MaxAttribute", out var maxa) ? ToULong(maxa.ConstructorArguments[0].Value) : null;
            var anyOf = attrs.TryGetValue("AnyOfAttribute", out var aoa)
                ? aoa.ConstructorArguments[0].Values.Select(v => ToULong(v.Value)).ToEquatableArray()
                : EquatableArray<ulong>.Empty;
            if (eq is not null || min is not null || max is not null || !anyOf.IsEmpty)
            {
                valid = new ValidationSpec(eq, min, max, anyOf);
            }

            ChecksumSpec? checksum = null;
            if (attrs.TryGetValue("ChecksumAttribute", out var ca))
            {
                checksum = new ChecksumSpec(
                    "inet16",
                    ToULong(ca.ConstructorArguments[1].Value) == 1,
                    Named(ca, "PseudoHeader") as string,
                    Named(ca, "ZeroMeansNone") is true)
                {
                    CoverageField = Named(ca, "Coverage") is string coverage ? FieldIdOf(property.ContainingType, coverage) : null,
                };
            }

            DispatchSpec? dispatch = null;
            if (attrs.TryGetValue("DispatchAttribute", out var da))
            {
                var keys = da.ConstructorArguments[1].Values.Select(v => FieldIdOf(property.ContainingType, (string)v.Value!)).ToEquatableArray();
                ConditionSpec? dispatchWhen = Named(da, "When") is string whenField
                    ? new ConditionSpec(FieldIdOf(property.ContainingType, whenField), 0, ToULong(Named(da, "WhenEqual") ?? 0UL))
                    : null;
                var table = (string)da.ConstructorArguments[0].Value!;
                var tables = new List<string> { table };
                tables.AddRange(NamedArray(da, "Tables").Select(v => (string)v.Value!).Where(t => t != table));
                var labels = new List<string> { Named(da, "ChainLabel") as string ?? string.Empty };
                while (labels.Count < tables.Count)
                {
                    labels.Add(string.Empty);
                }

                dispatch = new DispatchSpec(table, keys, Named(da, "LowFirst") is true, dispatchWhen)
                {
                    Hook = Named(da, "Hook") is true,
                    Tables = tables.ToEquatableArray(),
                    ChainLabels = labels.ToEquatableArray(),
                    FragmentWhen = Named(da, "FragmentWhen") is string fragmentField
                        ? new ConditionSpec(FieldIdOf(property.ContainingType, fragmentField), 0, ToULong(Named(da, "FragmentWhenEqual") ?? 0UL))
                        : null,
                    Quoted = Named(da, "Quoted") is true,
                };
            }

            if (type == FieldType.UInt && bits == 1 && propertyType.SpecialType == SpecialType.System_Boolean)
            {
                type = FieldType.Bool;
            }

            // [AltDisplay] (repeatable): names by condition, or one bound or size (YAML's alt:).
            AltDisplaySpec? alt = null;
            var altWhen = new List<AltDisplaySpec>();
            foreach (var a in property.GetAttributes())
            {
                if (a.AttributeClass?.ContainingNamespace?.ToDisplayString() != AnnotationsNamespace || AttributeName(a) != "AltDisplayAttribute")
                {
                    continue;
                }

                var altId = (string)a.ConstructorArguments[0].Value!;
                var altDisplay = (string)a.ConstructorArguments[1].Value!;
                if (Named(a, "WhenField") is string whenField)
                {
                    altWhen.Add(new AltDisplaySpec(0, altId, altDisplay)
                    {
                        When = ConditionFrom(a, property.ContainingType, whenField, "WhenMask", "WhenEqual", "WhenAnyOf"),
                        Enum = Named(a, "Names") as string,
                    });
                }
                else if (alt is not null)
                {
                    state.Report(DiagnosticDescriptors.UnsupportedLayout, LocationInfo.From(a.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()), property.Name,
                        "a field has one alt by bound or size; more names need a condition ('WhenField')");
                }
                else if (Named(a, "Size") is int altSize && altSize > 0)
                {
                    alt = new AltDisplaySpec(0, altId, altDisplay) { Size = altSize };
                }
                else if (Named(a, "Max") is { } altMax && ToULong(altMax) != ulong.MaxValue)
                {
                    alt = new AltDisplaySpec(ToULong(altMax), altId, altDisplay);
                }
                else
                {
                    state.Report(DiagnosticDescriptors.UnsupportedLayout, LocationInfo.From(a.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()), property.Name,
                        "an [AltDisplay] needs 'Max', 'Size' or 'WhenField'");
                }
            }

            if (format == NumberFormatKind.NtpTimestamp && (type != FieldType.UInt || width != 8 || bits != 0 || signed))
            {
                // As YAML's format: ntp_time, only on a u64.
                state.Report(DiagnosticDescriptors.UnsupportedLayout, LocationInfo.From(fieldAttr?.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()), property.Name,
                    "a value is shown as an NTP timestamp only when it is a whole 64-bit unsigned integer (ulong)");
                format = NumberFormatKind.Decimal;
            }

            // [Decoded] fields: YAML's decode:, reported by a hook from a byte string filling a region.
            var decode = false;
            foreach (var a in property.GetAttributes())
            {
                if (a.AttributeClass?.ContainingNamespace?.ToDisplayString() != AnnotationsNamespace || AttributeName(a) != "DecodedAttribute" ||
                    a.ConstructorArguments.Length != 2)
                {
                    continue;
                }

                var where = LocationInfo.From(a.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());
                if (type != FieldType.Bytes || region is null)
                {
                    state.Report(DiagnosticDescriptors.UnsupportedLayout, where, property.Name,
                        "only a byte string filling a region ('type: bytes' with 'region:') can be decoded by a hook");
                    break;
                }

                if (DecodedField(a, state, out var problem) is { } decoded)
                {
                    decode = true;
                    children.Add(decoded);
                }
                else
                {
                    state.Report(DiagnosticDescriptors.UnsupportedLayout, where, property.Name, problem!);
                }
            }

            return new FieldSpec(
                id,
                property.Name,
                type,
                width,
                bits,
                endian,
                enumId,
                format,
                display ?? id,
                fieldAttr is not null && Named(fieldAttr, "DisplayScaled") is true,
                sizeOf,
                length,
                valid,
                checksum,
                when,
                region,
                tlv,
                dispatch,
                attrs.TryGetValue("ReservedAttribute", out var res) ? ToULong(res.ConstructorArguments[0].Value) : null,
                repeatType,
                children.ToEquatableArray())
            {
                Signed = signed,
                NamesEnumId = fieldAttr is null ? null : Named(fieldAttr, "Names") as string,
                IsAddress = fieldAttr is not null && Named(fieldAttr, "Address") is true,
                HexDigits = fieldAttr is not null && Named(fieldAttr, "HexDigits") is int hexDigits ? hexDigits : 0,
                Role = fieldAttr is not null && Named(fieldAttr, "Role") is int role && role != 0
                    ? role switch
                    {
                        1 => "source_address", 2 => "destination_address", 3 => "source_port", 4 => "destination_port", 5 => "protocol",
                        6 => "fragment_id", 7 => "fragment_offset", 8 => "more_fragments", 9 => "tcp_flags", 10 => "vlan_id",
                        11 => "sequence_number", _ => "acknowledgment_number",
                    }
                    : null,
                SwitchField = variantSwitch,
                Cases = variantCases.ToEquatableArray(),
                RepeatUntil = repeatUntil,
                Alt = alt,
                AltWhen = altWhen.ToEquatableArray(),
                Decode = decode,
            };
        }

        /// <summary>A field a decode hook reports, from its [Decoded] attribute (as YAML's decoded field keys give it), or null with the reason.</summary>
        private static FieldSpec? DecodedField(AttributeData attribute, State state, out string? problem)
        {
            problem = null;
            var decodedId = attribute.ConstructorArguments[0].Value as string ?? string.Empty;
            // DecodedType's members in order: UInt8, UInt16, UInt32, UInt64, Boolean, Text, Bytes, Mac, Ipv4, Ipv6.
            (FieldType Type, int Width)? kind = attribute.ConstructorArguments[1].Value is int k ? k switch
            {
                0 => (FieldType.UInt, 1),
                1 => (FieldType.UInt, 2),
                2 => (FieldType.UInt, 4),
                3 => (FieldType.UInt, 8),
                4 => (FieldType.Bool, 1),
                5 => (FieldType.Text, 0),
                6 => (FieldType.Bytes, 0),
                7 => (FieldType.Mac, 6),
                8 => (FieldType.Ipv4, 4),
                9 => (FieldType.Ipv6, 16),
                _ => null,
            } : null;
            if (kind is not { } known)
            {
                problem = "the decoded field '" + decodedId + "' has no DecodedType this generator knows";
                return null;
            }

            string? enumId = null;
            switch (Named(attribute, "Enum"))
            {
                case INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType:
                    enumId = state.AddEnum(enumType);
                    break;
                case INamedTypeSymbol { TypeKind: TypeKind.Error } unresolved:
                    // An enum a YAML spec generates, not visible yet: resolved by name later, as a property's type is.
                    enumId = "@" + unresolved.Name;
                    break;
                case INamedTypeSymbol other:
                    problem = "the decoded field '" + decodedId + "' names '" + other.Name + "' as its Enum, which is not an enum";
                    return null;
            }

            var format = Named(attribute, "Format") is { } f ? (NumberFormatKind)ToULong(f) : NumberFormatKind.Decimal;
            if (format == NumberFormatKind.NtpTimestamp && known != (FieldType.UInt, 8))
            {
                problem = "the decoded field '" + decodedId + "' is shown as an NTP timestamp, which only a UInt64 can be";
                return null;
            }

            return FieldSpec.Decoded(decodedId, known.Type, known.Width, enumId, format, Named(attribute, "Display") as string,
                Named(attribute, "HexDigits") is int hexDigits ? hexDigits : 0);
        }

        /// <summary>
        /// The second condition an attribute joins to its first (<c>AndField</c> with <c>AndMask</c>, <c>AndEqual</c> or
        /// <c>AndAnyOf</c>: YAML's <c>and:</c>), or null; the values without <c>AndField</c> are PKGEN2012.
        /// </summary>
        private static ConditionSpec? AndFrom(AttributeData attribute, INamedTypeSymbol type, string property, State state, CancellationToken cancellationToken)
        {
            if (Named(attribute, "AndField") is string andField)
            {
                return ConditionFrom(attribute, type, andField, "AndMask", "AndEqual", "AndAnyOf");
            }

            if (Named(attribute, "AndMask") is not null || Named(attribute, "AndEqual") is not null || !NamedArray(attribute, "AndAnyOf").IsEmpty)
            {
                state.Report(DiagnosticDescriptors.UnsupportedLayout, LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()), property,
                    "'AndMask', 'AndEqual' or 'AndAnyOf' test the property 'AndField' names, and none is named");
            }

            return null;
        }

        /// <summary>A condition an attribute states on a property of <paramref name="type"/>: its mask, value or values, by the attribute's names for them.</summary>
        private static ConditionSpec ConditionFrom(AttributeData attribute, INamedTypeSymbol type, string field, string mask, string equal, string anyOf) =>
            new(FieldIdOf(type, field), ToULong(Named(attribute, mask) ?? 0UL), ToULong(Named(attribute, equal) ?? 0UL))
            {
                AnyOf = NamedArray(attribute, anyOf).Select(v => ToULong(v.Value)).ToEquatableArray(),
            };

        private static ImmutableArray<TypedConstant> NamedArray(AttributeData attribute, string name)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == name && pair.Value.Kind == TypedConstantKind.Array)
                {
                    return pair.Value.Values;
                }
            }

            return ImmutableArray<TypedConstant>.Empty;
        }

        private static int EnumWidth(INamedTypeSymbol enumType) => enumType.EnumUnderlyingType?.SpecialType switch
        {
            SpecialType.System_Byte or SpecialType.System_SByte => 1,
            SpecialType.System_UInt16 or SpecialType.System_Int16 => 2,
            SpecialType.System_UInt64 or SpecialType.System_Int64 => 8,
            _ => 4,
        };

        private static string FieldIdOf(INamedTypeSymbol type, string propertyName) => Naming.ToSnake(propertyName);

        private static bool IsPartialRecord(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (!type.IsRecord)
            {
                return false;
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration &&
                    declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return true;
                }
            }

            return false;
        }

        private static string Namespace(INamedTypeSymbol type) =>
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty;

        private static string Accessibility(INamedTypeSymbol type) =>
            type.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Public ? "public" : "internal";

        private static string AttributeName(AttributeData attribute) => attribute.AttributeClass?.Name ?? string.Empty;

        private static object? Named(AttributeData attribute, string name)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == name)
                {
                    return pair.Value.Kind == TypedConstantKind.Array ? null : pair.Value.Value;
                }
            }

            return null;
        }

        private static ulong ToULong(object? value) => value switch
        {
            ulong u => u,
            long l => unchecked((ulong)l),
            sbyte sb => unchecked((ulong)sb),
            short sh => unchecked((ulong)sh),
            int i => unchecked((ulong)i),
            uint u => u,
            ushort s => s,
            byte b => b,
            _ => 0,
        };

        private sealed class State
        {
            private readonly List<EnumSpec> _enums = [];

            private readonly IAssemblySymbol _assembly;

            public State(string path, IAssemblySymbol assembly)
            {
                Path = path;
                _assembly = assembly;
            }

            public string Path { get; }

            public List<DiagnosticInfo> Diagnostics { get; } = [];

            public void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object?[] args) =>
                Diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));

            /// <summary>Records a C# enum the spec uses and returns its identifier.</summary>
            public string AddEnum(INamedTypeSymbol enumType)
            {
                var id = Naming.ToSnake(enumType.Name);
                var members = new List<EnumMemberSpec>();
                foreach (var member in enumType.GetMembers().OfType<IFieldSymbol>())
                {
                    if (member.HasConstantValue)
                    {
                        members.Add(new EnumMemberSpec(Naming.ToSnake(member.Name), member.Name, ToULong(member.ConstantValue)));
                    }
                }

                var isFlags = enumType.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.FlagsAttribute");
                var external = !SymbolEqualityComparer.Default.Equals(enumType.ContainingAssembly, _assembly);
                _enums.Add(new EnumSpec(id, enumType.Name, Namespace(enumType), EnumWidth(enumType), isFlags, true, external, members.ToEquatableArray()));
                return id;
            }

            public SpecUnit Unit(ProtocolDraft[] protocols, TlvDraft? tlv = null) => new(
                Path,
                protocols.ToEquatableArray(),
                _enums.ToEquatableArray(),
                tlv is null ? EquatableArray<TlvDraft>.Empty : new EquatableArray<TlvDraft>([tlv]),
                EquatableArray<LocatedKey>.Empty,
                Diagnostics.ToEquatableArray());
        }
    }
}
