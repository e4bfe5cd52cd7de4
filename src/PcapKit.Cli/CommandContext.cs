using System.CommandLine;
using System.IO;
using PcapKit.Dissection;
using PcapKit.Protocols;

namespace PcapKit.Cli;

using ParseResult = System.CommandLine.ParseResult;

/// <summary>What every command shares: the writers and the registry (the standard pack and any --pack).</summary>
internal sealed class CommandContext(TextWriter output, TextWriter error)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Standard output as a stream, for binary and JSON output written with <c>-o -</c>; the caller must not close it.</summary>
    /// <returns>The stream.</returns>
    public Stream StandardOutputStream()
    {
        Output.Flush();
        return Output is StreamWriter { BaseStream: var stream } ? stream : new TextWriterStream(Output);
    }

    /// <summary><c>--pack PATH.dll</c>, on every command: a dissector pack to load at start-up (repeatable); its protocols override the standard pack's.</summary>
    public static readonly Option<string[]> Packs = new("--pack")
    {
        Description = "Load a dissector pack (an assembly built with PcapKit.Generators); repeatable, later packs override earlier ones.",
        Recursive = true,
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>Builds the registry for a parsed command: the standard pack, then the packs named with <c>--pack</c>, which override it.</summary>
    /// <param name="parse">The parsed command line.</param>
    /// <returns>The registry.</returns>
    /// <exception cref="PackLoadException">A pack could not be loaded.</exception>
    public static DissectorRegistry BuildRegistry(ParseResult parse)
    {
        var builder = new DissectorRegistryBuilder().Add(StandardProtocols.Pack);
        foreach (var path in parse.GetValue(Packs) ?? [])
        {
            foreach (var pack in PackLoader.Load(path))
            {
                builder.Add(pack);
            }
        }

        return builder.Build();
    }
}
