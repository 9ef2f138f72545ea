using HostFactory.Providers.Configuration;

using HostFactory.Providers.Testing;

namespace HostFactory.Providers.Tests;

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
}
