namespace HostFactory.Providers.Tests;

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
