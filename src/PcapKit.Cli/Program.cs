using System;

namespace PcapKit.Cli;

/// <summary>The <c>pcapkit</c> entry point.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>0 on success, 1 for bad input, 2 for a usage error.</returns>
    public static int Main(string[] args) => CliApp.Run(args, Console.Out, Console.Error);
}
