using System.Collections.Generic;
using System.Text;
using PcapKit.Net;
using PcapKit.Reassembly;
using Xunit;

namespace PcapKit.Integration.Tests;

/// <summary>FTP data connections associated with their control connection (RFC 959 PORT/PASV, RFC 2428 EPRT/EPSV).</summary>
public sealed class FtpDataTrackerTests
{
    private static readonly Ipv4Address ClientAddress = new(0xC0000201);   // 192.0.2.1
    private static readonly Ipv4Address ServerAddress = new(0xC0000207);   // 192.0.2.7

    [Fact]
    public void EachDataConnection_IsAssociatedWithTheCommandThatAnnouncedIt()
    {
        var found = new List<FtpDataConnection>();
        var tcp = new TcpReassembler(null, new FtpDataTracker(found.Add));
        var frame = 0L;
        var control = new Connection(tcp, FiveTuple.ForIpv4(ClientAddress, ServerAddress, 6, 40000, 21), () => ++frame);
        control.Open();
        control.Server("220 ready\r\n");
        control.Client("PASV\r\n");
        control.Server("227 Entering Passive Mode (192,0,2,7,4,1).\r\n");          // the server listens on 1025
        var pasv = new Connection(tcp, FiveTuple.ForIpv4(ClientAddress, ServerAddress, 6, 40001, 1025), () => ++frame);
        pasv.Open();
        pasv.Server("file one");
        pasv.Close();
        control.Client("PORT 192,0,2,1,156,66\r\n");                               // the client listens on 40002
        var port = new Connection(tcp, FiveTuple.ForIpv4(ServerAddress, ClientAddress, 6, 20, 40002), () => ++frame);
        port.Open();
        port.Close();                                                              // an empty transfer
        control.Client("EPSV\r\n");
        control.Server("229 Entering Extended Passive Mode (|||6446|)\r\n");
        var epsv = new Connection(tcp, FiveTuple.ForIpv4(ClientAddress, ServerAddress, 6, 40003, 6446), () => ++frame);
        epsv.Open();
        epsv.Client("upload");
        var stray = new Connection(tcp, FiveTuple.ForIpv4(ClientAddress, ServerAddress, 6, 40004, 7000), () => ++frame);
        stray.Open();
        stray.Client("not announced");
        tcp.Finish();

        Assert.Equal(3, found.Count);
        Assert.Equal(("PASV", 0L, 1L, (ushort)1025), (found[0].Command, found[0].ControlStream, found[0].DataStream, found[0].Port));
        Assert.Equal(FiveTuple.MapIpv4(ServerAddress), found[0].Address);
        Assert.Equal(("PORT", 2L, (ushort)40002), (found[1].Command, found[1].DataStream, found[1].Port));
        Assert.Equal(FiveTuple.MapIpv4(ClientAddress), found[1].Address);
        Assert.Equal(("EPSV", 3L, (ushort)6446), (found[2].Command, found[2].DataStream, found[2].Port));
    }

    /// <summary>One TCP connection fed to a reassembler.</summary>
    private sealed class Connection(TcpReassembler tcp, FiveTuple client, System.Func<long> nextFrame)
    {
        private readonly FiveTuple _server = new(4, client.Destination, client.Source, 6, client.DestinationPort, client.SourcePort);
        private uint _c = 1000;
        private uint _s = 9000;

        public void Open()
        {
            Send(client, ref _c, "", 0x02);
            Send(_server, ref _s, "", 0x12);
        }

        public void Client(string text) => Send(client, ref _c, text, 0x18);

        public void Server(string text) => Send(_server, ref _s, text, 0x18);

        public void Close()
        {
            Send(client, ref _c, "", 0x11);
            Send(_server, ref _s, "", 0x11);
        }

        private void Send(FiveTuple from, ref uint seq, string text, ushort flags)
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            var frame = nextFrame();
            tcp.AddSegment(from, flags, seq, 0, bytes, 0, frame, frame);
            seq += (uint)bytes.Length + ((flags & 0x03) != 0 ? 1u : 0u);
        }
    }
}
