namespace PcapKit.Dissection;

/// <summary>Why bytes at the end of an option list were not read as options.</summary>
public enum TlvTrailingReason : byte
{
    /// <summary>Every byte was an option.</summary>
    None = 0,

    /// <summary>The bytes follow the end-of-list option (padding).</summary>
    AfterEndOfList = 1,

    /// <summary>An option's length was too small or ran past the list; it and everything after it are kept raw.</summary>
    Malformed = 2,
}
