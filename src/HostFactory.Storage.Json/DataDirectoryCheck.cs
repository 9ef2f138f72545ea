using System.Runtime.InteropServices;

namespace HostFactory.Storage.Json;

/// <summary>
/// Tells, without changing anything, whether the store could use a data directory: it must be a directory this process
/// may write in, or one it could create (its nearest existing ancestor a directory it may write in). The options
/// validator runs it, so an unusable directory is a configuration refusal at start-up instead of a failure of the
/// first call that touches the store.
/// </summary>
internal static partial class DataDirectoryCheck
{
    /// <summary>Why <paramref name="path"/> (a full path) cannot be the data directory, or null when it can.</summary>
    public static string? Problem(string path)
    {
        if (File.Exists(path))
        {
            return "it is a file, not a directory";
        }

        if (Directory.Exists(path))
        {
            return CanWriteIn(path) ? null : "this user may not write in it";
        }

        for (var ancestor = Path.GetDirectoryName(path); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            if (File.Exists(ancestor))
            {
                return $"it does not exist and cannot be created: '{ancestor}' is a file, not a directory";
            }

            if (Directory.Exists(ancestor))
            {
                return CanWriteIn(ancestor) ? null : $"it does not exist and cannot be created: this user may not write in '{ancestor}'";
            }
        }

        return null;
    }

    // access(2) answers for this process's user and groups (and a read-only file system), which the permission bits alone do not.
    private static bool CanWriteIn(string directory) => Libc.Access(directory, Libc.WriteAndSearch) == 0;

    private static partial class Libc
    {
        // W_OK | X_OK: create files in it, and reach them.
        public const int WriteAndSearch = 2 | 1;

        [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Access(string path, int mode);
    }
}
