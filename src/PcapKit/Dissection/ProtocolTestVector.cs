using System.Collections.Generic;

namespace PcapKit.Dissection;

/// <summary>A test vector declared in a protocol's spec: the unit as hex and the values fields must have.</summary>
/// <param name="Hex">The unit as hex.</param>
/// <param name="Expect">Field identifiers and the expected values, as written in the spec.</param>
public sealed record ProtocolTestVector(string Hex, IReadOnlyList<KeyValuePair<string, string>> Expect);
