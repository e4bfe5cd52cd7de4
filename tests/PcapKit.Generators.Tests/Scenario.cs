using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace PcapKit.Generators.Tests;

/// <summary>A set of inputs for the generator: YAML specs and C# files from a folder.</summary>
internal sealed record Scenario(string Name, IReadOnlyList<(string Path, string Text)> Yaml, IReadOnlyList<(string Path, string Code)> Sources)
{
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PcapKit.Gen.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("The tests do not run inside the repository.");
        }
    }

    public static string ScenarioRoot => Path.Combine(RepositoryRoot, "tests", "PcapKit.Generators.Tests", "Scenarios");

    public static string BaselineRoot => Path.Combine(RepositoryRoot, "tests", "PcapKit.Generators.Tests", "Baselines");

    public static IEnumerable<string> Names =>
        Directory.GetDirectories(ScenarioRoot).Select(Path.GetFileName).Append("StandardPack").OfType<string>().OrderBy(n => n, StringComparer.Ordinal);

    /// <summary>Loads a scenario; <c>StandardPack</c> is the real standard pack's specs.</summary>
    public static Scenario Load(string name)
    {
        var folder = name == "StandardPack" ? Path.Combine(RepositoryRoot, "protocols", "PcapKit.Protocols") : Path.Combine(ScenarioRoot, name);
        var yaml = Directory.GetFiles(folder, "*.pcapkit.yaml", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(folder, "*.pcapkit.tsv", SearchOption.AllDirectories))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (Relative(folder, p), File.ReadAllText(p)))
            .ToList();
        var sources = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                        !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (Relative(folder, p), File.ReadAllText(p)))
            .ToList();
        return new Scenario(name, yaml, sources);
    }

    public GeneratorHarness.Result Run() =>
        GeneratorHarness.Run(Yaml, Sources, Name == "StandardPack" ? "PcapKit.Protocols" : "Demo", Name == "StandardPack" ? "StandardProtocols" : null);

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');
}
