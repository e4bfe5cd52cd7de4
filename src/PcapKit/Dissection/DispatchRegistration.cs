namespace PcapKit.Dissection;

/// <summary>An entry a protocol adds to a dispatch table: in <paramref name="Table"/>, <paramref name="Key"/> leads to it.</summary>
/// <param name="Table">The table (<c>ethertype</c>, <c>ip.proto</c>, <c>tcp.port</c>, <c>link_type</c>).</param>
/// <param name="Key">The key.</param>
/// <param name="Chain">
/// The name tshark's <c>frame.protocols</c> gives the protocol when it is reached through this entry (DNS on UDP port
/// 5353 is <c>mdns</c>); empty when it is not shown there; null for the protocol's own <see cref="ProtocolDescriptor.ChainName"/>.
/// </param>
public readonly record struct DispatchRegistration(string Table, ulong Key, string? Chain = null);
