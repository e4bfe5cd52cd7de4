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
    private const int MaxVectors = 1024;        // IOV_MAX

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

    /// <summary>
    /// Writes <paramref name="pieces"/> in order at <paramref name="offset"/>, in one gathering write where it can: each
    /// piece is the next bytes of <paramref name="buffer"/> or bytes of a mapped input (<see cref="Piece.Mapped"/>).
    /// System calls only (<see cref="Native"/>).
    /// </summary>
    public static unsafe void Write(OpenFile file, byte[]? buffer, ReadOnlySpan<Piece> pieces, long offset, FlowFile path)
    {
        if (file.Handle is not null || pieces.Length > MaxVectors)
        {
            throw new InvalidOperationException("Pieces of a mapped input are written with the system calls, at most " + MaxVectors + " at once.");
        }

        var vectors = stackalloc IoVector[pieces.Length];
        fixed (byte* start = buffer)
        {
            var at = 0;
            for (var i = 0; i < pieces.Length; i++)
            {
                var piece = pieces[i];
                if (piece.Mapped != 0)
                {
                    vectors[i] = new IoVector((byte*)piece.Mapped, (nuint)piece.Length);
                }
                else
                {
                    vectors[i] = new IoVector(start + at, (nuint)piece.Length);
                    at += piece.Length;
                }
            }

            var first = 0;
            while (first < pieces.Length)
            {
                var n = pwritev(file.Descriptor, vectors + first, pieces.Length - first, offset);
                if (n <= 0)
                {
                    if (n < 0 && Marshal.GetLastPInvokeError() == Interrupted)
                    {
                        continue;
                    }

                    throw n < 0 ? Error("cannot write", path.PartialPath) : new IOException($"{path.PartialPath}: cannot write: nothing was written");
                }

                // Past the vectors written whole, into the one written in part.
                offset += n;
                while (first < pieces.Length && (nuint)n >= vectors[first].Length)
                {
                    n -= (nint)vectors[first].Length;
                    first++;
                }

                if (n > 0)
                {
                    vectors[first] = new IoVector(vectors[first].Base + n, vectors[first].Length - (nuint)n);
                }
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

    [LibraryImport("libc", EntryPoint = "pwritev", SetLastError = true)]
    private static unsafe partial nint pwritev(int fd, IoVector* vectors, int count, long offset);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int rename(string from, string to);
}

/// <summary>struct iovec: an address and a length.</summary>
internal readonly unsafe struct IoVector(byte* @base, nuint length)
{
    public readonly byte* Base = @base;
    public readonly nuint Length = length;
}

/// <summary>An open flow file: a Linux file descriptor, or a .NET handle elsewhere.</summary>
/// <param name="Descriptor">The descriptor (-1 with a handle).</param>
/// <param name="Handle">The .NET handle, when the system calls are not used.</param>
internal readonly record struct OpenFile(int Descriptor, SafeFileHandle? Handle);
