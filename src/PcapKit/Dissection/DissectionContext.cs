using PcapKit.Buffers;

namespace PcapKit.Dissection;

/// <summary>Options that change how a layer is dissected.</summary>
[System.Flags]
public enum DissectionFlags
{
    /// <summary>Nothing special.</summary>
    None = 0,

    /// <summary>Verify checksums (costs a pass over the covered bytes).</summary>
    VerifyChecksums = 1,
}

/// <summary>State handed from a layer to the layers it dispatches to, without allocation.</summary>
public struct DissectionContext
{
    /// <summary>The pseudo-header the nearest IP layer supplied; its protocol is the key that reached the current layer.</summary>
    public IpPseudoHeader PseudoHeader;

    /// <summary>The key under which the current layer was reached.</summary>
    public ulong DispatchKey;

    /// <summary>
    /// The current unit's length as the enclosing layers declare it (at the bottom, the frame's original length),
    /// which exceeds the bytes given when the capture was cut short; -1 when unknown (inside a first fragment).
    /// </summary>
    public int ReportedLength;

    /// <summary>The options.</summary>
    public DissectionFlags Flags;

    /// <summary>Whether checksums are verified.</summary>
    public readonly bool VerifyChecksums => (Flags & DissectionFlags.VerifyChecksums) != 0;
}
