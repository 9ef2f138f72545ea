using System.Globalization;
using System.Text;
using HostFactory.Common;
using HostFactory.Configuration;

namespace HostFactory.Cli.Resident;

/// <summary>
/// Where the resident process for one installation and configuration listens: a Unix socket in
/// <c>WORKDIR/resident/</c> named by a hash of everything that decides what a call does — this installation
/// (<c>hostfactory.dll</c>'s path, size and modification time; run by its apphost or by <c>dotnet</c> alike), the resolved paths, and the name, size and modification time of every file in the configuration
/// directory. An upgrade or a configuration change therefore leads calls to a new resident process; the old one ends
/// when it has been idle long enough.
/// </summary>
/// <param name="Directory">The directory of the sockets (created mode 0700 by the resident process).</param>
/// <param name="SocketPath">The socket; it exists only while something listens on it (or stale, after a kill).</param>
/// <param name="BindPath">
/// Where the resident process binds its socket before it listens, to rename it to <paramref name="SocketPath"/> once it
/// does: binding creates the file, and a client that finds it before <c>listen</c> would be refused. As long as
/// <paramref name="SocketPath"/>, so it fits <c>sun_path</c> whenever that does.
/// </param>
/// <param name="LockPath">The lock the resident process holds while it lives.</param>
/// <param name="ProcessIdPath">The resident process's id, while it lives (for operators and <c>kill</c>).</param>
internal sealed record ResidentEndpoint(string Directory, string SocketPath, string BindPath, string LockPath, string ProcessIdPath)
{
    /// <summary>Set to <c>0</c>, <c>off</c> or <c>false</c> to run every call in its own process.</summary>
    public const string SwitchVariable = "HOSTFACTORY_RESIDENT";

    /// <summary>The endpoint's folder inside the work directory.</summary>
    public const string DirectoryName = "resident";

    /// <summary>
    /// The endpoint for <paramref name="paths"/>, or null where calls are not served by a resident process: off by
    /// <see cref="SwitchVariable"/>, not on Linux, no log directory from Host Factory (a resident process has no
    /// stderr to log to), or a socket path too long for <c>sun_path</c>.
    /// </summary>
    public static ResidentEndpoint? For(HostFactoryPaths paths, Func<string, string?> environment)
    {
        if (!OperatingSystem.IsLinux()
            || environment(SwitchVariable)?.Trim().ToLowerInvariant() is "0" or "off" or "false"
            || string.IsNullOrWhiteSpace(environment("HF_PROVIDER_LOGDIR")))
        {
            return null;
        }

        var directory = Path.Combine(paths.WorkDirectory, DirectoryName);
        var name = FingerprintOf(paths);
        var socket = Path.Combine(directory, name + ".sock");
        return Encoding.UTF8.GetByteCount(socket) > UnixSocket.MaxPathBytes
            ? null
            : new ResidentEndpoint(directory, socket, Path.Combine(directory, name + ".bind"), Path.Combine(directory, name + ".lock"), Path.Combine(directory, name + ".pid"));
    }

    /// <summary>
    /// The key of <paramref name="paths"/> as the files are now, eight hex digits: the name of the endpoint that serves
    /// them, and the configuration fingerprint a resident process reports of itself.
    /// </summary>
    public static string FingerprintOf(HostFactoryPaths paths) => Key(paths).ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>The endpoint's fingerprint (<see cref="FingerprintOf"/> when it was made), from its socket's name.</summary>
    public string Fingerprint => Path.GetFileNameWithoutExtension(SocketPath);

    /// <summary>A file's size and modification time, or <c>missing</c>: what tells that it changed.</summary>
    public static string Stamp(FileInfo file) =>
        file.Exists
            ? string.Create(CultureInfo.InvariantCulture, $"{file.Length}:{file.LastWriteTimeUtc.Ticks}")
            : "missing";

    private static uint Key(HostFactoryPaths paths)
    {
        var key = new StableHash();

        // A separator after each part, so ("ab", "c") and ("a", "bc") differ.
        void Add(string part)
        {
            key.Add(part);
            key.Add('\uFFFF');
        }

        var program = Path.Combine(AppContext.BaseDirectory, "hostfactory.dll");
        Add(program);
        Add(Stamp(new FileInfo(program)));
        Add(paths.ConfigurationDirectory);
        Add(paths.ConfigurationFile);
        Add(paths.TemplatesFile);
        Add(paths.WorkDirectory);
        Add(paths.LogDirectory);
        var configuration = new DirectoryInfo(paths.ConfigurationDirectory);
        if (configuration.Exists)
        {
            var files = configuration.GetFiles();
            Array.Sort(files, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var file in files)
            {
                Add(file.Name);
                Add(Stamp(file));
            }
        }

        return key.Value;
    }
}
