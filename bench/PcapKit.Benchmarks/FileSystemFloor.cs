using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Threading;
using PcapKit.Flows;

namespace PcapKit.Benchmarks;

/// <summary>
/// The file-system work of a finished flow split alone, as a floor for the split's time with as many writer threads:
/// the same files (names, sizes) written again with as few calls per file as a split makes for a short flow, the splitter's own
/// (<see cref="FlowFileSystem"/>: opened under a temporary name in the output folder, their bytes written from the mapped
/// capture in 1 MiB calls — a split writes 64 KiB buffers and gathering writes of up to 4 MiB, and may close and reopen a
/// long flow's file — closed, renamed), on as many threads as the splitter has writers, no record read or dissected.
/// Linux only (the splitter's system calls).
/// </summary>
internal static unsafe partial class FileSystemFloor
{
    private const int Chunk = 1 << 20;

    /// <summary>The flow files a split left in <paramref name="folder"/> (their names relative to it, and sizes); its index and counts left out.</summary>
    public static (string Name, long Size)[] FilesOf(string folder)
    {
        var files = new List<(string, long)>();
        foreach (var path in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            if (!path.EndsWith(".csv", StringComparison.Ordinal))
            {
                files.Add((Path.GetRelativePath(folder, path), new FileInfo(path).Length));
            }
        }

        return [.. files];
    }

    /// <summary>
    /// Writes the files into <paramref name="folder"/> on <paramref name="threads"/> threads, each file from the next bytes
    /// of <paramref name="capture"/> — mapped, and its pages mapped in, before the time taken (<paramref name="timed"/>
    /// runs the writing and returns its time), as a split's reader has them mapped when its writers copy from them.
    /// </summary>
    public static double Write(string capture, (string Name, long Size)[] files, string folder, int threads, Func<Action, double> timed)
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        var length = new FileInfo(capture).Length;
        using var map = MemoryMappedFile.CreateFromFile(capture, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* source = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref source);
        try
        {
            var bytes = source + view.PointerOffset;
            var page = (nint)Environment.SystemPageSize;
            var first = (byte*)((nint)bytes & ~(page - 1));
            if (madvise(first, (nuint)(bytes + length - first), 22 /* MADV_POPULATE_READ */) != 0)
            {
                throw new IOException($"{capture}: cannot map its pages in beforehand (MADV_POPULATE_READ, Linux 5.14): {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            // Each file's bytes start where the previous file's ended (wrapping around), as a split copies every record once.
            var starts = new long[files.Length];
            long at = 0;
            for (var i = 0; i < files.Length; i++)
            {
                if (files[i].Size > length)
                {
                    throw new InvalidOperationException($"{files[i].Name} is larger than the capture its bytes are taken from.");
                }

                starts[i] = at % Math.Max(1, length - files[i].Size);
                at += files[i].Size;
            }

            return timed(() => WriteAll(bytes, starts, files, folder, threads));
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static void WriteAll(byte* bytes, long[] starts, (string Name, long Size)[] files, string folder, int threads)
    {
        // The category folders made first, each once, as the splitter's writers make them.
        var categories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in files)
        {
            if (categories.Add(Path.GetDirectoryName(name) ?? string.Empty))
            {
                Directory.CreateDirectory(Path.Combine(folder, Path.GetDirectoryName(name) ?? string.Empty));
            }
        }

        Exception? failure = null;
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var first = t;
            workers[t] = new Thread(() =>
            {
                try
                {
                    // Each writer opens the output folder once and names its files in it, as the splitter's do.
                    var opened = FlowFileSystem.OpenFolder(folder);
                    try
                    {
                        for (var i = first; i < files.Length; i += threads)
                        {
                            WriteOne(opened, new FlowFile(folder, files[i].Name.Replace(Path.DirectorySeparatorChar, '/')), bytes + starts[i], files[i].Size);
                        }
                    }
                    finally
                    {
                        FlowFileSystem.CloseFolder(opened);
                    }
                }
                catch (Exception e)
                {
                    // Thrown on the caller's thread once every writer is done (on this thread it would end the process).
                    Interlocked.CompareExchange(ref failure, e, null);
                }
            });
            workers[t].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        if (failure is not null)
        {
            throw new IOException(failure.Message, failure);
        }
    }

    /// <summary>One file through the splitter's own calls (<see cref="FlowFileSystem"/>): open under its temporary name, write, close, rename.</summary>
    private static void WriteOne(FlowFolder folder, FlowFile file, byte* bytes, long size)
    {
        var open = FlowFileSystem.Open(folder, file, create: true);
        var closed = false;
        try
        {
            for (long done = 0; done < size; done += Chunk)
            {
                FlowFileSystem.Write(open, new ReadOnlySpan<byte>(bytes + done, (int)Math.Min(Chunk, size - done)), done, file);
            }

            closed = true;
            FlowFileSystem.Close(open, file);
        }
        finally
        {
            if (!closed)
            {
                try
                {
                    FlowFileSystem.Close(open, file);
                }
                catch (IOException)
                {
                    // After a failed write: the write's error is the one thrown.
                }
            }
        }

        FlowFileSystem.Complete(folder, file);
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int madvise(byte* address, nuint length, int advice);
}
