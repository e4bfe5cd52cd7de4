namespace PcapKit.Cli;

/// <summary>The exit codes every command uses.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Bad input: a capture file that cannot be read (the message names the file and offset).</summary>
    public const int BadInput = 1;

    /// <summary>A usage error: an unknown option, field or protocol.</summary>
    public const int Usage = 2;
}
