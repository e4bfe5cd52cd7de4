namespace PcapKit.Extraction;

/// <summary>How extraction writes frames (PyPCAPKit's <c>format</c>).</summary>
public enum OutputFormat
{
    /// <summary>No output file (PyPCAPKit's <c>nofile=True</c>).</summary>
    None = 0,

    /// <summary>JSON: one document with the capture and a <c>frames</c> array, or one object per file.</summary>
    Json = 1,

    /// <summary>An indented text tree, PyPCAPKit's tree view.</summary>
    Tree = 2,

    /// <summary>An XML property list (Apple's DTD).</summary>
    Plist = 3,

    /// <summary>The selected frames' records re-exported as a pcap file (pcapng when the input has several link types).</summary>
    Pcap = 4,
}
