using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using PcapKit.Extraction;
using PcapKit.Reassembly;

namespace PcapKit.Cli.Commands;

/// <summary>
/// <c>pcapkit follow tcp N FILE</c>: one TCP stream's bytes in the layout of <c>tshark -q -z follow,tcp,raw,N</c>
/// (stream numbers as tshark's <c>tcp.stream</c>; IP fragments reassembled first, as tshark does).
/// </summary>
internal static class FollowCommand
{
    public static Command Create(CommandContext context)
    {
        var protocol = new Argument<string>("protocol") { Description = "tcp." };
        protocol.AcceptOnlyFromAmong("tcp");
        var number = new Argument<long>("stream") { Description = "The stream's number (tshark's tcp.stream, as 'pcapkit fields -e tcp.stream' would count it)." };
        var file = new Argument<string>("file") { Description = "The capture; '-' reads standard input." };
        var command = new Command("follow", "Print one TCP stream's reassembled bytes as hex, as 'tshark -q -z follow,tcp,raw,N' does.") { protocol, number, file, CommonOptions.Shards };
        CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var wanted = parse.GetValue(number);
            var handler = new Recorder(wanted);
            var input = parse.GetValue(file)!;
            using var stdin = input == "-" ? Console.OpenStandardInput() : null;
            var dissector = CommonOptions.DissectorOptions(parse);
            using (var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = input,
                InputStream = stdin,
                NoFile = true,
                Registry = CommandContext.BuildRegistry(parse),
                DecodeAs = dissector.DecodeAs,
                Heuristics = dissector.Heuristics,
                ReassembleIp = true,
                ReassembleTcp = true,
                TcpStreamHandler = handler,
                Threads = CommonOptions.ThreadCount(parse),
                StateShards = CommonOptions.ShardCount(parse),
            }))
            {
                extractor.Run();
            }

            var output = context.Output;
            output.Write('\n');
            output.WriteLine("===================================================================");
            output.WriteLine("Follow: tcp,raw");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Filter: tcp.stream eq {wanted}"));
            output.WriteLine("Node 0: " + handler.Node(0));
            output.WriteLine("Node 1: " + handler.Node(1));
            foreach (var (fromNode1, hex) in handler.Chunks)
            {
                output.WriteLine(fromNode1 ? "\t" + hex : hex);
            }

            output.WriteLine("===================================================================");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Keeps the chunks of one stream in the order they complete, tshark's node 0 being the first sender of data.</summary>
    private sealed class Recorder(long wanted) : ITcpStreamHandler
    {
        private readonly bool[] _stopped = new bool[2];
        private TcpStream? _stream;
        private int _node0Direction = -1;

        public List<(bool FromNode1, string Hex)> Chunks { get; } = [];

        public string Node(int node)
        {
            if (_stream is not { } s || _node0Direction < 0)
            {
                return ":0";
            }

            var client = node == 0 ? _node0Direction == 0 : _node0Direction == 1;
            var tuple = s.Client;
            var (address, port) = client ? (tuple.Source, tuple.SourcePort) : (tuple.Destination, tuple.DestinationPort);
            return tuple.FormatEndpoint(address, port);
        }

        public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
        {
            if (stream.Index != wanted || _stopped[direction])
            {
                return;
            }

            Note(stream, direction);
            Chunks.Add((direction != _node0Direction, Convert.ToHexStringLower(data)));
        }

        public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
        {
            if (stream.Index != wanted || reason == TcpReassembler.NotCapturedGap || _stopped[direction])
            {
                return;
            }

            if (reason != TcpReassembler.AcknowledgedGap)
            {
                // tshark shows a hole the peer acknowledged with a marker, and nothing after a hole never filled.
                _stopped[direction] = true;
                return;
            }

            Note(stream, direction);
            Chunks.Add((direction != _node0Direction, Convert.ToHexStringLower(System.Text.Encoding.ASCII.GetBytes(
                string.Create(CultureInfo.InvariantCulture, $"[{length} bytes missing in capture file]\0")))));
        }

        public void OnClose(TcpStream stream)
        {
            if (stream.Index == wanted)
            {
                // Nodes as tshark names them: node 0 sent the first segment whose header was whole; with none, no nodes.
                _stream ??= stream;
                if (_node0Direction < 0)
                {
                    _node0Direction = stream.FirstWholeDirection;
                }
            }
        }

        private void Note(TcpStream stream, int direction)
        {
            _stream ??= stream;
            if (_node0Direction < 0)
            {
                _node0Direction = stream.FirstWholeDirection >= 0 ? stream.FirstWholeDirection : direction;
            }
        }
    }
}
