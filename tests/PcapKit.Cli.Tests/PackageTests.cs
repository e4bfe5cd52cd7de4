using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Cli.Tests;

/// <summary>
/// The packages as a user gets them: packed from this build into a folder, a pack project of their own restored from
/// that folder only (samples/CustomPack, copied out of the repository), its capture made by its program, and the
/// pcapkit tool installed from the folder reading that capture with <c>--pack</c>.
/// </summary>
public sealed class PackageTests(PackageTests.Consumer consumer, ITestOutputHelper output) : IClassFixture<PackageTests.Consumer>
{
    [Fact]
    public void TheCustomPacksProtocols_ComeOutOfFields_WithTheValuesWritten()
    {
        var (exit, text) = consumer.Pcapkit(
            "fields", consumer.Capture, "--pack", consumer.PackAssembly, "-E", "header=y",
            "-e", "frame.protocols", "-e", "rip.command", "-e", "rip.version", "-e", "rip.ip", "-e", "rip.netmask", "-e", "rip.next_hop",
            "-e", "rip.route_tag", "-e", "rip.metric", "-e", "gauge.station", "-e", "gauge.seq", "-e", "gauge.temperature", "-e", "gauge.humidity",
            "-e", "gauge.label", "-e", "gauge.hdr_len");
        output.WriteLine(text);
        Assert.Equal(0, exit);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(
            [
                "frame.protocols\trip.command\trip.version\trip.ip\trip.netmask\trip.next_hop\trip.route_tag\trip.metric\tgauge.station\tgauge.seq\tgauge.temperature\tgauge.humidity\tgauge.label\tgauge.hdr_len",
                "eth:ethertype:ip:udp:rip\t1\t2\t0.0.0.0\t0.0.0.0\t0.0.0.0\t0\t16\t\t\t\t\t\t",
                "eth:ethertype:ip:udp:rip\t2\t2\t10.1.0.0,10.2.0.0\t255.255.0.0,255.255.255.0\t0.0.0.0,192.0.2.1\t0,7\t1,3\t\t\t\t\t\t",
                "eth:ethertype:ip:tcp:gauge\t\t\t\t\t\t\t\t42\t1\t29315\t45\t726f6f66\t25",
                "eth:ethertype:ip:tcp:gauge\t\t\t\t\t\t\t\t42\t2\t29365\t46\t726f6f66\t25",
            ],
            lines);

        // The writers computed the Gauge checksum; the pack's dissector verifies it.
        var (jsonExit, json) = consumer.Pcapkit("extract", consumer.Capture, "--pack", consumer.PackAssembly, "-f", "json", "--verify-checksums", "-q");
        Assert.Equal(0, jsonExit);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(json, "\"protocol\": ?\"gauge\"[^{]*\"checksum\": ?\"good\""));
        Assert.DoesNotContain("\"bad\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePacksProtocols_AppearInProtocolsAndDump()
    {
        var (exit, text) = consumer.Pcapkit("protocols", "--pack", consumer.PackAssembly);
        Assert.Equal(0, exit);
        Assert.Contains("rip — Routing Information Protocol (RFC 2453), application layer, fields rip.*", text, StringComparison.Ordinal);
        Assert.Contains("  registered in udp.port = 520", text, StringComparison.Ordinal);
        Assert.Contains("gauge — Gauge telemetry (sample), application layer, fields gauge.*", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  tcp\.port: .*\b7400→gauge\b", text);

        var (dumpExit, dump) = consumer.Pcapkit("dump", consumer.Capture, "--pack", consumer.PackAssembly);
        Assert.Equal(0, dumpExit);
        Assert.Equal(
            [
                "22:13:20.000000 IP 192.0.2.1.520 > 224.0.0.9.520: UDP, length 24: RIP",
                "22:13:21.000000 IP 192.0.2.1.520 > 224.0.0.9.520: UDP, length 44: RIP",
                "22:13:22.000000 IP 198.51.100.7.49152 > 198.51.100.20.7400: Flags [P.], seq 1000:1025, ack 1, win 64240, length 25: GAUGE",
                "22:13:23.000000 IP 198.51.100.7.49152 > 198.51.100.20.7400: Flags [P.], seq 1025:1050, ack 1, win 64240, length 25: GAUGE",
            ],
            dump.TrimEnd('\n').Split('\n'));

        // Without the pack the same capture is plain UDP and TCP.
        var (plainExit, plain) = consumer.Pcapkit("dump", consumer.Capture);
        Assert.Equal(0, plainExit);
        Assert.DoesNotContain("RIP", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void APackThatOverridesAStandardDissector_ChangesDumpForItsKeyOnly()
    {
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        var (exit, standard) = consumer.Pcapkit("dump", sample);
        Assert.Equal(0, exit);
        var (overrideExit, overridden) = consumer.Pcapkit("dump", sample, "--pack", consumer.OverrideAssembly);
        Assert.Equal(0, overrideExit);
        var before = standard.TrimEnd('\n').Split('\n');
        var after = overridden.TrimEnd('\n').Split('\n');
        Assert.Equal(before.Length, after.Length);
        var changed = 0;
        for (var i = 0; i < before.Length; i++)
        {
            if (before[i].Contains(": ICMP ", StringComparison.Ordinal))
            {
                // ip.proto 1 now leads to the pack's protocol: tcpdump's manner for a transport it has no printer for.
                Assert.Matches(@": PING, length \d+: PING_ECHO$", after[i]);
                changed++;
            }
            else
            {
                Assert.Equal(before[i], after[i]);
            }
        }

        output.WriteLine($"{changed} of {before.Length} lines changed by the override");
        Assert.True(changed > 0);

        // The pack's fields replace ICMP's on exactly those frames.
        var (fieldsExit, fields) = consumer.Pcapkit("fields", sample, "--pack", consumer.OverrideAssembly, "-e", "ping.type", "-e", "icmp.type", "-e", "ping_echo.identifier", "-e", "frame.protocols");
        Assert.Equal(0, fieldsExit);
        output.WriteLine(fields);
        var rows = fields.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToList();
        Assert.Equal(before.Length, rows.Count);
        Assert.All(rows, r => Assert.Equal(string.Empty, r[1]));
        Assert.Equal(changed, rows.Count(r => r[0].Length > 0));
        Assert.All(rows.Where(r => r[0].Length > 0), r => Assert.EndsWith(":ip:ping:ping_echo:data", r[3], StringComparison.Ordinal));
        Assert.All(rows.Where(r => r[0].Length > 0), r => Assert.NotEqual(string.Empty, r[2]));
    }

    [Fact]
    public void DecodeAs_SendsAKeyToAPacksProtocol()
    {
        var (exit, text) = consumer.Pcapkit("fields", consumer.Capture, "--pack", consumer.PackAssembly, "-d", "udp.port==520,gauge", "-e", "frame.protocols");
        Assert.Equal(0, exit);
        Assert.Equal(
            ["eth:ethertype:ip:udp:gauge", "eth:ethertype:ip:udp:gauge", "eth:ethertype:ip:tcp:gauge", "eth:ethertype:ip:tcp:gauge"],
            text.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void ABrokenSpec_FailsTheBuild_WithItsDiagnosticIdAndPosition()
    {
        Assert.NotEqual(0, consumer.BrokenBuild.Exit);
        output.WriteLine(consumer.BrokenBuild.Output);

        // The spec's line 9, column 30 holds the unknown key; MSBuild prints file(line,col): error id: message.
        Assert.Contains("broken.pcapkit.yaml(9,30): error PKGEN1002", consumer.BrokenBuild.Output, StringComparison.Ordinal);
        Assert.Contains("colour", consumer.BrokenBuild.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePackages_HoldWhatTheirConsumersNeed()
    {
        string[] Entries(string id)
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(consumer.Feed, id + "." + Consumer.PackageVersion + ".nupkg"));
            return [.. zip.Entries.Select(e => e.FullName)];
        }

        foreach (var id in new[] { "PcapKit", "PcapKit.Generators", "PcapKit.Protocols", "PcapKit.Engines.PacketDotNet", "PcapKit.Cli" })
        {
            Assert.Contains("README.md", Entries(id));
        }

        // The generator and YamlDotNet as analyzers, and the props that make *.pcapkit.yaml AdditionalFiles, transitively too.
        Assert.Contains("analyzers/dotnet/cs/PcapKit.Generators.dll", Entries("PcapKit.Generators"));
        Assert.Contains("analyzers/dotnet/cs/YamlDotNet.dll", Entries("PcapKit.Generators"));
        Assert.Contains("build/PcapKit.Generators.props", Entries("PcapKit.Generators"));
        Assert.Contains("buildTransitive/PcapKit.Generators.props", Entries("PcapKit.Generators"));
        Assert.DoesNotContain(Entries("PcapKit.Generators"), e => e.StartsWith("lib/", StringComparison.Ordinal));
        Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", Entries("PcapKit.Cli"));
        Assert.Contains("lib/net10.0/PcapKit.dll", Entries("PcapKit"));
    }

    [Fact]
    public void ABrokenPack_IsAClearError()
    {
        var notAnAssembly = Path.Combine(consumer.Work, "not-a-pack.dll");
        File.WriteAllText(notAnAssembly, "MZ but not really");
        var (exit, text) = consumer.Pcapkit("dump", consumer.Capture, "--pack", notAnAssembly);
        Assert.Equal(1, exit);
        Assert.Contains($"pack '{notAnAssembly}': not a .NET assembly.", text, StringComparison.Ordinal);

        var (missingExit, missing) = consumer.Pcapkit("protocols", "--pack", Path.Combine(consumer.Work, "nope.dll"));
        Assert.Equal(1, missingExit);
        Assert.Contains("nope.dll': no such file.", missing, StringComparison.Ordinal);
    }

    /// <summary>
    /// Packs the packages once, copies samples/CustomPack out of the repository with a NuGet configuration naming only
    /// the package folder and an empty package cache of its own, builds it, makes its capture, installs the tool from
    /// the folder, and builds two more packs: one overriding a standard dissector and one with a broken spec.
    /// </summary>
    public sealed class Consumer : IDisposable
    {
        private readonly StringBuilder _log = new();

        public Consumer()
        {
            Work = Path.Combine(Path.GetTempPath(), "pcapkit-packages-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(Work);
            var root = Corpus.RepositoryRoot;
            var feed = Feed = Path.Combine(Work, "feed");

            // The packages of this build (the test run has built every project in this configuration).
            Dotnet(root, isolated: false, "pack", Path.Combine(root, "packages.slnf"), "-c", Configuration, "--no-build", "--no-restore", "-o", feed);
            foreach (var id in new[] { "PcapKit", "PcapKit.Generators", "PcapKit.Protocols", "PcapKit.Engines.PacketDotNet", "PcapKit.Cli" })
            {
                Assert.True(File.Exists(Path.Combine(feed, id + "." + Version + ".nupkg")), "missing package " + id + "\n" + _log);
            }

            var consumer = Path.Combine(Work, "consumer");
            CopySample(Path.Combine(root, "samples", "CustomPack"), consumer);
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="test-feed" value="{feed}" />
                  </packageSources>
                </configuration>
                """);

            Dotnet(consumer, isolated: true, "build", Path.Combine(consumer, "MakeCapture", "MakeCapture.csproj"), "-c", "Release", "-p:PcapKitVersion=" + Version);
            PackAssembly = Path.Combine(consumer, "CustomPack", "bin", "Release", "net10.0", "CustomPack.dll");
            Capture = Path.Combine(Work, "custom.pcap");
            Dotnet(consumer, isolated: true, Path.Combine(consumer, "MakeCapture", "bin", "Release", "net10.0", "MakeCapture.dll"), Capture);

            // The tool, installed from the folder as a user installs it.
            var tools = Path.Combine(Work, "tools");
            Dotnet(consumer, isolated: true, "tool", "install", "PcapKit.Cli", "--version", Version, "--tool-path", tools, "--configfile", Path.Combine(consumer, "nuget.config"));
            Tool = Path.Combine(tools, OperatingSystem.IsWindows() ? "pcapkit.exe" : "pcapkit");

            // A pack that takes ip.proto 1 away from the standard ICMP dissector.
            var overridePack = Path.Combine(consumer, "OverridePack");
            Directory.CreateDirectory(overridePack);
            File.WriteAllText(Path.Combine(overridePack, "OverridePack.csproj"), PackProject);
            File.WriteAllText(Path.Combine(overridePack, "ping.pcapkit.yaml"), """
                protocol: ping
                title: Echo only (overrides ICMP)
                endian: big
                layer: transport
                register:
                  - { table: ip.proto, key: 1 }
                fields:
                  - { id: type, type: u8 }
                  - { id: code, type: u8 }
                  - { id: checksum, type: u16, format: hex }
                  - { id: payload, region: rest, dispatch: { table: ping.type, key: type } }
                """);

            // … and a table of its own, ping.type, that a second protocol of the pack registers in.
            File.WriteAllText(Path.Combine(overridePack, "ping-echo.pcapkit.yaml"), """
                protocol: ping_echo
                title: Echo request and reply (in ping.type)
                endian: big
                layer: application
                register:
                  - { table: ping.type, key: 0 }
                  - { table: ping.type, key: 8 }
                fields:
                  - { id: identifier, type: u16 }
                  - { id: sequence, type: u16 }
                  - { id: data, region: rest }
                """);
            Dotnet(consumer, isolated: true, "build", Path.Combine(overridePack, "OverridePack.csproj"), "-c", "Release", "-p:PcapKitVersion=" + Version);
            OverrideAssembly = Path.Combine(overridePack, "bin", "Release", "net10.0", "OverridePack.dll");

            // A pack whose spec has an unknown key: the build must fail, naming the spec's line and column.
            var broken = Path.Combine(consumer, "BrokenPack");
            Directory.CreateDirectory(broken);
            File.WriteAllText(Path.Combine(broken, "BrokenPack.csproj"), PackProject);
            File.WriteAllText(Path.Combine(broken, "broken.pcapkit.yaml"), """
                protocol: broken
                title: A spec with a mistake
                endian: big
                layer: application
                register:
                  - { table: udp.port, key: 9999 }
                fields:
                  - { id: kind, type: u8 }
                  - { id: length, type: u16, colour: red }
                """);
            BrokenBuild = Dotnet(consumer, isolated: true, expectSuccess: false, "build", Path.Combine(broken, "BrokenPack.csproj"), "-c", "Release", "-p:PcapKitVersion=" + Version);
        }

        public string Work { get; }

        public string Feed { get; }

        public static string PackageVersion => Version;

        public string Capture { get; }

        public string PackAssembly { get; }

        public string OverrideAssembly { get; }

        public string Tool { get; }

        public (int Exit, string Output) BrokenBuild { get; }

        private static string Version => typeof(CliApp).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.1.0";

        /// <summary>The configuration this test assembly was built in (…/bin/Debug/net10.0/), which every project was built in.</summary>
        private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

        private const string PackProject = """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <PackageReference Include="PcapKit" Version="$(PcapKitVersion)" />
                <PackageReference Include="PcapKit.Generators" Version="$(PcapKitVersion)" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """;

        /// <summary>Runs the installed tool; standard error is appended to standard output.</summary>
        public (int Exit, string Output) Pcapkit(params string[] args) => Run(Tool, Work, isolated: true, args);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Work, recursive: true);
            }
            catch (IOException)
            {
                // A build server may still hold a file; the folder is in the temporary directory.
            }
        }

        private (int Exit, string Output) Dotnet(string directory, bool isolated, params string[] args) => Dotnet(directory, isolated, expectSuccess: true, args);

        private (int Exit, string Output) Dotnet(string directory, bool isolated, bool expectSuccess, params string[] args)
        {
            var result = Run(DotnetHost, directory, isolated, args);
            if (expectSuccess && result.Exit != 0)
            {
                Assert.Fail($"dotnet {string.Join(' ', args)} exited with {result.Exit}:\n{result.Output}\n{_log}");
            }

            return result;
        }

        private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

        private (int Exit, string Output) Run(string file, string directory, bool isolated, string[] args)
        {
            var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            // Nothing of the test run's own build leaks in: no MSBuild settings, no shared build servers.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(key);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            if (isolated)
            {
                // Restores see the package folder only: an empty cache of their own, so nothing comes from earlier restores.
                start.Environment["NUGET_PACKAGES"] = Path.Combine(Work, "packages");
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{file} {string.Join(' ', args)} did not finish in 10 minutes");
            }

            var text = stdout.Result + stderr.Result;
            _log.Append("$ ").Append(file).Append(' ').AppendJoin(' ', args).Append('\n').Append(text).Append('\n');
            return (process.ExitCode, text);
        }

        private static void CopySample(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var directory in Directory.EnumerateDirectories(from))
            {
                var name = Path.GetFileName(directory);
                if (name is not ("bin" or "obj"))
                {
                    CopySample(directory, Path.Combine(to, name));
                }
            }
        }
    }
}
