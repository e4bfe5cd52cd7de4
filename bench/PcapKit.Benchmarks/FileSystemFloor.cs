using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace PcapKit.Benchmarks;

/// <summary>
/// The file-system work of a finished flow split alone, as a floor for the split's time with as many writer threads:
/// the same files (names, sizes) written again with the fewest system calls a split can make per file — opened under a
/// temporary name in their folder, their bytes written from the mapped capture in 1 MiB calls (a split writes 64 KiB
/// buffers and gathering writes of up to 4 MiB, and may close and reopen a long flow's file), closed, renamed — on as
/// many threads as the splitter has writers, no record read or dissected. Linux only (libc's calls).
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
        // The category folders made and opened once, as the splitter's writers do.
        var folders = new Dictionary<string, int>(StringComparer.Ordinal);
        Exception? failure = null;
        try
        {
            foreach (var (name, _) in files)
            {
                var sub = Path.GetDirectoryName(name) ?? string.Empty;
                if (!folders.ContainsKey(sub))
                {
                    Directory.CreateDirectory(Path.Combine(folder, sub));
                    var descriptor = open(Path.Combine(folder, sub), 0x200000 | 0x80000 /* O_PATH | O_CLOEXEC */, 0);
                    folders[sub] = descriptor >= 0 ? descriptor : throw new IOException($"{Path.Combine(folder, sub)}: cannot open: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
                }
            }

            var workers = new Thread[threads];
            for (var t = 0; t < threads; t++)
            {
                var first = t;
                workers[t] = new Thread(() =>
                {
                    try
                    {
                        for (var i = first; i < files.Length; i += threads)
                        {
                            var (name, size) = files[i];
                            WriteOne(folders[Path.GetDirectoryName(name) ?? string.Empty], Path.GetFileName(name), bytes + starts[i], size);
                        }
                    }
                    catch (IOException e)
                    {
                        // Thrown on the caller's thread once every writer is done.
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                });
                workers[t].Start();
            }

            foreach (var worker in workers)
            {
                worker.Join();
            }
        }
        finally
        {
            foreach (var descriptor in folders.Values)
            {
                _ = close(descriptor);
            }
        }

        if (failure is not null)
        {
            throw new IOException(failure.Message, failure);
        }
    }

    private static void WriteOne(int folder, string name, byte* bytes, long size)
    {
        // The names as the calls take them, on the stack as the splitter's writers make them.
        Span<byte> partial = stackalloc byte[Encoding.UTF8.GetMaxByteCount(name.Length) + 10];
        Span<byte> final = stackalloc byte[Encoding.UTF8.GetMaxByteCount(name.Length) + 1];
        var n = Encoding.UTF8.GetBytes(name, final);
        final[n] = 0;
        final[..n].CopyTo(partial);
        ".partial\0"u8.CopyTo(partial[n..]);
        fixed (byte* from = partial)
        fixed (byte* to = final)
        {
            var fd = openat(folder, from, 0x1 | 0x40 | 0x200 | 0x80000 /* O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC */, 0x1A4);
            if (fd < 0)
            {
                throw new IOException($"{name}: cannot open: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            var closed = false;
            try
            {
                for (long done = 0; done < size;)
                {
                    var written = pwrite(fd, bytes + done, (nint)Math.Min(Chunk, size - done), done);
                    if (written < 0 && Marshal.GetLastPInvokeError() == 4 /* EINTR */)
                    {
                        continue;
                    }

                    if (written <= 0)
                    {
                        throw new IOException($"{name}: cannot write: {(written < 0 ? Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()) : "nothing was written")}");
                    }

                    done += written;
                }

                closed = true;
                if (close(fd) != 0)
                {
                    throw new IOException($"{name}: cannot close: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
                }
            }
            finally
            {
                if (!closed)
                {
                    _ = close(fd); // after a failed write, whose error is the one thrown
                }
            }

            if (renameat(folder, from, folder, to) != 0)
            {
                throw new IOException($"{name}: cannot rename: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int openat(int folder, byte* name, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static partial nint pwrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int madvise(byte* address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true)]
    private static partial int renameat(int fromFolder, byte* from, int toFolder, byte* to);
}
