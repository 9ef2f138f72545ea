using System.Runtime.InteropServices;

namespace HostFactory.Cli.Resident;

/// <summary>
/// Creates one directory with one <c>mkdir(2)</c>, never its parents: unlike <see cref="Directory.CreateDirectory(string)"/>
/// it fails when the parent has gone, so a resident process starting as its work directory is deleted does not
/// bring that directory back. Linux only, like the resident process.
/// </summary>
internal static partial class SingleDirectory
{
    private const int ENoEnt = 2;
    private const int EExist = 17;

    /// <summary>Creates <paramref name="path"/> with <paramref name="mode"/>; false when its parent does not exist.</summary>
    /// <exception cref="IOException">mkdir failed for another reason (permissions, a file in the way…).</exception>
    public static bool TryCreate(string path, UnixFileMode mode)
    {
        if (MakeDirectory(path, (uint)mode) == 0)
        {
            return true;
        }

        return Marshal.GetLastPInvokeError() switch
        {
            EExist when Directory.Exists(path) => true,
            EExist => throw new IOException($"Cannot create the directory '{path}': a file of that name is in the way."),
            ENoEnt => false,
            var errno => throw new IOException($"Cannot create the directory '{path}': {Marshal.GetPInvokeErrorMessage(errno)}."),
        };
    }

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeDirectory(string path, uint mode);
}
