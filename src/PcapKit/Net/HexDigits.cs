namespace PcapKit.Net;

/// <summary>Hexadecimal digit tables.</summary>
internal static class HexDigits
{
    /// <summary>Lower-case digits.</summary>
    public const string Lower = "0123456789abcdef";
}
