using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using PcapKit.Generators.Diagnostics;
using PcapKit.Generators.Model;

namespace PcapKit.Generators;

/// <summary>
/// Reads registry data files (<c>&lt;enum&gt;.pcapkit.tsv</c>): tab-separated <c>value</c>, <c>name</c> and
/// optional columns, with <c># type: u8</c>-style directives in comment lines. Each file is one enum, so registries
/// such as IANA's protocol numbers live as data, not as hand-typed C#.
/// </summary>
public sealed partial class ProtocolGenerator
{
    internal const string RegistryExtension = ".pcapkit.tsv";

    internal static class RegistryReader
    {
        public static SpecUnit Read(string path, string? text, GeneratorOptions options, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var fileName = Path.GetFileName(path);
            var id = fileName.Substring(0, fileName.Length - RegistryExtension.Length);
            var width = 1;
            var isFlags = false;
            string? typeName = null;
            var ns = options.RootNamespace;
            var members = new List<EnumMemberSpec>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var lines = (text ?? string.Empty).Replace("\r\n", "\n").Split('\n');
            var offset = 0;
            var headerSeen = false;
            for (var lineNumber = 0; lineNumber < lines.Length; lineNumber++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var line = lines[lineNumber];
                var location = new LocationInfo(path, offset, line.Length, lineNumber, 0, lineNumber, line.Length);
                offset += line.Length + 1;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                if (line.StartsWith("#", StringComparison.Ordinal))
                {
                    var directive = line.Substring(1).Trim();
                    var colon = directive.IndexOf(':');
                    if (colon <= 0)
                    {
                        continue;
                    }

                    var key = directive.Substring(0, colon).Trim();
                    var value = directive.Substring(colon + 1).Trim();
                    switch (key)
                    {
                        case "type":
                            width = value switch { "u8" => 1, "u16" => 2, "u24" => 3, "u32" => 4, "u48" => 6, "u64" => 8, _ => 0 };
                            if (width == 0)
                            {
                                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownType, location, value, id));
                                width = 1;
                            }

                            break;
                        case "type_name":
                            typeName = value;
                            break;
                        case "flags":
                            isFlags = value is "true" or "yes";
                            break;
                        case "namespace":
                            ns = value;
                            break;
                    }

                    continue;
                }

                var cells = line.Split('\t');
                if (!headerSeen)
                {
                    // The first row names the columns: value, name, then anything (titles, references).
                    headerSeen = true;
                    if (cells.Length < 2 || cells[0] != "value" || cells[1] != "name")
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingKey, location, "A registry file's header row", "value\tname"));
                        break;
                    }

                    continue;
                }

                if (cells.Length < 2 || !SpecReader.TryParseNumber(cells[0].Trim(), out var number))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidNumber, location, cells[0], "registry value"));
                    continue;
                }

                if (width < 8 && number >> (width * 8) != 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueDoesNotFit, location, number, "'" + id + "." + cells[1] + "'", (width * 8) + " bits"));
                    continue;
                }

                var name = Identifier(cells[1].Trim());
                var unique = name;
                for (var n = 2; !names.Add(unique); n++)
                {
                    unique = name + "_" + n.ToString(CultureInfo.InvariantCulture);
                }

                members.Add(new EnumMemberSpec(unique, Naming.ToPascal(unique), number));
            }

            var locations = new[] { new LocatedKey("enum:" + id, new LocationInfo(path, 0, 0, 0, 0, 0, 0)) };
            var spec = new EnumSpec(id, typeName ?? Naming.ToPascal(id), ns, width, isFlags, false, false, members.ToEquatableArray());
            return new SpecUnit(
                path,
                EquatableArray<ProtocolDraft>.Empty,
                new EquatableArray<EnumSpec>([spec]),
                EquatableArray<TlvDraft>.Empty,
                new EquatableArray<LocatedKey>(locations),
                diagnostics.ToEquatableArray());
        }

        /// <summary>A registry name as a snake_case identifier: <c>ipv6-icmp</c> → <c>ipv6_icmp</c>, <c>3pc</c> → <c>_3pc</c>.</summary>
        private static string Identifier(string name)
        {
            var sb = new StringBuilder(name.Length + 1);
            foreach (var c in name.ToLowerInvariant())
            {
                sb.Append(char.IsLetterOrDigit(c) && c < 128 ? c : '_');
            }

            var text = sb.ToString().Trim('_');
            if (text.Length == 0 || char.IsDigit(text[0]))
            {
                text = "n" + text;
            }

            return text;
        }
    }
}
