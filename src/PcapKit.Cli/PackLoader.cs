using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using PcapKit.Dissection;

namespace PcapKit.Cli;

/// <summary>
/// Loads dissector packs named with <c>--pack PATH.dll</c>, once per process: each in a load context of its own that
/// resolves the pack's private dependencies from its <c>.deps.json</c> and shares PcapKit's assemblies with the
/// program, so the pack's descriptors are the program's types. Reflection happens here only, never per packet.
/// </summary>
internal static class PackLoader
{
    private static readonly Dictionary<string, (DateTime Written, DissectorPack[] Packs)> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>The packs <paramref name="path"/> declares (usually one).</summary>
    /// <param name="path">The pack's assembly.</param>
    /// <returns>Its packs.</returns>
    /// <exception cref="PackLoadException">The file is missing, not an assembly, not a pack, or built for another PcapKit.</exception>
    public static DissectorPack[] Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new PackLoadException($"pack '{path}': no such file.");
        }

        var written = File.GetLastWriteTimeUtc(full);
        lock (Gate)
        {
            if (Loaded.TryGetValue(full, out var cached) && cached.Written == written)
            {
                return cached.Packs;
            }

            var packs = LoadUncached(path, full);
            Loaded[full] = (written, packs);
            return packs;
        }
    }

    private static DissectorPack[] LoadUncached(string path, string full)
    {
        AssemblyName name;
        try
        {
            name = AssemblyName.GetAssemblyName(full);
        }
        catch (BadImageFormatException)
        {
            throw new PackLoadException($"pack '{path}': not a .NET assembly.");
        }
        catch (FileLoadException ex)
        {
            throw new PackLoadException($"pack '{path}': cannot be read: {ex.Message}", ex);
        }

        var context = new PackLoadContext(full, name.Name ?? Path.GetFileNameWithoutExtension(full));
        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(full);
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException)
        {
            throw new PackLoadException($"pack '{path}': cannot be loaded: {ex.Message}", ex);
        }

        CheckRuntimeVersion(path, assembly);
        var packs = new List<DissectorPack>();
        try
        {
            foreach (var attribute in assembly.GetCustomAttributes<DissectorPackAttribute>())
            {
                var property = attribute.PackType.GetProperty("Pack", BindingFlags.Public | BindingFlags.Static);
                if (property?.GetValue(null) is not DissectorPack pack)
                {
                    throw new PackLoadException($"pack '{path}': {attribute.PackType.FullName} has no static Pack property of type DissectorPack.");
                }

                packs.Add(pack);
            }
        }
        catch (Exception ex) when (ex is TypeLoadException or MissingMemberException or FileNotFoundException or FileLoadException or TargetInvocationException)
        {
            var reason = ex is TargetInvocationException { InnerException: { } inner } ? inner.Message : ex.Message;
            throw new PackLoadException($"pack '{path}': incompatible with this pcapkit's PcapKit {RuntimeVersion}: {reason}", ex);
        }

        if (packs.Count == 0)
        {
            throw new PackLoadException(
                $"pack '{path}': not a dissector pack (the assembly has no [assembly: DissectorPack]; a pack references PcapKit.Generators and declares at least one protocol).");
        }

        return [.. packs];
    }

    private static Version RuntimeVersion => typeof(DissectorPack).Assembly.GetName().Version ?? new Version(0, 0);

    /// <summary>A pack built against a newer PcapKit than the one running would fail on its first missing member: say so up front.</summary>
    private static void CheckRuntimeVersion(string path, Assembly assembly)
    {
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            if (reference.Name == "PcapKit" && reference.Version is { } wanted && wanted > RuntimeVersion)
            {
                throw new PackLoadException($"pack '{path}': built against PcapKit {wanted}, newer than this pcapkit's PcapKit {RuntimeVersion}; update pcapkit or rebuild the pack.");
            }
        }
    }

    /// <summary>Resolves a pack's own dependencies next to it; PcapKit's assemblies (and anything else the program has) come from the program.</summary>
    private sealed class PackLoadContext(string path, string name) : AssemblyLoadContext("pack:" + name)
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            foreach (var shared in Default.Assemblies)
            {
                if (AssemblyName.ReferenceMatchesDefinition(assemblyName, shared.GetName()))
                {
                    return null;
                }
            }

            if (assemblyName.Name is "PcapKit" or "PcapKit.Protocols" or "PcapKit.Engines.PacketDotNet")
            {
                return null;
            }

            var resolved = _resolver.ResolveAssemblyToPath(assemblyName);
            return resolved is null ? null : LoadFromAssemblyPath(resolved);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var resolved = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return resolved is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(resolved);
        }
    }
}

/// <summary>A pack named with <c>--pack</c> could not be used; the message says which and why.</summary>
internal sealed class PackLoadException : Exception
{
    public PackLoadException()
    {
    }

    public PackLoadException(string message)
        : base(message)
    {
    }

    public PackLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
