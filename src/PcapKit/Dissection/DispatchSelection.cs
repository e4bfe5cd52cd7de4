namespace PcapKit.Dissection;

/// <summary>
/// What a protocol's dispatch hook decides: which of its tables the payload is looked up in, under which keys, where the
/// payload starts and how long it is. Hooks are partial methods declared by the generator for specs with <c>hook: true</c>.
/// </summary>
public struct DispatchSelection
{
    /// <summary>Creates a selection of no table, with the payload running to the end of the unit.</summary>
    public DispatchSelection()
    {
        Table = -1;
        PayloadLength = -1;
        PayloadOffset = -1;
    }

    /// <summary>The index of the table in the spec's <c>tables</c>, or -1 for none.</summary>
    public int Table { get; private set; }

    /// <summary>The number of keys (0 to 2).</summary>
    public int KeyCount { get; private set; }

    /// <summary>The first key.</summary>
    public ulong Key0 { get; private set; }

    /// <summary>The second key.</summary>
    public ulong Key1 { get; private set; }

    /// <summary>The payload's length when something other than the unit's end bounds it (802.3 length field); -1 otherwise.</summary>
    public int PayloadLength { get; set; }

    /// <summary>
    /// Where the payload starts, counted from the unit's first byte, when it lies inside the unit's own fields rather than
    /// after them; -1 otherwise: the packet in ICMPv6's Redirected Header option (RFC 4861 §4.6.3), the last option of a
    /// Redirect. The payload runs from there to the unit's end (or <see cref="PayloadLength"/> bytes from there); the
    /// layer's fields still cover those bytes, and its <see cref="Layer.HeaderLength"/> becomes this offset. Ignored
    /// when no table is selected or when it lies past the unit's end.
    /// </summary>
    public int PayloadOffset { get; set; }

    /// <summary>
    /// Whether the bytes after this unit (when <see cref="PayloadLength"/> ends it before its parent's payload does) are
    /// further units of the same protocol, as messages back to back in a TCP segment (Wireshark's tcp_dissect_pdus):
    /// the dissector then dissects them in turn instead of leaving them as the parent's trailer.
    /// </summary>
    public bool Repeats { get; set; }

    /// <summary>Looks the payload up in table <paramref name="table"/> under <paramref name="key"/>.</summary>
    /// <param name="table">The index in the spec's tables.</param>
    /// <param name="key">The key.</param>
    public void Select(int table, ulong key)
    {
        Table = table;
        Key0 = key;
        KeyCount = 1;
    }

    /// <summary>Looks the payload up under two keys, the lower first when <paramref name="lowFirst"/>.</summary>
    /// <param name="table">The index in the spec's tables.</param>
    /// <param name="first">The first key.</param>
    /// <param name="second">The second key.</param>
    /// <param name="lowFirst">Try the lower key first, as Wireshark does for ports.</param>
    public void Select(int table, ulong first, ulong second, bool lowFirst)
    {
        Table = table;
        KeyCount = 2;
        Key0 = lowFirst && second < first ? second : first;
        Key1 = lowFirst && second < first ? first : second;
    }
}
