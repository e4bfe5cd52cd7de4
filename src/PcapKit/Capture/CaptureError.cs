using System;
using System.IO;

namespace PcapKit.Capture;

/// <summary>
/// What was wrong with a capture file: readers throw an <see cref="InvalidDataException"/> (sealed in .NET, so it
/// cannot be derived from) whose message names the file, the byte offset and the reason, and which carries this
/// record in <see cref="Exception.Data"/>; read it with <see cref="TryGetCaptureError"/>.
/// </summary>
/// <param name="FileName">The file (or stream) name.</param>
/// <param name="Offset">The byte offset of the structure at fault.</param>
/// <param name="Kind">The kind of problem.</param>
/// <param name="Reason">What was wrong.</param>
public sealed record CaptureError(string FileName, long Offset, CaptureErrorKind Kind, string Reason)
{
    private const string DataKey = "PcapKit.CaptureError";

    /// <summary>The message the exception carries.</summary>
    public string Message => $"{FileName}: {Describe(Kind)} at byte offset {Offset}: {Reason}";

    /// <summary>Creates the exception readers throw.</summary>
    /// <returns>The exception.</returns>
    public InvalidDataException ToException()
    {
        var exception = new InvalidDataException(Message);
        exception.Data[DataKey] = this;
        return exception;
    }

    /// <summary>Gets the details of a capture-format exception.</summary>
    /// <param name="exception">The exception a reader threw.</param>
    /// <param name="error">The details.</param>
    /// <returns>Whether the exception came from a capture reader.</returns>
    public static bool TryGetCaptureError(Exception exception, out CaptureError? error)
    {
        ArgumentNullException.ThrowIfNull(exception);
        error = exception.Data[DataKey] as CaptureError;
        return error is not null;
    }

    private static string Describe(CaptureErrorKind kind) => kind switch
    {
        CaptureErrorKind.Truncated => "the file is cut short",
        CaptureErrorKind.Unsupported => "unsupported capture",
        _ => "corrupt capture",
    };
}
