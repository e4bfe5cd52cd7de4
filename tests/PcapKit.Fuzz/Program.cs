using System;
using System.Globalization;
using System.IO;
using PcapKit.Fuzz;

// dotnet run -c Release --project tests/PcapKit.Fuzz -- [--frames N] [--files N] [--seed S] [--corpus DIR] [--findings DIR] [--scratch DIR] [--timeout S]
var frames = 100_000L;
var files = 1_000L;
var seed = 1;
var corpus = Path.Combine("..", "shared", "corpus");
var findings = "fuzz-findings";
string? scratch = null;
var timeout = 20.0;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var value = args[i + 1];
    switch (args[i])
    {
        case "--frames": frames = long.Parse(value, CultureInfo.InvariantCulture); break;
        case "--files": files = long.Parse(value, CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--corpus": corpus = value; break;
        case "--findings": findings = value; break;
        case "--scratch": scratch = value; break;
        case "--timeout": timeout = double.Parse(value, CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}

if (!Directory.Exists(corpus))
{
    Console.Error.WriteLine($"no corpus at {corpus}; name it with --corpus DIR");
    return 2;
}

var campaign = new FuzzCampaign(corpus) { RunTimeout = TimeSpan.FromSeconds(timeout), ScratchFolder = scratch };
Console.WriteLine($"corpus: {campaign.Files} captures, {campaign.Frames:N0} frames; seed {seed}; {frames:N0} frame mutations, {files:N0} file mutations");
var clock = System.Diagnostics.Stopwatch.StartNew();
var report = campaign.Run(seed, frames, files, r => Console.WriteLine($"  {clock.Elapsed:hh\\:mm\\:ss} {r}"));
Console.WriteLine($"{clock.Elapsed:hh\\:mm\\:ss} {report}");
if (report.Findings.Count > 0)
{
    Directory.CreateDirectory(findings);
    var n = 0;
    foreach (var finding in report.Findings)
    {
        // The shortest capture that fails with the same exception at the same place: what a regression test holds.
        var signature = Signature(finding.Error);
        var minimal = Minimizer.Minimize(finding.Input, input => Signature(Failure(input, campaign.Bounds, finding.Threads)) == signature);
        var path = Path.Combine(findings, $"{finding.Kind}-{finding.Iteration}.txt");
        File.WriteAllText(path, $"source: {finding.Source}\nmutations: {finding.Mutations}\nthreads: {finding.Threads}\nerror: {finding.Error}\ninput: {Convert.ToHexStringLower(finding.Input)}\nminimal: {Convert.ToHexStringLower(minimal)}\n");
        if (++n <= 5)
        {
            Console.WriteLine($"finding: {finding.Kind} {finding.Iteration} from {finding.Source} ({finding.Mutations}): {finding.Error.Split('\n')[0]} → {path}");
        }
    }

    return 1;
}

return 0;

// The exception's type and the first frame of its stack: two findings with one signature are one bug.
static string Signature(string error)
{
    var lines = error.Split('\n');
    return lines[0].Split(':')[0] + (lines.Length > 1 ? lines[1].Trim() : string.Empty);
}

static string Failure(byte[] input, FuzzBounds bounds, int threads)
{
    try
    {
        FuzzTarget.Run(input, bounds, flowFolder: null, threads);
        return string.Empty;
    }
    catch (Exception ex)
    {
        return ex.ToString();
    }
}
