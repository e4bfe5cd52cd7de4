using System;
using System.Diagnostics;
using System.IO;

namespace PcapKit.Cli.Tests;

/// <summary>Runs pcapkit in process (fast) or as a real process (for standard input and the built tool).</summary>
internal static class Cli
{
    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built tool (<c>dotnet PcapKit.Cli.dll</c>), optionally feeding a file to standard input.</summary>
    public static (int Exit, string Output, string Error) RunProcess(string? stdinFile, params string[] args)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "PcapKit.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdinFile is not null };
        start.ArgumentList.Add(tool);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdinFile is not null)
        {
            using (var input = File.OpenRead(stdinFile))
            {
                input.CopyTo(process.StandardInput.BaseStream);
            }

            process.StandardInput.Close();
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
