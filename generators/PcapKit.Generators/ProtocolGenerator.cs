using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using PcapKit.Generators.Emit;
using PcapKit.Generators.Model;

namespace PcapKit.Generators;

/// <summary>
/// The PcapKit protocol generator. <see cref="Initialize"/> only wires the pipeline: YAML specs
/// (<see cref="SpecReader"/>) and attributed records (<see cref="Parser"/>) become one model, the
/// <see cref="Resolver"/> joins them, and the emitters write one file per protocol, TLV set, enum and pack.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ProtocolGenerator : IIncrementalGenerator
{
    internal const string SpecExtension = ".pcapkit.yaml";

    /// <summary>Names of the tracked steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>Options from the project.</summary>
        public const string Options = nameof(Options);

        /// <summary>One YAML spec read.</summary>
        public const string Yaml = nameof(Yaml);

        /// <summary>One registry data file read.</summary>
        public const string Registries = nameof(Registries);

        /// <summary>One attributed protocol record read.</summary>
        public const string Records = nameof(Records);

        /// <summary>One attributed TLV set read.</summary>
        public const string TlvRecords = nameof(TlvRecords);

        /// <summary>Every spec joined.</summary>
        public const string Resolved = nameof(Resolved);

        /// <summary>One protocol to emit.</summary>
        public const string Protocols = nameof(Protocols);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var options = context.AnalyzerConfigOptionsProvider
            .Combine(context.CompilationProvider.Select(static (c, _) => c.AssemblyName ?? "Pack"))
            .Select(static (pair, _) =>
            {
                var global = pair.Left.GlobalOptions;
                global.TryGetValue("build_property.RootNamespace", out var ns);
                global.TryGetValue("build_property.PcapKitPackName", out var packName);
                return new GeneratorOptions(ns ?? pair.Right, packName ?? string.Empty, pair.Right);
            })
            .WithTrackingName(Steps.Options);

        var yaml = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(SpecExtension, StringComparison.OrdinalIgnoreCase))
            .Combine(options)
            .Select(static (pair, ct) => SpecReader.Read(pair.Left.Path, pair.Left.GetText(ct)?.ToString(), pair.Right, ct))
            .WithTrackingName(Steps.Yaml);

        var registries = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(RegistryExtension, StringComparison.OrdinalIgnoreCase))
            .Combine(options)
            .Select(static (pair, ct) => RegistryReader.Read(pair.Left.Path, pair.Left.GetText(ct)?.ToString(), pair.Right, ct))
            .WithTrackingName(Steps.Registries);

        var records = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ProtocolAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Parser.ParseProtocol(ctx, ct))
            .WithTrackingName(Steps.Records);

        var tlvRecords = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                TlvSetAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Parser.ParseTlvSet(ctx, ct))
            .WithTrackingName(Steps.TlvRecords);

        var resolved = yaml.Collect()
            .Combine(registries.Collect())
            .Select(static (pair, _) => pair.Left.AddRange(pair.Right))
            .Combine(records.Collect())
            .Combine(tlvRecords.Collect())
            .Combine(options)
            .Select(static (input, ct) => Resolver.Resolve(input.Left.Left.Left.AddRange(input.Left.Left.Right).AddRange(input.Left.Right), input.Right, ct))
            .WithTrackingName(Steps.Resolved);

        context.RegisterSourceOutput(resolved.Select(static (r, _) => r.Diagnostics), static (spc, diagnostics) =>
        {
            foreach (var d in diagnostics)
            {
                spc.ReportDiagnostic(d.ToDiagnostic());
            }
        });

        var protocols = resolved.SelectMany(static (r, _) => r.Protocols).WithTrackingName(Steps.Protocols);
        context.RegisterSourceOutput(protocols, static (spc, spec) =>
            spc.AddSource(HintName(spec.Namespace, spec.TypeName), SourceText.From(new ProtocolEmitter(spec).Emit(), System.Text.Encoding.UTF8)));

        context.RegisterSourceOutput(resolved.SelectMany(static (r, _) => r.TlvSets), static (spc, spec) =>
            spc.AddSource(HintName(spec.Namespace, spec.TypeName), SourceText.From(new TlvEmitter(spec).Emit(), System.Text.Encoding.UTF8)));

        context.RegisterSourceOutput(resolved.SelectMany(static (r, _) => r.Enums), static (spc, spec) =>
            spc.AddSource(HintName(spec.Namespace, spec.TypeName), SourceText.From(EnumEmitter.Emit(spec), System.Text.Encoding.UTF8)));

        context.RegisterSourceOutput(resolved.Select(static (r, _) => r.Pack), static (spc, pack) =>
        {
            if (pack is not null)
            {
                spc.AddSource(HintName(pack.Namespace, pack.TypeName), SourceText.From(PackEmitter.Emit(pack), System.Text.Encoding.UTF8));
            }
        });
    }

    private static string HintName(string ns, string type) => (ns.Length > 0 ? ns + "." : string.Empty) + type + ".g.cs";
}
