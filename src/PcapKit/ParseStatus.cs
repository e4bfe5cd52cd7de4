namespace PcapKit;

/// <summary>The outcome of parsing one protocol unit.</summary>
public enum ParseStatus : byte
{
    /// <summary>The unit parsed; its declared regions fit the input (or the view is marked truncated, see <c>IsTruncated</c>).</summary>
    Ok = 0,

    /// <summary>The input ends before the header does.</summary>
    Truncated = 1,

    /// <summary>A field breaks a rule of the protocol (a version, a length smaller than the header).</summary>
    Invalid = 2,
}
