using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace PcapKit.Generators.Tests;

/// <summary>The generator's pipeline caches: unrelated edits re-run nothing, and no step output holds a symbol, a syntax node or a compilation.</summary>
public sealed class IncrementalityTests
{
    private static readonly string[] Steps =
    [
        ProtocolGenerator.Steps.Options, ProtocolGenerator.Steps.Yaml, ProtocolGenerator.Steps.Records,
        ProtocolGenerator.Steps.TlvRecords, ProtocolGenerator.Steps.Resolved, ProtocolGenerator.Steps.Protocols,
    ];

    [Fact]
    public void AnUnrelatedEdit_LeavesEveryTrackedStepCached()
    {
        var scenario = Scenario.Load("Equivalence");
        var compilation = GeneratorHarness.Compilation(scenario.Sources);
        var driver = GeneratorHarness.CreateDriver(scenario.Yaml).RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int X => 1; }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        foreach (var name in Steps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"step {name} was not tracked");
            foreach (var step in result.TrackedSteps[name])
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {name} re-ran: {reason}");
                }
            }
        }
    }

    [Fact]
    public void EditingOneSpec_ReEmitsOnlyThatProtocol()
    {
        var scenario = Scenario.Load("Equivalence");
        var compilation = GeneratorHarness.Compilation(scenario.Sources);
        var driver = GeneratorHarness.CreateDriver(scenario.Yaml).RunGenerators(compilation);
        var (path, text) = scenario.Yaml.Single();
        var changed = new GeneratorHarness.InMemoryText(path, text.Replace("title: Demo", "title: Demo, edited", StringComparison.Ordinal));
        driver = driver.ReplaceAdditionalText(driver.GetRunResult().Results.Single().Generator is { } ? FindText(driver, path) : throw new InvalidOperationException(), changed)
            .RunGenerators(compilation);

        var protocols = driver.GetRunResult().Results.Single().TrackedSteps[ProtocolGenerator.Steps.Protocols];
        var reasons = protocols.SelectMany(s => s.Outputs)
            .Select(o => ((string)o.Value.GetType().GetProperty("TypeName")!.GetValue(o.Value)!, o.Reason))
            .ToList();
        Assert.Contains(("DemoYaml", IncrementalStepRunReason.Modified), reasons);
        Assert.Contains(reasons, r => r.Item1 == "DemoAttributes" && r.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void NoStepOutput_HoldsASymbolASyntaxNodeOrACompilation()
    {
        var scenario = Scenario.Load("Equivalence");
        var compilation = GeneratorHarness.Compilation(scenario.Sources);
        var driver = GeneratorHarness.CreateDriver(scenario.Yaml).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var name in Steps)
        {
            foreach (var step in result.TrackedSteps[name])
            {
                foreach (var (value, _) in step.Outputs)
                {
                    Walk(value, name, visited);
                }
            }
        }

        Assert.NotEmpty(visited);
    }

    private static AdditionalText FindText(GeneratorDriver driver, string path)
    {
        var field = driver.GetType().GetField("_state", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(driver)!;
        var texts = (IEnumerable<AdditionalText>)field.GetType().GetField("AdditionalTexts", BindingFlags.Public | BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(field)!;
        return texts.Single(t => t.Path == path);
    }

    private static void Walk(object? value, string step, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value) ||
            value.GetType().GetProperty("IsDefault")?.GetValue(value) is true)
        {
            return;
        }

        Assert.False(value is ISymbol, $"step {step} holds a symbol: {value}");
        Assert.False(value is SyntaxNode, $"step {step} holds a syntax node");
        Assert.False(value is Compilation, $"step {step} holds a compilation");
        Assert.False(value is SemanticModel, $"step {step} holds a semantic model");
        Assert.False(value is Location, $"step {step} holds a location");
        Assert.False(value is AdditionalText, $"step {step} holds an additional text");

        if (value is IEnumerable enumerable)
        {
            foreach (var item in enumerable)
            {
                Walk(item, step, visited);
            }
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.GetValue(value), step, visited);
        }
    }
}
