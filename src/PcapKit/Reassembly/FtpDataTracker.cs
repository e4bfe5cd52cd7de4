using System;
using System.Collections.Generic;
using PcapKit.Net;

namespace PcapKit.Reassembly;

/// <summary>An FTP data connection associated with the control connection that announced it.</summary>
/// <param name="ControlStream">The control connection's number (tshark's <c>tcp.stream</c>).</param>
/// <param name="DataStream">The data connection's number.</param>
/// <param name="Command">What announced it: <c>PORT</c>, <c>EPRT</c> (the client listens), <c>PASV</c> or <c>EPSV</c> (the server listens).</param>
/// <param name="Address">The announced address (IPv4 as IPv4-mapped IPv6, as <see cref="FiveTuple"/> holds it).</param>
/// <param name="Port">The announced port.</param>
/// <param name="AnnouncedIn">The frame of the command or reply that announced it.</param>
public sealed record FtpDataConnection(long ControlStream, long DataStream, string Command, Ipv6Address Address, ushort Port, long AnnouncedIn);

/// <summary>
/// Associates FTP data connections with their control connection on reassembled streams, as Wireshark's FTP-DATA
/// conversations do: PORT and EPRT commands (the client will listen) and 227 and 229 replies (the server will) on a
/// control connection (TCP port 21, or the ports given) announce an address and port; the first later connection to
/// that endpoint is reported as the data connection, with the command that announced it. An EPSV reply gives only a
/// port, on the control connection's server address (RFC 2428 §3). Announcements not taken are kept up to a bound.
/// </summary>
public sealed class FtpDataTracker : ITcpStreamHandler
{
    private const int MaxLineBytes = 8 * 1024;
    private const int MaxPending = 1024;

    private readonly Action<FtpDataConnection> _found;
    private readonly ITcpStreamHandler? _inner;
    private readonly HashSet<ushort> _controlPorts;
    private readonly Dictionary<TcpStream, List<byte>[]> _control = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(Ipv6Address, ushort), (long Stream, string Command, long Frame)> _announced = [];
    private readonly Queue<(Ipv6Address, ushort)> _order = new();
    private readonly HashSet<TcpStream> _seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates a tracker.</summary>
    /// <param name="found">Called for every data connection associated with a control connection.</param>
    /// <param name="inner">A handler that receives every event too.</param>
    /// <param name="controlPorts">The control connection's server ports (default: 21).</param>
    public FtpDataTracker(Action<FtpDataConnection> found, ITcpStreamHandler? inner = null, IEnumerable<ushort>? controlPorts = null)
    {
        _found = found ?? throw new ArgumentNullException(nameof(found));
        _inner = inner;
        _controlPorts = [.. controlPorts ?? [21]];
    }

    /// <inheritdoc/>
    public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _inner?.OnData(stream, direction, offset, data, frame);
        if (_seen.Add(stream))
        {
            Associate(stream);
        }

        if (!_controlPorts.Contains(stream.Client.DestinationPort))
        {
            return;
        }

        if (!_control.TryGetValue(stream, out var sides))
        {
            _control[stream] = sides = [new(), new()];
        }

        var lines = sides[direction & 1];
        foreach (var b in data)
        {
            if (b == (byte)'\n')
            {
                Line(stream, direction & 1, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(lines), frame);
                lines.Clear();
            }
            else if (lines.Count < MaxLineBytes)
            {
                lines.Add(b);
            }
        }
    }

    /// <inheritdoc/>
    public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _inner?.OnGap(stream, direction, offset, length, reason);
        if (_control.TryGetValue(stream, out var sides))
        {
            // The line the gap cut is not a line: start again at the next one.
            sides[direction & 1].Clear();
        }
    }

    /// <inheritdoc/>
    public void OnClose(TcpStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _inner?.OnClose(stream);
        if (_seen.Remove(stream) is false)
        {
            // A connection that carried no data (an empty transfer) is a data connection too.
            Associate(stream);
        }

        _control.Remove(stream);
    }

    private void Associate(TcpStream stream)
    {
        // The listening side is the one announced: the connection's destination, else (a connection seen from its
        // second packet on) its source.
        var tuple = stream.Client;
        if (!TryTake((tuple.Destination, tuple.DestinationPort), stream))
        {
            _ = TryTake((tuple.Source, tuple.SourcePort), stream);
        }
    }

    private bool TryTake((Ipv6Address Address, ushort Port) endpoint, TcpStream stream)
    {
        if (!_announced.Remove(endpoint, out var announcement))
        {
            return false;
        }

        _found(new FtpDataConnection(announcement.Stream, stream.Index, announcement.Command, endpoint.Address, endpoint.Port, announcement.Frame));
        return true;
    }

    private void Line(TcpStream stream, int direction, ReadOnlySpan<byte> line, long frame)
    {
        var text = line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
        Span<byte> address = stackalloc byte[16];
        var client = stream.Client;
        if (direction == 0)
        {
            // RFC 959 §4.1.2 PORT h1,h2,h3,h4,p1,p2; RFC 2428 §2 EPRT |af|address|port|: the client will listen there.
            var space = text.IndexOf((byte)' ');
            var command = space < 0 ? text : text[..space];
            var argument = space < 0 ? [] : text[(space + 1)..];
            if (System.Text.Ascii.EqualsIgnoreCase(command, "PORT"u8) && FtpAddress.TryParseHostPort(argument, address[..4], out var port))
            {
                Announce(FiveTuple.MapIpv4(Ipv4Address.Read(address)), port, stream.Index, "PORT", frame);
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(command, "EPRT"u8) && FtpAddress.TryParseExtendedPort(argument, address, out _, out var length, out port))
            {
                Announce(length == 4 ? FiveTuple.MapIpv4(Ipv4Address.Read(address)) : Ipv6Address.Read(address), port, stream.Index, "EPRT", frame);
            }
        }
        else if (FtpAddress.IsReply(text) && text.Length > 4)
        {
            // 227 (h1,…,p2) and 229 (|||port|): the server will listen; EPSV's address is the control connection's server.
            if (text[..3].SequenceEqual("227"u8) && FtpAddress.TryParseHostPort(text[4..], address[..4], out var port))
            {
                Announce(FiveTuple.MapIpv4(Ipv4Address.Read(address)), port, stream.Index, "PASV", frame);
            }
            else if (text[..3].SequenceEqual("229"u8) && FtpAddress.TryParseExtendedPassive(text[4..], out port))
            {
                Announce(client.Destination, port, stream.Index, "EPSV", frame);
            }
        }
    }

    private void Announce(Ipv6Address address, ushort port, long stream, string command, long frame)
    {
        var key = (address, port);
        if (!_announced.ContainsKey(key))
        {
            _order.Enqueue(key);
        }

        _announced[key] = (stream, command, frame);
        while (_order.Count > MaxPending && _order.TryDequeue(out var oldest))
        {
            _announced.Remove(oldest);
        }
    }
}
