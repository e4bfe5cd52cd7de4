using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace PcapKit.Cli;

/// <summary>
/// A one-line progress bar on standard error for long runs, redrawn at most four times a second, shown only when
/// standard error is a terminal and the command was not asked to be quiet.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    private readonly TextWriter _error;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly bool _enabled;
    private long _lastDraw;
    private bool _drawn;

    public ProgressBar(TextWriter error, bool quiet)
    {
        _error = error;
        _enabled = !quiet && ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    }

    /// <summary>Reports progress; cheap when called for every frame.</summary>
    /// <param name="frames">Frames so far.</param>
    /// <param name="position">Bytes read so far.</param>
    /// <param name="length">The file's length, or null for a stream.</param>
    public void Report(long frames, long position, long? length)
    {
        if (!_enabled || (frames & 1023) != 0)
        {
            return;
        }

        var now = _watch.ElapsedMilliseconds;
        if (now - _lastDraw < 250 || now < 1000)
        {
            return;
        }

        _lastDraw = now;
        _drawn = true;
        var text = length is > 0 and var total
            ? string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', (int)(30 * position / total)),-30}] {100 * position / total,3}% {frames:N0} frames ")
            : string.Create(CultureInfo.InvariantCulture, $"\r{frames:N0} frames, {position / 1e6:F0} MB ");
        _error.Write(text);
    }

    public void Dispose()
    {
        if (_drawn)
        {
            _error.Write("\r" + new string(' ', 60) + "\r");
        }
    }
}
