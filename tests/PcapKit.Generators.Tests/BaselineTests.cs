using System;
using System.IO;
using System.Linq;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>
/// The generated code of each scenario, compared line by line with committed <c>Baselines/&lt;scenario&gt;/*.g.cs.txt</c>
/// files (as dotnet/runtime's generator tests do). Set PCAPKIT_UPDATE_BASELINES=1 to rewrite them.
/// </summary>
public sealed class BaselineTests
{
    public static TheoryData<string> Scenarios() => [.. Scenario.Names];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void GeneratedCode_MatchesTheBaseline(string name)
    {
        var result = Scenario.Load(name).Run();
        var folder = Path.Combine(Scenario.BaselineRoot, name);
        var update = Environment.GetEnvironmentVariable("PCAPKIT_UPDATE_BASELINES") == "1";
        if (update)
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(folder);
            foreach (var (hint, text) in result.Sources)
            {
                File.WriteAllText(Path.Combine(folder, hint + ".txt"), text);
            }
        }

        Assert.True(Directory.Exists(folder), $"No baselines for {name}; run with PCAPKIT_UPDATE_BASELINES=1 once and review them.");
        var expected = Directory.GetFiles(folder, "*.g.cs.txt").Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, result.Sources.Select(s => s.HintName + ".txt").ToList());
        foreach (var (hint, text) in result.Sources)
        {
            var baseline = File.ReadAllLines(Path.Combine(folder, hint + ".txt"));
            var actual = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
            for (var i = 0; i < Math.Max(baseline.Length, actual.Length); i++)
            {
                var b = i < baseline.Length ? baseline[i] : "<end of file>";
                var a = i < actual.Length ? actual[i] : "<end of file>";
                Assert.True(b == a, $"{name}/{hint} line {i + 1} differs from the baseline.\n  baseline: {b}\n  actual:   {a}\nSet PCAPKIT_UPDATE_BASELINES=1 to accept the change.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void EveryScenario_CompilesWithoutDiagnostics(string name)
    {
        var result = Scenario.Load(name).Run();
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompileDiagnostics.Select(d => d.ToString()));
        Assert.NotEmpty(result.Sources);
    }
}
