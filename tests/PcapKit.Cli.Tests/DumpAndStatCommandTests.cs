using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Cli.Tests;

/// <summary><c>pcapkit dump</c> and <c>pcapkit stat phs</c>.</summary>
public sealed class DumpAndStatCommandTests(ITestOutputHelper output)
{
    private static readonly string Sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");

    [Fact]
    public void Dump_PrintsOneLinePerFrame_InTcpdumpsManner()
    {
        var (exit, text, error) = Cli.Run("dump", Sample);
        Assert.True(exit == 0, error);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(101, lines.Length);
        Assert.Equal("09:05:07.175506 IP 127.0.0.1.40612 > 127.0.0.1.8080: Flags [S], seq 1528988190, win 64240, options [mss 1460], length 0", lines[0]);
        Assert.Contains(lines, l => l.Contains(" IP6 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ICMP echo request", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(": UDP, length", StringComparison.Ordinal));
    }

    /// <summary>Captures where tshark's default preferences (IP reassembly on) move frames in the hierarchy: fragments counted under the reassembled datagram's protocols.</summary>
    private static readonly Dictionary<string, string> Reassembled = new(StringComparer.Ordinal)
    {
        ["ppp__frag_http_req.pcap"] = "IPv4 fragments: tshark reassembles them and counts the datagram's TCP in the last fragment",
        ["ppp__frag_with_padding.pcap"] = "IPv4 fragments reassembled by tshark",
        ["ppp__ipv6_opt_fragments.pcap"] = "IPv6 fragments reassembled by tshark",
        ["ppp__fragmented_ip_udp.pcap"] = "IPv4 fragments reassembled by tshark",
        ["zeek__ipv4_fragmented-1.pcap"] = "IPv4 fragments reassembled by tshark",
        ["zeek__ipv6-fragmented-dns.pcap"] = "IPv6 fragments reassembled by tshark",
        ["libpcap__ipv6_ext_headers.pcap"] = "the datagram's UDP is counted once tshark has walked a hundred extension headers with reassembly on",
    };

    [SkippableTheory]
    [MemberData(nameof(FieldsCommandTests.Captures), MemberType = typeof(FieldsCommandTests))]
    public void StatPhs_CountsTheFramesOfEveryProtocolWeDissect_AsTsharkDoes(string capture)
    {
        Corpus.Require();
        var phs = Path.Combine(Corpus.Require(), capture + ".phs.txt");
        if (Corpus.IsRejectedByTshark(capture) || !File.Exists(phs))
        {
            return;
        }

        var (exit, text, error) = Cli.Run("stat", "phs", Corpus.File(capture));
        var theirs = Parse(File.ReadAllLines(phs));
        var ours = Parse(text.Split('\n'));
        Assert.True(exit is 0 or 1, error);
        var known = KnownProtocols();
        var application = ApplicationProtocols();
        var compared = 0;
        var differences = new List<string>();
        foreach (var (path, frames) in theirs)
        {
            if (!path.Split('/').All(known.Contains))
            {
                continue;
            }

            if (OverTcp(path, application))
            {
                // tshark's io,phs desegments TCP (its default) and counts an application message once, in the segment
                // that completes it; `pcapkit stat phs` dissects each segment on its own and counts every one.
                continue;
            }

            compared++;
            var mine = ours.GetValueOrDefault(path);
            if (mine != frames)
            {
                differences.Add($"{path}: ours {mine}, tshark {frames}");
            }
        }

        output.WriteLine($"{capture}: {compared} protocol paths compared");
        if (Reassembled.TryGetValue(capture, out var reason))
        {
            output.WriteLine($"  differences allowed: {reason}: {string.Join("; ", differences)}");
            return;
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    /// <summary>Protocol paths (<c>eth/ip/tcp</c>) → frames, from <c>io,phs</c> output.</summary>
    private static Dictionary<string, long> Parse(IEnumerable<string> lines)
    {
        var paths = new Dictionary<string, long>(StringComparer.Ordinal);
        var stack = new List<string>();
        foreach (var line in lines)
        {
            var at = line.IndexOf("frames:", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var depth = (line.Length - line.TrimStart(' ').Length) / 2;
            var name = line[..at].Trim();
            stack.RemoveRange(depth, stack.Count - depth);
            stack.Add(name);
            var frames = long.Parse(line[(at + 7)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            var key = string.Join('/', stack);

            // tshark can list a protocol twice at one place; add them up.
            paths[key] = paths.GetValueOrDefault(key) + frames;
        }

        return paths;
    }

    /// <summary>Whether a protocol path has an application protocol over TCP (<c>eth/ip/tcp/http</c>).</summary>
    private static bool OverTcp(string path, HashSet<string> application)
    {
        var parts = path.Split('/');
        var tcp = Array.IndexOf(parts, "tcp");
        return tcp >= 0 && parts.Skip(tcp + 1).Any(application.Contains);
    }

    [Fact]
    public void Protocols_ListTheHeuristicsAndTheirTables()
    {
        var (_, text, _) = Cli.Run("protocols", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(text);
        var heuristics = json.RootElement.GetProperty("protocols").EnumerateArray()
            .Where(p => p.GetProperty("heuristic_tables").GetArrayLength() > 0)
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("heuristic_tables")[0].GetString());
        Assert.Equal(new Dictionary<string, string?> { ["http"] = "tcp.port", ["http2"] = "tcp.port" }, heuristics);
        var (_, listing, _) = Cli.Run("protocols");
        Assert.Contains("  tried by its heuristic on tcp.port payloads no key names", listing, StringComparison.Ordinal);
    }

    [Fact]
    public void Protocols_ListTheFieldsOfNoLayer_ThatFieldsAccepts()
    {
        var (_, text, _) = Cli.Run("protocols", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(text);
        var names = json.RootElement.GetProperty("frame_fields").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains("tcp.stream", names);
        Assert.Contains("tcp.nxtseq", names);
        Assert.Contains("frame.time_delta", names);
        var (_, listing, _) = Cli.Run("protocols");
        Assert.Contains("frame.number, frame.time_epoch", listing, StringComparison.Ordinal);
        Assert.Contains("tcp.seq, tcp.ack, tcp.nxtseq", listing, StringComparison.Ordinal);

        // Every name listed is one pcapkit fields takes.
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        var (exit, _, error) = Cli.Run(["fields", sample, .. names.SelectMany(n => new[] { "-e", n })]);
        Assert.True(exit == 0, error);
    }

    [Fact]
    public void NoHeuristics_LeavesAnUnregisteredPortsHttpAsTcpPayload()
    {
        // One request from port 40000 to 40001, ports no table names: the HTTP heuristic takes it, --no-heuristics does not.
        var path = Path.Combine(Path.GetTempPath(), $"pcapkit-heuristic-{Guid.NewGuid():N}.pcap");
        try
        {
            var request = System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            var frame = Convert.FromHexString("000000000000000000000000080045000000000100004006" + "00007f0000017f000001" + "9c409c41" + "0000000100000000" + "5018ffff00000000");
            byte[] bytes = [.. frame, .. request];
            bytes[17] = (byte)(40 + request.Length);
            using (var writer = PcapKit.Capture.PcapWriter.Create(path, 1))
            {
                writer.Write(PcapKit.Capture.CaptureTimestamp.FromNanoseconds(1, 0), bytes, (uint)bytes.Length);
            }

            var (_, with, _) = Cli.Run("fields", path, "-e", "frame.protocols", "-e", "http.request.method");
            var (_, without, _) = Cli.Run("fields", path, "--no-heuristics", "-e", "frame.protocols", "-e", "http.request.method");
            Assert.Equal("eth:ethertype:ip:tcp:http\tGET", with.Trim());
            Assert.Equal("eth:ethertype:ip:tcp:data", without.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The tshark names of the standard pack's application-layer protocols.</summary>
    private static HashSet<string> ApplicationProtocols()
    {
        var (_, text, _) = Cli.Run("protocols", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(text);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in json.RootElement.GetProperty("protocols").EnumerateArray())
        {
            if (p.GetProperty("layer").GetString() == "application")
            {
                names.Add(p.GetProperty("chain_name").GetString()!);
            }
        }

        return names;
    }

    /// <summary>The protocols the standard pack dissects, by their tshark names.</summary>
    private static HashSet<string> KnownProtocols()
    {
        var (_, text, _) = Cli.Run("protocols", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(text);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in json.RootElement.GetProperty("protocols").EnumerateArray())
        {
            foreach (var part in p.GetProperty("chain_name").GetString()!.Split(':'))
            {
                names.Add(part);
            }
        }

        names.Remove("ethertype");
        return names;
    }
}
