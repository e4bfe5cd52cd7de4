using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PcapKit.Flows;

/// <summary>
/// Opening, writing, closing and renaming flow files. A split of a capture with tens of thousands of short flows is
/// bound by these calls, so on Linux they are the plain system calls (open, pwrite, close, rename: four per short
/// flow); .NET's file API adds an advisory lock, a file-system query, a seek and a truncate to each open, and a stat
/// to each move. Elsewhere the .NET API is used.
/// </summary>
internal static partial class FlowFileSystem
{
    private const int WriteOnly = 0x1;      // O_WRONLY
    private const int Create = 0x40;            // O_CREAT
    private const int Truncate = 0x200;         // O_TRUNC
    private const int CloseOnExec = 0x80000;    // O_CLOEXEC
    private const int Interrupted = 4;          // EINTR

    /// <summary>Whether the system calls are used.</summary>
    public static readonly bool Native = OperatingSystem.IsLinux() &&
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Opens a file for writing: created (emptied if it exists) or, to append, as it is.</summary>
    public static OpenFile Open(string path, bool create)
    {
        if (!Native)
        {
            return new OpenFile(-1, File.OpenHandle(path, create ? FileMode.Create : FileMode.Open, FileAccess.Write, FileShare.Read));
        }

        int fd;
        do
        {
            fd = open(path, WriteOnly | CloseOnExec | (create ? Create | Truncate : 0), 0x1A4 /* 0644 */);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        return fd >= 0 ? new OpenFile(fd, null) : throw Error("cannot open", path);
    }

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>.</summary>
    public static unsafe void Write(OpenFile file, ReadOnlySpan<byte> data, long offset, FlowFile path)
    {
        if (file.Handle is { } handle)
        {
            RandomAccess.Write(handle, data, offset);
            return;
        }

        fixed (byte* p = data)
        {
            var done = 0;
            while (done < data.Length)
            {
                var n = pwrite(file.Descriptor, p + done, data.Length - done, offset + done);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Interrupted)
                    {
                        continue;
                    }

                    throw Error("cannot write", path.PartialPath);
                }

                done += (int)n;
            }
        }
    }

    /// <summary>Closes the file.</summary>
    public static void Close(OpenFile file, FlowFile path)
    {
        if (file.Handle is { } handle)
        {
            handle.Dispose();
        }
        else if (close(file.Descriptor) != 0 && Marshal.GetLastPInvokeError() != Interrupted)
        {
            // close reports a failed delayed write (a full disk on some file systems): the data is lost, say so.
            throw Error("cannot close", path.PartialPath);
        }
    }

    /// <summary>Renames a file, replacing any file of the new name.</summary>
    public static void Move(string from, string to)
    {
        if (!Native)
        {
            File.Move(from, to, overwrite: true);
        }
        else if (rename(from, to) != 0)
        {
            throw Error("cannot rename to " + to, from);
        }
    }

    private static IOException Error(string what, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{path}: {what}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial nint pwrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int rename(string from, string to);
}

/// <summary>An open flow file: a Linux file descriptor, or a .NET handle elsewhere.</summary>
/// <param name="Descriptor">The descriptor (-1 with a handle).</param>
/// <param name="Handle">The .NET handle, when the system calls are not used.</param>
internal readonly record struct OpenFile(int Descriptor, SafeFileHandle? Handle);
