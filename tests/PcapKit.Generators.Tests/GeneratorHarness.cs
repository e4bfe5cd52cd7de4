using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PcapKit.Generators;

namespace PcapKit.Generators.Tests;

/// <summary>Runs the generator over YAML specs and C# sources in memory, as the compiler would.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private static readonly Lazy<MetadataReference[]> LazyReferences = new(() =>
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var refs = tpa.Where(p => Path.GetFileName(p) is var n && (n.StartsWith("System.", StringComparison.Ordinal) || n is "netstandard.dll" or "mscorlib.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        refs.Add(MetadataReference.CreateFromFile(typeof(PcapKit.Annotations.ProtocolAttribute).Assembly.Location));
        return [.. refs];
    });

    public static MetadataReference[] References => LazyReferences.Value;

    public static CSharpCompilation Compilation(IEnumerable<(string Path, string Code)> sources, string assemblyName = "Demo") =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Code, ParseOptions, s.Path)),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

    public static GeneratorDriver CreateDriver(IEnumerable<(string Path, string Text)> yaml, string rootNamespace = "Demo", string? packName = null) =>
        CSharpGeneratorDriver.Create(
            [new ProtocolGenerator().AsSourceGenerator()],
            yaml.Select(y => (AdditionalText)new InMemoryText(y.Path, y.Text)),
            ParseOptions,
            new Options(rootNamespace, packName),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static Result Run(IEnumerable<(string Path, string Text)> yaml, IEnumerable<(string Path, string Code)> sources, string rootNamespace = "Demo", string? packName = null)
    {
        var compilation = Compilation(sources);
        var driver = CreateDriver(yaml, rootNamespace, packName).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new Result(driver, output, diagnostics);
    }

    /// <summary>Generates one YAML protocol, compiles it without a diagnostic, loads it and returns its descriptor.</summary>
    public static PcapKit.Dissection.ProtocolDescriptor LoadProtocol(string path, string yaml, string typeName) => Load([(path, yaml)], [])(typeName);

    /// <summary>
    /// Generates from the specs and sources, checks that neither the generator nor the compiler reports anything, loads
    /// the assembly and returns a lookup of a protocol's descriptor by its type's full name.
    /// </summary>
    public static Func<string, PcapKit.Dissection.ProtocolDescriptor> Load(IEnumerable<(string Path, string Text)> yaml, IEnumerable<(string Path, string Code)> sources)
    {
        var result = Run(yaml, sources);
        Xunit.Assert.Empty(result.Diagnostics);
        return Load(result);
    }

    /// <summary>Compiles a generator run's output without a warning, loads it and returns a lookup of a protocol's descriptor by its type's full name.</summary>
    public static Func<string, PcapKit.Dissection.ProtocolDescriptor> Load(Result result)
    {
        Xunit.Assert.Empty(result.CompileDiagnostics);
        using var stream = new MemoryStream();
        var emit = result.Output.Emit(stream);
        Xunit.Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var assembly = System.Reflection.Assembly.Load(stream.ToArray());
        return type => (PcapKit.Dissection.ProtocolDescriptor)assembly.GetType(type)!.GetProperty("Descriptor")!.GetValue(null)!;
    }

    internal sealed record Result(GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics)
    {
        public GeneratorDriverRunResult RunResult => Driver.GetRunResult();

        public IReadOnlyList<(string HintName, string Text)> Sources =>
            RunResult.Results.SelectMany(r => r.GeneratedSources).Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal).ToList();

        /// <summary>Errors and warnings of compiling the generated code with the inputs.</summary>
        public IReadOnlyList<Diagnostic> CompileDiagnostics =>
            Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
    }

    internal sealed class InMemoryText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class Options(string rootNamespace, string? packName) : AnalyzerConfigOptionsProvider
    {
        private readonly GlobalOptions _global = new(rootNamespace, packName);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _global;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _global;
    }

    private sealed class GlobalOptions(string rootNamespace, string? packName) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value)
        {
            switch (key)
            {
                case "build_property.RootNamespace":
                    value = rootNamespace;
                    return true;
                case "build_property.PcapKitPackName" when packName is not null:
                    value = packName;
                    return true;
                default:
                    value = string.Empty;
                    return false;
            }
        }
    }
}
