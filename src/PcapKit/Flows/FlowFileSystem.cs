using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace PcapKit.Flows;

/// <summary>
/// Opening, writing, closing and renaming flow files. A split of a capture with tens of thousands of short flows is
/// bound by these calls, so on Linux they are the plain system calls (openat, pwritev, close, renameat: four per short
/// flow), each naming the file in its output folder, which each writer thread opens once — no path walked from the
/// root, no path string made, per call; .NET's file API adds an advisory lock, a file-system query, a seek and a
/// truncate to each open, and a stat to each move. Elsewhere the .NET API is used.
/// </summary>
// Its stackalloc'd names and vectors are written before the calls read them: not zeroed on every open and rename.
[SkipLocalsInit]
internal static partial class FlowFileSystem
{
    private const int PathOnly = 0x200000;      // O_PATH (x64 and arm64 alike): a folder named, not read
    private const int WriteOnly = 0x1;          // O_WRONLY
    private const int Create = 0x40;            // O_CREAT
    private const int Truncate = 0x200;         // O_TRUNC
    private const int CloseOnExec = 0x80000;    // O_CLOEXEC
    private const int Interrupted = 4;          // EINTR
    private const int MaxVectors = 1024;        // IOV_MAX

    /// <summary>Whether the system calls are used.</summary>
    public static readonly bool Native = OperatingSystem.IsLinux() &&
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>
    /// Opens an output folder, whose files are then opened and renamed by their names in it (no path walked): as a path
    /// only, so a folder that may be written but not listed serves as before.
    /// </summary>
    public static FlowFolder OpenFolder(string path)
    {
        if (!Native)
        {
            return new FlowFolder(path, -1);
        }

        int fd;
        do
        {
            fd = open(path, PathOnly | CloseOnExec, 0);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        return fd >= 0 ? new FlowFolder(path, fd) : throw Error("cannot open the folder", path);
    }

    /// <summary>Closes a folder <see cref="OpenFolder"/> opened.</summary>
    public static void CloseFolder(FlowFolder folder)
    {
        if (folder.Descriptor >= 0)
        {
            // Nothing was written through it: a failure to close it loses nothing.
            _ = close(folder.Descriptor);
        }
    }

    /// <summary>Opens a flow's file (its temporary name, in its folder) for writing: created (emptied if it exists) or, to append, as it is.</summary>
    public static unsafe OpenFile Open(FlowFolder folder, FlowFile file, bool create)
    {
        if (!Native)
        {
            return new OpenFile(-1, File.OpenHandle(file.PartialPath, create ? FileMode.Create : FileMode.Open, FileAccess.Write, FileShare.Read));
        }

        Span<byte> names = stackalloc byte[NamesLength];
        Encode(file, names, withFinal: false, out _);
        int fd;
        fixed (byte* p = names)
        {
            do
            {
                fd = openat(folder.Descriptor, p, WriteOnly | CloseOnExec | (create ? Create | Truncate : 0), 0x1A4 /* 0644 */);
            }
            while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);
        }

        return fd >= 0 ? new OpenFile(fd, null) : throw Error("cannot open", file.PartialPath);
    }

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>.</summary>
    public static unsafe void Write(OpenFile file, ReadOnlySpan<byte> data, long offset, FlowFile path)
    {
        if (file.Handle is { } handle)
        {
            RandomAccess.Write(handle, data, offset);
            return;
        }

        if (data.IsEmpty)
        {
            return;
        }

        fixed (byte* p = data)
        {
            var vector = new IoVector(p, (nuint)data.Length);
            WriteAll(file, &vector, 1, offset, path);
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

            WriteAll(file, vectors, pieces.Length, offset, path);
        }
    }

    // One gathering write after another until every vector is written: a write may take part of them (a signal, a large
    // write), and one that writes nothing stops the run instead of being tried forever.
    private static unsafe void WriteAll(OpenFile file, IoVector* vectors, int count, long offset, FlowFile path)
    {
        var first = 0;
        while (first < count)
        {
            var n = pwritev(file.Descriptor, vectors + first, count - first, offset);
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
            while (first < count && (nuint)n >= vectors[first].Length)
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

    /// <summary>Gives a flow's file its final name, replacing any file of that name.</summary>
    public static unsafe void Complete(FlowFolder folder, FlowFile file)
    {
        if (!Native)
        {
            File.Move(file.PartialPath, file.FinalPath, overwrite: true);
            return;
        }

        Span<byte> names = stackalloc byte[NamesLength];
        Encode(file, names, withFinal: true, out var final);
        fixed (byte* p = names)
        {
            if (renameat(folder.Descriptor, p, folder.Descriptor, p + final) != 0)
            {
                throw Error("cannot rename to " + file.FinalPath, file.PartialPath);
            }
        }
    }

    // A flow file's names in its folder as the system calls take them (UTF-8, each followed by a NUL): the temporary one,
    // then the final one from `final` on. Flow names are at most FlowFile.MaxNameLength characters, 3 UTF-8 bytes each at
    // most.
    private const int NamesLength = (2 * 3 * FlowFile.MaxNameLength) + 16;
    private static readonly byte[] PartialSuffixAndNul = Encoding.ASCII.GetBytes(FlowFile.PartialSuffix + "\0");

    private static void Encode(FlowFile file, Span<byte> into, bool withFinal, out int final)
    {
        if (file.Name.Length > FlowFile.MaxNameLength)
        {
            throw new IOException($"{file.PartialPath}: the name is too long for a flow file.");
        }

        var n = Encoding.UTF8.GetBytes(file.Name, into);
        PartialSuffixAndNul.CopyTo(into[n..]);
        final = n + PartialSuffixAndNul.Length;
        if (withFinal)
        {
            into[..n].CopyTo(into[final..]);
            into[final + n] = 0;
        }
    }

    private static IOException Error(string what, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{path}: {what}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "pwritev", SetLastError = true)]
    private static unsafe partial nint pwritev(int fd, IoVector* vectors, int count, long offset);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static unsafe partial int openat(int folder, byte* name, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true)]
    private static unsafe partial int renameat(int fromFolder, byte* from, int toFolder, byte* to);
}

/// <summary>An output folder a writer thread has open: its descriptor (-1 without the system calls) and the subfolders it made in it.</summary>
internal sealed class FlowFolder
{
    private readonly HashSet<string> _made = new(StringComparer.Ordinal);

    /// <param name="path">The folder.</param>
    /// <param name="descriptor">Its descriptor, or -1.</param>
    public FlowFolder(string path, int descriptor)
    {
        Path = path;
        Descriptor = descriptor;
    }

    /// <summary>The folder's path.</summary>
    public string Path { get; }

    /// <summary>Its descriptor, or -1 when the system calls are not used.</summary>
    public int Descriptor { get; }

    /// <summary>Whether this writer made (or found) the subfolder.</summary>
    public bool Made(ReadOnlySpan<char> subfolder) => _made.GetAlternateLookup<ReadOnlySpan<char>>().Contains(subfolder);

    /// <summary>Notes a subfolder made.</summary>
    public void AddMade(string subfolder) => _made.Add(subfolder);
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
