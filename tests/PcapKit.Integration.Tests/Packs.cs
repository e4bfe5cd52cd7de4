using PcapKit.Dissection;
using PcapKit.Protocols;

namespace PcapKit.Integration.Tests;

/// <summary>The standard pack's registry, built once.</summary>
internal static class Packs
{
    public static readonly DissectorRegistry Registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();
}
