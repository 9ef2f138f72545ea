using System.Runtime.InteropServices;
using System.Text;

namespace HostFactory.Cli.Resident;

/// <summary>
/// The client end of a Unix domain socket, straight on libc: the resident client runs in every Host Factory call, and
/// <c>System.Net.Sockets</c> would cost each of them more start-up time than the whole exchange. Linux only.
/// </summary>
internal sealed partial class UnixSocket : IDisposable
{
    /// <summary>The longest socket path (<c>sun_path</c> is 108 bytes with its terminating NUL).</summary>
    public const int MaxPathBytes = 107;

    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int EIntr = 4;

    private int _fd;

    private UnixSocket(int fd) => _fd = fd;

    /// <summary>Connects to <paramref name="path"/>; null when nothing listens there (no file, or a stale one).</summary>
    public static UnixSocket? TryConnect(string path)
    {
        var address = Address(path);
        var fd = Socket(AfUnix, SockStream | SockCloexec, 0);
        if (fd < 0)
        {
            return null;
        }

        if (Connect(fd, address, address.Length) != 0)
        {
            _ = Close(fd);
            return null;
        }

        return new UnixSocket(fd);
    }

    /// <summary>The user id of the process at the other end (SO_PEERCRED), or null when it cannot be told.</summary>
    public uint? PeerUserId() => PeerUserId(_fd);

    /// <summary>The user id of the process at the other end of the connected socket <paramref name="fd"/>.</summary>
    public static uint? PeerUserId(nint fd)
    {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<int> credentials = stackalloc int[3];
        var length = sizeof(int) * 3;
        unsafe
        {
            fixed (int* pointer = credentials)
            {
                return GetSocketOption((int)fd, SolSocket, SoPeerCred, pointer, ref length) == 0 ? (uint)credentials[1] : null;
            }
        }
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId() => GetEffectiveUserId();

    /// <summary>Writes all of <paramref name="data"/>.</summary>
    /// <exception cref="IOException">The other end went away.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            long written;
            unsafe
            {
                fixed (byte* pointer = data)
                {
                    // MSG_NOSIGNAL: a peer that went away is an error here, not a SIGPIPE that kills the process.
                    written = Send(_fd, pointer, (nuint)data.Length, 0x4000);
                }
            }

            if (written < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                {
                    continue;
                }

                throw new IOException($"write to the resident process failed (errno {errno}).");
            }

            data = data[(int)written..];
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; 0 at the end of the stream.</summary>
    /// <exception cref="IOException">The read failed or timed out.</exception>
    public int Read(Span<byte> buffer)
    {
        while (true)
        {
            long read;
            unsafe
            {
                fixed (byte* pointer = buffer)
                {
                    read = Receive(_fd, pointer, (nuint)buffer.Length, 0);
                }
            }

            if (read >= 0)
            {
                return (int)read;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != EIntr)
            {
                throw new IOException($"read from the resident process failed (errno {errno}).");
            }
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = Close(_fd);
            _fd = -1;
        }
    }

    private static byte[] Address(string path)
    {
        // struct sockaddr_un: sa_family_t (2 bytes, host order) then the NUL-terminated path.
        var address = new byte[2 + MaxPathBytes + 1];
        BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)AfUnix);
        var length = Encoding.UTF8.GetBytes(path, address.AsSpan(2, MaxPathBytes));
        return address.AsSpan(0, 2 + length + 1).ToArray();
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int Connect(int fd, byte[] address, int length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial long Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial long Receive(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static unsafe partial int GetSocketOption(int fd, int level, int name, void* value, ref int length);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
