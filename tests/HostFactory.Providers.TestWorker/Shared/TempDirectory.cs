namespace HostFactory.Providers.Tests;

/// <summary>A directory under the system temp folder, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hf-providers-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover handle in a failed test must not hide the failure.
        }
    }
}

/// <summary>Paths of the repository and of the built artefacts next to the tests.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SamplePlugin => Path.Combine(AppContext.BaseDirectory, "plugins", "sample", "HostFactory.Providers.SamplePlugin.dll");

    public static string BuiltInProviders => Path.Combine(AppContext.BaseDirectory, "providers");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HostFactory.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (HostFactory.sln) was not found above the test output.");
    }
}
