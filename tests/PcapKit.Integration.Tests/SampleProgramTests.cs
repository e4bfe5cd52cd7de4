using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Integration.Tests;

/// <summary>samples/UsingTheLibrary, run as a user runs it, on the capture that ships with the repository.</summary>
public sealed class SampleProgramTests
{
    [Fact]
    public async System.Threading.Tasks.Task UsingTheLibrary_PrintsEveryFramesFiveTuple_AndTheReassembledHttpRequests()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var program = Path.Combine(Corpus.RepositoryRoot, "samples", "UsingTheLibrary", "bin", configuration, "net10.0", "UsingTheLibrary.dll");
        Assert.True(File.Exists(program), program + " was not built");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Corpus.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(program);
        start.ArgumentList.Add(Path.Combine("samples", "captures", "loopback.pcap"));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout;
        Assert.True(process.ExitCode == 0, await stderr);
        var lines = text.TrimEnd('\n').Split('\n');

        // One line per frame, numbered in order, with the 5-tuple the library computes.
        var frames = lines.Where(l => !l.StartsWith("  HTTP", StringComparison.Ordinal)).ToList();
        Assert.Equal("101 frames, 0 malformed", frames[^1]);
        Assert.Equal(101, frames.Count - 1);
        for (var i = 0; i < 101; i++)
        {
            Assert.StartsWith((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(5) + " ", frames[i], StringComparison.Ordinal);
        }

        Assert.Equal("    1 127.0.0.1:40612 > 127.0.0.1:8080 proto 6 [ethernet:ipv4:tcp]", frames[0]);

        // The five HTTP requests of the capture (tshark: http.request.method GET in frames 4, 16, 39, 51, 63), each
        // printed while the frame that completed it is processed, just before that frame's own line.
        var requests = lines.Where(l => l.StartsWith("  HTTP", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "  HTTP request in tcp.stream 0 (frames 4–4): GET /index.html HTTP/1.1, Host: 127.0.0.1:8080, 0 body bytes",
                "  HTTP request in tcp.stream 1 (frames 16–16): GET /large.txt HTTP/1.1, Host: 127.0.0.1:8080, 0 body bytes",
                "  HTTP request in tcp.stream 2 (frames 39–39): GET /index.html HTTP/1.1, Host: 127.0.0.1:8080, 0 body bytes",
                "  HTTP request in tcp.stream 3 (frames 51–51): GET /missing HTTP/1.1, Host: 127.0.0.1:8080, 0 body bytes",
                "  HTTP request in tcp.stream 4 (frames 63–63): GET /index.html HTTP/1.1, Host: [::1]:8081, 0 body bytes",
            ],
            requests);
        foreach (var request in requests)
        {
            var frame = request.Split("–", StringSplitOptions.None)[1].Split(')')[0];
            var index = Array.IndexOf(lines, request);
            Assert.StartsWith(frame.PadLeft(5) + " ", lines[index + 1], StringComparison.Ordinal);
        }
    }
}
