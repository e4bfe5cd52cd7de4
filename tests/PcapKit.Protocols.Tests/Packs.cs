using PcapKit.Dissection;

namespace PcapKit.Protocols.Tests;

/// <summary>The standard pack's registry and a dissector over it, built once for the tests.</summary>
internal static class Packs
{
    public static readonly DissectorRegistry Registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();

    public static readonly Dissector Dissector = new(Registry);
}
