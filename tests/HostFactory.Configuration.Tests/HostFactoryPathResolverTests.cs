using HostFactory.Providers.Testing;

namespace HostFactory.Configuration.Tests;

public sealed class HostFactoryPathResolverTests
{
    private static readonly string Fallback = Path.Combine(Path.GetTempPath(), "repo", "config");

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_WhenNothingIsSet_UsesTheFallbackConfigDirectoryAndWorkBesideIt()
    {
        var paths = HostFactoryPathResolver.Resolve(Env(), null, Fallback);

        paths.Source.Should().Be("default");
        paths.ConfigurationFile.Should().Be(Path.Combine(Fallback, "hostfactory.json"));
        paths.TemplatesFile.Should().Be(Path.Combine(Fallback, "templates.json"));
        paths.WorkDirectory.Should().Be(Path.Combine(Path.GetTempPath(), "repo", ".work"));
        paths.LogDirectory.Should().Be(Path.Combine(Path.GetTempPath(), "repo", ".work", "logs"));
    }

    [Fact]
    public void Resolve_WhenConfDirIsSet_ReadsHostFactoryJsonThere()
    {
        var paths = HostFactoryPathResolver.Resolve(Env(("HF_PROVIDER_CONFDIR", "/etc/hf/conf")), null, Fallback, _ => false);

        paths.Source.Should().Be("HF_PROVIDER_CONFDIR");
        paths.ConfigurationFile.Should().Be("/etc/hf/conf/hostfactory.json");
        paths.TemplatesFile.Should().Be("/etc/hf/conf/templates.json");
    }

    [Fact]
    public void Resolve_WhenTheInstanceNamedFileExists_UsesHostFactoryPluginFileNames()
    {
        var paths = HostFactoryPathResolver.Resolve(
            Env(("HF_PROVIDER_CONFDIR", "/etc/hf/conf"), ("HF_PROVIDER_NAME", "local")),
            null,
            Fallback,
            path => path == "/etc/hf/conf/localprov_config.json");

        paths.ConfigurationFile.Should().Be("/etc/hf/conf/localprov_config.json");
        paths.TemplatesFile.Should().Be("/etc/hf/conf/localprov_templates.json");
    }

    [Fact]
    public void Resolve_WhenAnExplicitFileIsGiven_ItWinsOverTheEnvironment()
    {
        var paths = HostFactoryPathResolver.Resolve(Env(("HF_PROVIDER_CONFDIR", "/etc/hf/conf")), "/opt/site/my.json", Fallback);

        paths.Source.Should().Be("--config");
        paths.ConfigurationFile.Should().Be("/opt/site/my.json");
        paths.ConfigurationDirectory.Should().Be("/opt/site");
        paths.TemplatesFile.Should().Be("/opt/site/templates.json");
    }

    [Fact]
    public void Resolve_WhenAnExplicitDirectoryIsGiven_ReadsHostFactoryJsonInIt()
    {
        using var directory = new TempDirectory();

        var paths = HostFactoryPathResolver.Resolve(Env(), directory.Path, Fallback);

        paths.ConfigurationFile.Should().Be(Path.Combine(directory.Path, "hostfactory.json"));
    }

    [Fact]
    public void Resolve_WhenWorkAndLogDirsAreSet_UsesThem()
    {
        var paths = HostFactoryPathResolver.Resolve(Env(("HF_PROVIDER_WORKDIR", "/var/hf/work"), ("HF_PROVIDER_LOGDIR", "/var/log/hf")), null, Fallback);

        paths.WorkDirectory.Should().Be("/var/hf/work");
        paths.LogDirectory.Should().Be("/var/log/hf");
    }

    [Fact]
    public void Resolve_WhenAVariableIsBlank_TreatsItAsUnset()
    {
        var paths = HostFactoryPathResolver.Resolve(Env(("HF_PROVIDER_CONFDIR", "  ")), null, Fallback);

        paths.Source.Should().Be("default");
    }

    [Fact]
    public void ConfigurationNotFoundMessage_WhenTheInstanceNamesAFileThatIsMissing_NamesBothFilesLookedForInOrder()
    {
        var environment = Env(("HF_PROVIDER_CONFDIR", "/etc/hf/conf"), ("HF_PROVIDER_NAME", "hfinst"));
        var paths = HostFactoryPathResolver.Resolve(environment, null, Fallback, _ => false);

        HostFactoryPathResolver.ConfigurationFilesLookedFor(paths, environment).Should().Equal("/etc/hf/conf/hfinstprov_config.json", "/etc/hf/conf/hostfactory.json");
        HostFactoryPathResolver.ConfigurationNotFoundMessage(paths, environment).Should().Be(
            "No HostFactory configuration file: looked for '/etc/hf/conf/hfinstprov_config.json', then '/etc/hf/conf/hostfactory.json' "
            + "(HF_PROVIDER_CONFDIR '/etc/hf/conf', HF_PROVIDER_NAME 'hfinst'); neither exists. Create one of them, or check HF_PROVIDER_CONFDIR and HF_PROVIDER_NAME.");
    }

    [Fact]
    public void ConfigurationNotFoundMessage_WhenNoInstanceIsNamed_NamesTheOneFile()
    {
        var environment = Env(("HF_PROVIDER_CONFDIR", "/etc/hf/conf"));
        var paths = HostFactoryPathResolver.Resolve(environment, null, Fallback, _ => false);

        HostFactoryPathResolver.ConfigurationFilesLookedFor(paths, environment).Should().Equal("/etc/hf/conf/hostfactory.json");
        HostFactoryPathResolver.ConfigurationNotFoundMessage(paths, environment).Should().Be(
            "The HostFactory configuration file '/etc/hf/conf/hostfactory.json' (found through HF_PROVIDER_CONFDIR) does not exist. Create it, or check HF_PROVIDER_CONFDIR.");
    }

    [Fact]
    public void ConfigurationNotFoundMessage_WhenGivenByConfigOrTheDefault_NamesTheFileAndTheRule()
    {
        var given = HostFactoryPathResolver.Resolve(Env(), "/opt/site/my.json", Fallback);
        var fallback = HostFactoryPathResolver.Resolve(Env(), null, Fallback);

        HostFactoryPathResolver.ConfigurationNotFoundMessage(given, Env()).Should().Be("The HostFactory configuration file '/opt/site/my.json' (given by --config) does not exist.");
        HostFactoryPathResolver.ConfigurationNotFoundMessage(fallback, Env()).Should().Be(
            $"The HostFactory configuration file '{Path.Combine(Fallback, "hostfactory.json")}' (the default) does not exist. Set HF_PROVIDER_CONFDIR or pass --config <file or directory>.");
    }

    [Fact]
    public void DefaultConfigDirectory_WhenTheBuildNamedTheRepositorysConfig_IsThatDirectory()
    {
        using var program = new TempDirectory();
        using var repository = new TempDirectory();
        var config = Path.Combine(repository.Path, "config");
        Directory.CreateDirectory(config);
        program.File(HostFactoryPathResolver.QuickStartFileName, config + "\n");

        HostFactoryPathResolver.DefaultConfigDirectory(program.Path).Should().Be(config);
        HostFactoryPathResolver.Resolve(Env(), null, HostFactoryPathResolver.DefaultConfigDirectory(program.Path)).WorkDirectory
            .Should().Be(Path.Combine(repository.Path, ".work"), "the quick start keeps its state at the repository root, not beside the program");
    }

    [Fact]
    public void DefaultConfigDirectory_WhenNoBuildNamedOneOrItIsGone_IsConfigBesideTheProgram()
    {
        using var program = new TempDirectory();

        HostFactoryPathResolver.DefaultConfigDirectory(program.Path).Should().Be(Path.Combine(program.Path, "config"));
        program.File(HostFactoryPathResolver.QuickStartFileName, Path.Combine(program.Path, "deleted-repository", "config"));
        HostFactoryPathResolver.DefaultConfigDirectory(program.Path).Should().Be(Path.Combine(program.Path, "config"));
    }
}
