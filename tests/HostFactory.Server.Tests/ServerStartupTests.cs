using System.Net.Http.Headers;
using HostFactory.Configuration;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.Options;

namespace HostFactory.Server.Tests;

/// <summary>The server as it really runs: Kestrel on a socket, and the rule about where it may listen.</summary>
public sealed class ServerStartupTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _configurationFile;

    public ServerStartupTests()
    {
        _configurationFile = _directory.File("config/hostfactory.json", """
            { "hostFactory": { "storage": { "dataDirectory": "data" }, "reconciler": { "interval": "00:00:05" }, "providers": [] } }
            """);
        _directory.File("config/templates.json", """{ "templates": [] }""");
    }

    [Fact]
    public async Task Server_WhenStartedOnLoopbackPortZero_AnswersRealHttpCalls()
    {
        await using var app = HostFactoryServer.Build([$"--config={_configurationFile}", "--urls=http://127.0.0.1:0", "--environment=Production", "--HF_SERVER_TOKEN="]);
        await app.StartAsync();
        try
        {
            var address = app.Urls.Should().ContainSingle().Subject;
            address.Should().StartWith("http://127.0.0.1:").And.NotEndWith(":0");
            using var client = new HttpClient { BaseAddress = new Uri(address) };

            var health = await (await client.GetAsync("/health")).ExpectAsync(200);
            var templates = await (await client.GetAsync("/api/v1/templates")).ExpectAsync(200);
            var refused = await (await client.PostJsonAsync("/api/v1/requests", """{ "templateId": "none", "machineCount": 1 }""")).ExpectProblemAsync(404);

            health.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString().Should().Be("healthy");
            templates.GetArrayLength().Should().Be(0);
            refused.GetProperty("detail").GetString().Should().Be("Template 'none' does not exist.");
            Directory.Exists(Path.Combine(_directory.Path, ".work", "data")).Should().BeTrue("the state lives in the work directory beside the configuration");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Server_WhenATokenIsConfigured_RequiresItOverTheSocket()
    {
        await using var app = HostFactoryServer.Build(
            [$"--config={_configurationFile}", "--urls=http://127.0.0.1:0", $"--hostFactory:server:bearerToken={ServerFactory.Token}", "--environment=Production"]);
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
            await (await client.GetAsync("/api/v1/templates")).ExpectProblemAsync(401);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServerFactory.Token);
            await (await client.GetAsync("/api/v1/templates")).ExpectAsync(200);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    public async Task Server_WhenBoundBeyondLoopbackWithoutAToken_RefusesToStart(string urls)
    {
        await using var app = HostFactoryServer.Build([$"--config={_configurationFile}", $"--urls={urls}", $"--{ServerOptions.TokenVariable}="]);

        var starting = () => app.StartAsync();

        var refused = await starting.Should().ThrowAsync<OptionsValidationException>();
        refused.Which.Message.Should().Contain("which is not a loopback address, without a bearer token")
            .And.Contain("hostFactory:server:bearerToken").And.Contain("HF_SERVER_TOKEN").And.Contain("The server did not start.");
        app.Urls.Should().BeEmpty("nothing was bound");
    }

    [Fact]
    public async Task Server_WhenTheTokenIsTooShort_RefusesToStart()
    {
        await using var app = HostFactoryServer.Build([$"--config={_configurationFile}", "--urls=http://0.0.0.0:0", "--HF_SERVER_TOKEN=short"]);

        var refused = await FluentActions.Awaiting(() => app.StartAsync()).Should().ThrowAsync<OptionsValidationException>();

        refused.Which.Message.Should().Contain("must be at least 16 characters");
    }

    [Fact]
    public void Build_WhenTheConfigurationFileIsMissing_FailsNamingIt()
    {
        var missing = Path.Combine(_directory.Path, "nowhere", "hostfactory.json");

        FluentActions.Invoking(() => HostFactoryServer.Build([$"--config={missing}"]))
            .Should().Throw<FileNotFoundException>().WithMessage($"The HostFactory configuration file '{missing}' (given by --config) does not exist.");
    }

    [Theory]
    [InlineData("http://0.0.0.0:0", "The server would listen on http://0.0.0.0:0, which is not a loopback address, without a bearer token.*The server did not start.")]
    [InlineData("http://127.0.0.1:notaport", "'http://127.0.0.1:notaport' is not an address the server can listen on: give http:// or https://, a host and a port number, e.g. http://127.0.0.1:5080 (--urls, ASPNETCORE_URLS or hostFactory:server:urls). The server did not start.")]
    [InlineData("http://127.0.0.1:0;http://0.0.0.0:99999", "'http://0.0.0.0:99999' is not an address the server can listen on: *")]
    [InlineData("http://127.0.0.1:0 --hostFactory:storage:dataDirectory=/proc/version", "The JSON store's data directory '/proc/version' cannot be used: it is a file, not a directory.")]
    [InlineData("http://127.0.0.1:0 --hostFactory:reconciler:interval=00:00:00", "hostFactory:reconciler:interval must be between 00:00:01 and 01:00:00, was 00:00:00.")]
    [InlineData("http://127.0.0.1:0 --hostFactory:reconciler:interval=abc", "Failed to convert configuration value 'abc' at 'hostFactory:reconciler:Interval' to type 'System.TimeSpan'.")]
    [InlineData("http://127.0.0.1:0 --hostFactory:reconciler:enabled=maybe", "Failed to convert configuration value 'maybe' at 'hostFactory:reconciler:Enabled' to type 'System.Boolean'.")]
    public async Task ServerProcess_WhenTheConfigurationIsRefused_EndsWithOneLineAndTheConfigurationExitCodeBeforeListening(string arguments, string reason)
    {
        var result = await ServerProcess.RunAsync([$"--config={_configurationFile}", .. $"--urls={arguments}".Split(' ')]);

        result.ExitCode.Should().Be(ServerStartup.ConfigurationError, result.ToString());
        result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Which.Should().Match($"hostfactory server: {reason}");
        result.StandardOutput.Should().NotContain("listening", "nothing listened").And.NotContain("Exception");
    }

    [Fact]
    public async Task ServerProcess_WhenNoConfigurationFileExists_NamesEveryFileLookedForInOrder()
    {
        var confDir = Path.Combine(_directory.Path, "instance");
        Directory.CreateDirectory(confDir);

        var result = await ServerProcess.RunAsync(["--urls=http://127.0.0.1:0"], new Dictionary<string, string?> { ["HF_PROVIDER_CONFDIR"] = confDir, ["HF_PROVIDER_NAME"] = "hfinst" });

        result.ExitCode.Should().Be(ServerStartup.ConfigurationError, result.ToString());
        result.StandardError.Trim().Should().Be(
            $"hostfactory server: No HostFactory configuration file: looked for '{Path.Combine(confDir, "hfinstprov_config.json")}', then '{Path.Combine(confDir, "hostfactory.json")}' "
            + $"(HF_PROVIDER_CONFDIR '{confDir}', HF_PROVIDER_NAME 'hfinst'); neither exists. Create one of them, or check HF_PROVIDER_CONFDIR and HF_PROVIDER_NAME.");
    }

    [Fact]
    public async Task ServerProcess_WhenTheConfigurationIsNotJson_NamesTheFileAndWhereItBreaks()
    {
        File.WriteAllText(_configurationFile, """{ "hostFactory": """);

        var result = await ServerProcess.RunAsync([$"--config={_configurationFile}", "--urls=http://127.0.0.1:0"]);

        result.ExitCode.Should().Be(ServerStartup.ConfigurationError, result.ToString());
        result.StandardError.Trim().Should().StartWith($"hostfactory server: Failed to load configuration from file '{_configurationFile}'.").And.Contain("LineNumber");
    }

    [Fact]
    public async Task ServerProcess_WhenASettingIsMisspelt_RefusesToStartNamingIt()
    {
        File.WriteAllText(_configurationFile, """{ "hostFactory": { "server": { "bearerTokn": "secret" } } }""");

        var result = await ServerProcess.RunAsync([$"--config={_configurationFile}", "--urls=http://127.0.0.1:0"]);

        result.ExitCode.Should().Be(ServerStartup.ConfigurationError, result.ToString());
        result.StandardError.Trim().Should().Be(
            "hostfactory server: hostFactory:server:bearerTokn is not a Host Factory setting (known under hostFactory:server: urls, bearerToken).");
    }

    [Fact]
    public void Settings_OfTheServerSection_AreEveryPropertyItsOptionsBind() =>
        HostFactoryConfiguration.Settings["server"].Should().BeEquivalentTo(typeof(ServerOptions)
            .GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(property => property.CanWrite)
            .Select(property => char.ToLowerInvariant(property.Name[0]) + property.Name[1..]));

    [Fact]
    public void Build_WhenTheServerIsBuiltInTheRepository_ItsDefaultStateIsTheRepositorysWorkDirectoryLikeTheClis()
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var repository = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var serverOutput = Path.Combine(repository, "src", "HostFactory.Server", "bin", output.Parent.Name, "net10.0");

        var paths = HostFactoryPathResolver.Resolve(static _ => null, null, HostFactoryPathResolver.DefaultConfigDirectory(serverOutput));

        File.Exists(Path.Combine(repository, "HostFactory.sln")).Should().BeTrue();
        paths.WorkDirectory.Should().Be(Path.Combine(repository, ".work"), "dotnet run of the server and of the CLI share the repository's .work/");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.1.2.3:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("https://[::1]:5443", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://10.0.0.5:5080", false)]
    [InlineData("http://hf.example.com:5080", false)]
    public void IsLoopback_WhenGivenAnAddress_TellsWhetherOnlyThisHostCanReachIt(string url, bool loopback) =>
        ServerOptions.IsLoopback(url).Should().Be(loopback);

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("https://[::1]:5443", true)]
    [InlineData("http://*:5080", true)]
    [InlineData("http://+:5080", true)]
    [InlineData("http://127.0.0.1:notaport", false)]
    [InlineData("http://127.0.0.1:65536", false)]
    [InlineData("ftp://127.0.0.1:21", false)]
    [InlineData("127.0.0.1:5080", false)]
    public void IsValid_WhenGivenAnAddress_TellsWhetherTheServerCanListenOnIt(string url, bool valid) =>
        ServerOptions.IsValid(url).Should().Be(valid);

    public void Dispose() => _directory.Dispose();
}
