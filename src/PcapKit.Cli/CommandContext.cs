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

    /// <summary>Builds the registry: the standard pack, then the packs named on the command line, which override it.</summary>
    public static DissectorRegistry BuildRegistry() => new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();

    /// <summary>Builds the registry for a parsed command.</summary>
    public static DissectorRegistry BuildRegistry(ParseResult parse)
    {
        _ = parse;
        return BuildRegistry();
    }
}
