using System.CommandLine;
using System.Linq;
using System.Text.Json;
using PcapKit.Dissection;

namespace PcapKit.Cli.Commands;

/// <summary><c>pcapkit protocols</c>: every registered protocol, its fields and its dispatch tables.</summary>
internal static class ProtocolsCommand
{
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var fields = new Option<bool>("--fields") { Description = "List every field (the default lists fields only with --json or a protocol name)." };
        var name = new Argument<string?>("protocol") { Description = "Show only this protocol.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("protocols", "List the registered protocols, their fields and dispatch tables.") { json, fields, name };
        command.SetAction(parse =>
        {
            var registry = CommandContext.BuildRegistry(parse);
            var only = parse.GetValue(name);
            var protocols = registry.Protocols.Where(p => only is null || p.Name == only).OrderBy(p => p.Name, System.StringComparer.Ordinal).ToList();
            if (only is not null && protocols.Count == 0)
            {
                throw new UsageException($"No protocol named '{only}'. Known: {string.Join(", ", registry.Protocols.Select(p => p.Name).Order())}");
            }

            if (parse.GetValue(json))
            {
                WriteJson(context, registry, protocols);
                return ExitCodes.Ok;
            }

            var o = context.Output;
            foreach (var p in protocols)
            {
                o.WriteLine($"{p.Name} — {p.Title}{(p.Reference is null ? string.Empty : " (" + p.Reference + ")")}, {p.Layer.ToString().ToLowerInvariant()} layer, fields {p.DisplayPrefix}.*");
                foreach (var r in p.Registrations)
                {
                    o.WriteLine($"  registered in {r.Table} = {r.Key}");
                }

                foreach (var t in p.HeuristicTables)
                {
                    o.WriteLine($"  tried by its heuristic on {t} payloads no key names");
                }

                foreach (var t in p.DispatchTables)
                {
                    o.WriteLine($"  payload dispatched by {t}");
                }

                if (parse.GetValue(fields) || only is not null)
                {
                    foreach (var f in p.Fields.Concat(p.ComputedFields))
                    {
                        WriteField(o, f, "  ");
                    }
                }
            }

            if (only is null)
            {
                o.WriteLine();
                o.WriteLine("Fields of no layer (pcapkit fields; the times, tcp.stream and the relative sequence numbers follow the frames before):");
                o.WriteLine("  " + string.Join(", ", Output.FrameFields.Names));
            }

            o.WriteLine();
            o.WriteLine("Dispatch tables:");
            foreach (var table in registry.Tables.Order(System.StringComparer.Ordinal))
            {
                var entries = registry.GetEntries(table);
                o.WriteLine($"  {table}: " + (entries.Count == 0 ? "(empty)" : string.Join(", ", entries.Select(e => $"{e.Key}→{e.Value.Name}"))));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteField(System.IO.TextWriter o, FieldDescriptor f, string indent)
    {
        var width = f.BitWidth > 0 ? $" {f.BitWidth} bits" : string.Empty;
        var names = f.Enum is { } e ? $" ({(e.IsFlags ? "flags" : "enum")} {e.Name})" : string.Empty;
        o.WriteLine($"{indent}{f.DisplayName ?? f.Name,-36} {f.Kind.ToString().ToLowerInvariant()}{width}{names}");
        foreach (var child in f.Children)
        {
            if (child.Kind == FieldKind.Structure)
            {
                o.WriteLine($"{indent}    [{child.Name}]");
                foreach (var grandchild in child.Children)
                {
                    WriteField(o, grandchild, indent + "      ");
                }
            }
            else
            {
                // The fields a decode hook reports for a byte string.
                WriteField(o, child, indent + "    ");
            }
        }
    }

    private static void WriteJson(CommandContext context, DissectorRegistry registry, System.Collections.Generic.List<ProtocolDescriptor> protocols)
    {
        using var buffer = new System.IO.MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("protocols");
            foreach (var p in protocols)
            {
                writer.WriteStartObject();
                writer.WriteString("name", p.Name);
                writer.WriteString("title", p.Title);
                writer.WriteString("reference", p.Reference);
                writer.WriteString("layer", p.Layer.ToString().ToLowerInvariant());
                writer.WriteString("display_prefix", p.DisplayPrefix);
                writer.WriteString("chain_name", p.ChainName);
                writer.WriteStartArray("registrations");
                foreach (var r in p.Registrations)
                {
                    writer.WriteStartObject();
                    writer.WriteString("table", r.Table);
                    writer.WriteNumber("key", r.Key);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteStartArray("heuristic_tables");
                foreach (var t in p.HeuristicTables)
                {
                    writer.WriteStringValue(t);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("dispatch_tables");
                foreach (var t in p.DispatchTables)
                {
                    writer.WriteStringValue(t);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("fields");
                foreach (var f in p.Fields.Concat(p.ComputedFields))
                {
                    WriteFieldJson(writer, f);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("frame_fields");
            foreach (var field in Output.FrameFields.Names)
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("tables");
            foreach (var table in registry.Tables.Order(System.StringComparer.Ordinal))
            {
                writer.WriteStartObject(table);
                foreach (var (key, protocol) in registry.GetEntries(table))
                {
                    writer.WriteString(key.ToString(System.Globalization.CultureInfo.InvariantCulture), protocol.Name);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        context.Output.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        context.Output.WriteLine();
    }

    private static void WriteFieldJson(Utf8JsonWriter writer, FieldDescriptor f)
    {
        writer.WriteStartObject();
        writer.WriteString("name", f.Name);
        writer.WriteString("display_name", f.DisplayName);
        writer.WriteString("kind", f.Kind.ToString().ToLowerInvariant());
        writer.WriteNumber("bits", f.BitWidth);
        if (f.Enum is { } e)
        {
            writer.WriteString("enum", e.Name);
        }

        if (f.Children.Count > 0)
        {
            writer.WriteStartArray("children");
            foreach (var c in f.Children)
            {
                WriteFieldJson(writer, c);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
