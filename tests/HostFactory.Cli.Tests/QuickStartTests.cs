using HostFactory.Cli.Tests.Support;
using HostFactory.Configuration;

namespace HostFactory.Cli.Tests;

/// <summary>
/// The quick start (<c>dotnet run --project src/HostFactory.Cli</c> and <c>… src/HostFactory.Server</c>) keeps its state in
/// one <c>.work/</c> at the repository root, shared by both and never inside <c>bin/</c>.
/// </summary>
public sealed class QuickStartTests
{
    [Theory]
    [InlineData("HostFactory.Cli")]
    [InlineData("HostFactory.Server")]
    public void Build_WhenAProgramIsBuiltInTheRepository_ItsDefaultStateIsTheRepositorysWorkDirectory(string project)
    {
        var (repository, configuration) = Repository();
        var output = Path.Combine(repository, "src", project, "bin", configuration, "net10.0");
        if (project == "HostFactory.Server" && !Directory.Exists(output))
        {
            // This project does not build the server; the server's own tests check its output the same way.
            return;
        }

        var paths = HostFactoryPathResolver.Resolve(static _ => null, null, HostFactoryPathResolver.DefaultConfigDirectory(output));

        paths.ConfigurationFile.Should().Be(Path.Combine(repository, "config", "hostfactory.json"));
        paths.WorkDirectory.Should().Be(Path.Combine(repository, ".work"));
    }

    [Fact]
    public void Build_WhenAProjectReferencesTheCli_ItsCopyUsesTheConfigurationBesideIt()
    {
        File.Exists(Path.Combine(CliProcess.InstallationDirectory, HostFactoryPathResolver.QuickStartFileName)).Should().BeFalse();
        HostFactoryPathResolver.DefaultConfigDirectory(CliProcess.InstallationDirectory).Should().Be(Path.Combine(CliProcess.InstallationDirectory, "config"));
    }

    [Fact]
    public void GitIgnore_WhenRead_IgnoresTheWorkDirectoryAtTheRoot()
    {
        var (repository, _) = Repository();

        File.ReadAllLines(Path.Combine(repository, ".gitignore")).Should().Contain(".work/");
    }

    /// <summary>The repository root above this test's output, and the build configuration (Debug, Release) of that output.</summary>
    private static (string Repository, string Configuration) Repository()
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = output.Parent!.Name;
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HostFactory.sln")))
            {
                return (directory.FullName, configuration);
            }
        }

        throw new InvalidOperationException($"No repository root (HostFactory.sln) above {output.FullName}.");
    }
}
