using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary><c>hostfactory scripts install DIR</c>: what Host Factory is pointed at.</summary>
public sealed class ScriptsInstallTests : IDisposable
{
    private static readonly string[] Operations = ["getAvailableTemplates", "requestMachines", "requestReturnMachines", "getRequestStatus", "getReturnRequests"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hf-scripts-{Guid.NewGuid():N}"[..23]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Install_WhenRun_WritesFiveExecutableOneLineWrappersOfThisInstallationsFrontEnd()
    {
        var scripts = Path.Combine(_root, "scripts");

        var result = await CliProcess.RunAsync(new Dictionary<string, string?>(), "scripts", "install", scripts, "--format", "json");

        result.ExitCode.Should().Be(0, result.ToString());
        var view = Json.Parse(result.StandardOutput);
        var launcher = view.GetProperty("launcher").GetString()!;
        launcher.Should().Be($"'{Path.Combine(CliProcess.InstallationDirectory, "hostfactory-frontend")}'", "the front end beside hostfactory.dll is what the scripts run");
        foreach (var operation in Operations)
        {
            var path = Path.Combine(scripts, $"{operation}.sh");
            File.GetUnixFileMode(path).Should().Be((UnixFileMode)0b111_101_101, "scripts are mode 755");
            var lines = (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0 && !l.StartsWith("# ", StringComparison.Ordinal)).ToList();
            lines.Should().Equal("#!/bin/sh", $"exec {launcher} {operation} \"$@\"");
        }
    }

    [Fact]
    public async Task Install_WhenRun_WritesExampleHostFactoryRegistryEntries()
    {
        var scripts = Path.Combine(_root, "scripts");

        var result = await CliProcess.RunAsync(new Dictionary<string, string?>(), "scripts", "install", scripts, "--name", "mycloud");

        result.ExitCode.Should().Be(0, result.ToString());
        var plugins = Json.Parse(await File.ReadAllTextAsync(Path.Combine(scripts, "hostProviderPlugins.json")));
        var plugin = plugins.GetProperty("providerplugins").EnumerateArray().Should().ContainSingle().Subject;
        plugin.GetProperty("name").GetString().Should().Be("mycloud");
        plugin.GetProperty("enabled").GetInt32().Should().Be(1);
        plugin.GetProperty("scriptPath").GetString().Should().Be(scripts + "/");
        var providers = Json.Parse(await File.ReadAllTextAsync(Path.Combine(scripts, "hostProviders.json")));
        var provider = providers.GetProperty("providers").EnumerateArray().Should().ContainSingle().Subject;
        provider.GetProperty("name").GetString().Should().Be("mycloudinst");
        provider.GetProperty("plugin").GetString().Should().Be("mycloud");
        provider.GetProperty("confPath").GetString().Should().Be("${HF_CONFDIR}/providers/mycloudinst/");
        provider.GetProperty("workPath").GetString().Should().Be("${HF_WORKDIR}/providers/mycloudinst/");
        provider.GetProperty("logPath").GetString().Should().Be("${HF_LOGDIR}/");
    }

    [Fact]
    public async Task Install_WhenAConfDirIsGiven_WritesTheInstanceConfigurationAHostFactoryCallThenUses()
    {
        var scripts = Path.Combine(_root, "scripts");
        var conf = Path.Combine(_root, "conf");

        var install = await CliProcess.RunAsync(new Dictionary<string, string?>(), "scripts", "install", scripts, "--name", "demo", "--conf-dir", conf);
        var templates = await CliProcess.StartAsync(Path.Combine(scripts, "getAvailableTemplates.sh"), [], new Dictionary<string, string?>
        {
            ["HF_PROVIDER_NAME"] = "demoinst",
            ["HF_PROVIDER_CONFDIR"] = conf,
            ["HF_PROVIDER_WORKDIR"] = Path.Combine(_root, "work"),
            ["HF_PROVIDER_LOGDIR"] = Path.Combine(_root, "logs"),
        }, "{}"u8.ToArray());

        install.ExitCode.Should().Be(0, install.ToString());
        File.Exists(Path.Combine(conf, "demoinstprov_config.json")).Should().BeTrue();
        File.Exists(Path.Combine(conf, "demoinstprov_templates.json")).Should().BeTrue();
        File.Exists(Path.Combine(conf, "examples", "agent.sh")).Should().BeTrue();
        Json.Parse(await File.ReadAllTextAsync(Path.Combine(scripts, "hostProviders.json"))).GetProperty("providers")[0]
            .GetProperty("confPath").GetString().Should().Be(conf + "/");
        templates.ExitCode.Should().Be(0, templates.ToString());
        ProtocolShape.Templates(Json.Parse(templates.StandardOutput)).Should().BeEmpty();
        File.Exists(Path.Combine(_root, "logs", "hostfactory.log")).Should().BeTrue();
    }

    [Fact]
    public async Task Install_WhenTheConfDirIsUnderHostFactorysConfDir_WritesEveryPathOfTheInstanceWithHostFactorysVariables()
    {
        var scripts = Path.Combine(_root, "scripts");
        var hfConfDir = Path.Combine(_root, "hf-conf");

        var install = await CliProcess.RunAsync(new Dictionary<string, string?> { ["HF_CONFDIR"] = hfConfDir },
            "scripts", "install", scripts, "--name", "hostfactory", "--conf-dir", Path.Combine(hfConfDir, "providers", "hostfactoryinst"));

        install.ExitCode.Should().Be(0, install.ToString());
        var provider = Json.Parse(await File.ReadAllTextAsync(Path.Combine(scripts, "hostProviders.json"))).GetProperty("providers")[0];
        (provider.GetProperty("confPath").GetString(), provider.GetProperty("workPath").GetString(), provider.GetProperty("logPath").GetString())
            .Should().Be(("${HF_CONFDIR}/providers/hostfactoryinst/", "${HF_WORKDIR}/providers/hostfactoryinst/", "${HF_LOGDIR}/"));
    }

    [Fact]
    public async Task Install_WhenTheNameIsNotAName_IsRefused()
    {
        var result = await CliProcess.RunAsync(new Dictionary<string, string?>(), "scripts", "install", Path.Combine(_root, "s"), "--name", "../x");

        result.ExitCode.Should().Be(2, result.ToString());
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("--name");
    }
}
