using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using PcapKit.Capture;

namespace PcapKit.TestSupport;

/// <summary>A capture's records as comparable text, for matching output files to their input.</summary>
public static class CaptureRecords
{
    /// <summary>Each record as <c>nanoseconds:original length:hex</c>; a capture that ends damaged gives the records before the damage.</summary>
    /// <param name="path">The capture.</param>
    /// <returns>The records, in order.</returns>
    public static List<string> Read(string path)
    {
        var records = new List<string>();
        using var reader = CaptureReader.Open(path);
        try
        {
            foreach (var r in reader)
            {
                records.Add(r.Timestamp.TotalNanoseconds.ToString(CultureInfo.InvariantCulture) + ":" + r.OriginalLength.ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToHexString(r.Data));
            }
        }
        catch (InvalidDataException)
        {
            // The input ends damaged: the records before it count.
        }

        return records;
    }
}
