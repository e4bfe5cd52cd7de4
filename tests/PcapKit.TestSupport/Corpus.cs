using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace PcapKit.TestSupport;

/// <summary>
/// The shared capture corpus with its tshark oracle (../shared/corpus from the repository root). Tests that need it
/// call <see cref="Require"/>: absent corpus → the test is skipped with a message, unless PCAPKIT_REQUIRE_CORPUS=1
/// (as in CI), where it fails.
/// </summary>
public static class Corpus
{
    private static readonly Lazy<string?> Location = new(Find);

    /// <summary>The corpus folder, or null when it is not there.</summary>
    public static string? Directory => Location.Value;

    /// <summary>The repository root (the folder holding PcapKit.Gen.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "PcapKit.Gen.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("The tests do not run inside the repository.");
        }
    }

    /// <summary>Returns the corpus folder, or skips (fails, when PCAPKIT_REQUIRE_CORPUS=1) the calling test.</summary>
    /// <returns>The folder.</returns>
    public static string Require()
    {
        if (Directory is { } dir)
        {
            return dir;
        }

        const string message = "The capture corpus (../shared/corpus next to the repository, or PCAPKIT_CORPUS) is not here.";
        if (Environment.GetEnvironmentVariable("PCAPKIT_REQUIRE_CORPUS") == "1")
        {
            Assert.Fail(message + " PCAPKIT_REQUIRE_CORPUS=1 says it must be.");
        }

        Skip.If(true, message);
        return string.Empty;
    }

    /// <summary>The path of a corpus file.</summary>
    /// <param name="name">The file name.</param>
    /// <returns>The path.</returns>
    public static string File(string name) => Path.Combine(Require(), name);

    /// <summary>Every capture in the corpus (files listed in the manifest), sorted by name.</summary>
    /// <returns>The file names.</returns>
    public static IReadOnlyList<string> Captures()
    {
        var dir = Require();
        return System.IO.File.ReadLines(Path.Combine(dir, "manifest.tsv"))
            .Skip(1)
            .Select(line => line.Split('\t')[0])
            .Where(name => name.Length > 0)
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Every corpus capture as theory data; without the corpus, one placeholder row, so the theory runs once and
    /// <see cref="Require"/> skips it (or fails it under PCAPKIT_REQUIRE_CORPUS=1) with the reason.
    /// </summary>
    /// <returns>The rows.</returns>
    public static TheoryData<string> CaptureRows()
    {
        var data = new TheoryData<string>();
        if (Directory is null)
        {
            data.Add("(corpus missing)");
            return data;
        }

        foreach (var capture in Captures())
        {
            data.Add(capture);
        }

        return data;
    }

    /// <summary>Whether tshark could not open the file (the oracle says: reject it).</summary>
    /// <param name="name">The file name.</param>
    /// <returns>Whether a <c>.tshark.err</c> exists.</returns>
    public static bool IsRejectedByTshark(string name) => System.IO.File.Exists(Path.Combine(Require(), name + ".tshark.err"));

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("PCAPKIT_CORPUS") is { Length: > 0 } env && System.IO.Directory.Exists(env))
        {
            return env;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "corpus");
            if (System.IO.File.Exists(Path.Combine(candidate, "manifest.tsv")))
            {
                return Path.GetFullPath(candidate);
            }

            dir = dir.Parent;
        }

        return null;
    }
}
