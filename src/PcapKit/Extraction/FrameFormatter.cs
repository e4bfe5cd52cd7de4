using System.Buffers;

namespace PcapKit.Extraction;

/// <summary>
/// Formats a frame as bytes of the caller's own format (a line of fields, a CSV row): set
/// <see cref="ExtractionOptions.Formatter"/> and the extractor writes what it makes of every selected frame to the
/// output, in order — on several threads when <see cref="ExtractionOptions.Threads"/> says so, one formatter per thread.
/// </summary>
public abstract class FrameFormatter
{
    /// <summary>Formats one frame.</summary>
    /// <param name="frame">The frame, dissected; valid only during the call.</param>
    /// <param name="output">Where the frame's bytes go.</param>
    public abstract void Format(in ExtractedFrame frame, IBufferWriter<byte> output);

    /// <summary>
    /// Whether what this formatter writes for a frame depends on the frames before it (a time relative to the
    /// previous frame): then one formatter formats every frame, in order, on the caller's thread, while
    /// <see cref="ExtractionOptions.Threads"/> still dissect them.
    /// </summary>
    public virtual bool KeepsState => false;
}
