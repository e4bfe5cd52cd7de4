namespace PcapKit.Dissection;

/// <summary>An entry a protocol adds to a dispatch table: in <paramref name="Table"/>, <paramref name="Key"/> leads to it.</summary>
/// <param name="Table">The table (<c>ethertype</c>, <c>ip.proto</c>, <c>tcp.port</c>, <c>link_type</c>).</param>
/// <param name="Key">The key.</param>
public readonly record struct DispatchRegistration(string Table, ulong Key);
