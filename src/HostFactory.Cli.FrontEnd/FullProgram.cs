using System.Runtime.InteropServices;
using HostFactory.Common;

namespace HostFactory.Cli.FrontEnd;

/// <summary>
/// Hands a call to the full program beside the front end in this process's place (<see cref="ProgramExec"/>): same pid,
/// same stdout and stderr, same environment, so the full program answers exactly as if the script had run it (and
/// starts the resident process as it does). A protocol call goes to <c>hostfactory-native</c> when the publish made it
/// (the full program compiled Native AOT with the built-in providers; it hands a configuration with plugin assemblies
/// on to <c>hostfactory</c> itself), anything else to <c>hostfactory</c>, the plugin-capable build. Stdin that the
/// front end has already read is given back as a memory file in its place, so the full program reads the very same
/// bytes.
/// </summary>
internal static partial class FullProgram
{
    /// <summary>The full program's apphost, beside the front end.</summary>
    public const string ApphostName = "hostfactory";

    /// <summary>The full program compiled Native AOT, beside the front end when the publish made it.</summary>
    public const string NativeName = "hostfactory-native";

    private const uint MemfdCloexec = 1;
    private const int SeekSet = 0;
    private const int EIntr = 4;

    /// <summary>
    /// Execs the full program with <paramref name="args"/>; returns only when that fails, after reporting it (as a
    /// protocol failure when <paramref name="verb"/> names the protocol verb called).
    /// </summary>
    /// <param name="args">The front end's arguments, passed on unchanged.</param>
    /// <param name="verb">The protocol verb called, or null for another command line.</param>
    /// <param name="standardInput">Stdin as far as the front end read it, or null when it did not touch stdin.</param>
    public static int Run(string[] args, string? verb, byte[]? standardInput)
    {
        var (program, argv) = CommandLine(args, protocolCall: verb is not null);
        var failure = standardInput is not null && ReplaceStandardInput(standardInput) is { } reason
            ? $"cannot give the input to {program}: {reason}"
            : $"cannot run {program}: {ProgramExec.Run(program, argv)}";

        ProtocolCallForwarder.Fail(verb, failure);
        return 1;
    }

    /// <summary>
    /// The full program: for a protocol call the native build when present; else the apphost when present, else
    /// <c>dotnet hostfactory.dll</c> on the host running this process (the front end run as <c>dotnet
    /// hostfactory-frontend.dll</c>), else on the <c>dotnet</c> found on PATH.
    /// </summary>
    private static (string Program, string[] Argv) CommandLine(string[] args, bool protocolCall)
    {
        var directory = AppContext.BaseDirectory;
        string[] candidates = protocolCall ? [NativeName, ApphostName] : [ApphostName];
        foreach (var name in candidates)
        {
            var program = Path.Combine(directory, name);
            if (File.Exists(program) && (File.GetUnixFileMode(program) & UnixFileMode.UserExecute) != 0)
            {
                return (program, [program, .. args]);
            }
        }

        var host = Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
        return (host, [host, Path.Combine(directory, "hostfactory.dll"), .. args]);
    }

    /// <summary>Puts <paramref name="bytes"/> on fd 0 as a memory file read from its start; null when done, else why not.</summary>
    private static string? ReplaceStandardInput(byte[] bytes)
    {
        // Close-on-exec: only the copy on fd 0 (dup2 clears the flag there) outlives the exec.
        var fd = MemfdCreate("hostfactory-input", MemfdCloexec);
        if (fd < 0)
        {
            return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }

        var written = 0;
        while (written < bytes.Length)
        {
            var count = Write(fd, bytes.AsSpan(written), (nuint)(bytes.Length - written));
            if (count < 0 && Marshal.GetLastPInvokeError() == EIntr)
            {
                continue;
            }

            if (count <= 0)
            {
                return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            }

            written += (int)count;
        }

        return LSeek(fd, 0, SeekSet) < 0 || Dup2(fd, 0) < 0
            ? Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())
            : null;
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);
}
