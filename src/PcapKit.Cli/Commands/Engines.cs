using PcapKit.Engines.PacketDotNet;
using PcapKit.Extraction;

namespace PcapKit.Cli.Commands;

/// <summary>The engines <c>--engine</c> can name.</summary>
internal static class Engines
{
    public static readonly string[] Names = ["default", "packetdotnet"];

    /// <summary>The engine for a name; null for the generated dissectors.</summary>
    public static ExtractionEngine? Create(string name) => name == "packetdotnet" ? new PacketDotNetEngine() : null;
}
