using System;

namespace PcapKit.Cli;

/// <summary>The <c>pcapkit</c> entry point.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>0 on success, 1 for bad input, 2 for a usage error.</returns>
    public static int Main(string[] args)
    {
        // Standard output through one large buffer: field and dump output is line-heavy.
        using var output = new System.IO.StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        return CliApp.Run(args, output, Console.Error);
    }
}
