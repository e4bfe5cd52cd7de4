using System;
using System.CommandLine;
using System.IO;
using System.Reflection;
using PcapKit.Cli.Commands;

namespace PcapKit.Cli;

/// <summary>Builds the command tree and runs it with the given writers, so tests can run it in process.</summary>
internal static class CliApp
{
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("pcapkit: read, dissect, reassemble and split packet captures, in one pass.");
        var context = new CommandContext(output, error);
        root.Add(CommandContext.Packs);
        root.Add(ProtocolsCommand.Create(context));
        root.Add(InfoCommand.Create(context));
        root.Add(FieldsCommand.Create(context));
        root.Add(ExtractCommand.Create(context));
        root.Add(DumpCommand.Create(context));
        root.Add(StatCommand.Create(context));
        root.Add(FlowsCommand.Create(context));
        root.Add(FollowCommand.Create(context));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                error.WriteLine("pcapkit: " + e.Message);
            }

            error.WriteLine("Run 'pcapkit --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (InvalidDataException ex)
        {
            // Everything read before the damage was written; say where the damage is.
            output.Flush();
            error.WriteLine("pcapkit: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (PackLoadException ex)
        {
            error.WriteLine("pcapkit: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (UsageException ex)
        {
            error.WriteLine("pcapkit: " + ex.Message);
            return ExitCodes.Usage;
        }
        catch (IOException ex)
        {
            error.WriteLine("pcapkit: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (UnauthorizedAccessException ex)
        {
            error.WriteLine("pcapkit: " + ex.Message);
            return ExitCodes.BadInput;
        }
        finally
        {
            output.Flush();
        }
    }
}
