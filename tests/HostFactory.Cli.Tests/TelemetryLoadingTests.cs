using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>
/// An unconfigured protocol call pays nothing for OpenTelemetry: the CLI process runs with a startup hook that lists
/// the assemblies it loaded, and no OpenTelemetry assembly is among them, though they sit beside hostfactory.dll.
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set (to a closed loopback port) the same call loads the OTLP exporter.
/// </summary>
public sealed class TelemetryLoadingTests : IAsyncLifetime
{
    private HostFactoryInstallation _installation = null!;

    public async Task InitializeAsync() => _installation = await HostFactoryInstallation.CreateAsync();

    public async Task DisposeAsync() => await _installation.DisposeAsync();

    [Fact]
    public async Task ProtocolCall_WhenNoOtelVariableIsSet_LoadsNoOpenTelemetryAssembly()
    {
        var loaded = await LoadedByACallAsync(endpoint: null);

        loaded.Should().Contain("hostfactory", "the hook saw the CLI's own assembly load");
        loaded.Should().NotContain(name => name.StartsWith("OpenTelemetry", StringComparison.Ordinal));
        File.Exists(Path.Combine(CliProcess.InstallationDirectory, "OpenTelemetry.Exporter.OpenTelemetryProtocol.dll")).Should().BeTrue("the exporter is there to be loaded");
    }

    [Fact]
    public async Task ProtocolCall_WhenAnOtlpEndpointIsSet_LoadsTheOtlpExporter()
    {
        // Port 9 (discard) on loopback: nothing listens, so the export at exit fails at once and the answer stands.
        var loaded = await LoadedByACallAsync(endpoint: "http://127.0.0.1:9");

        loaded.Should().Contain(["OpenTelemetry", "OpenTelemetry.Exporter.OpenTelemetryProtocol"]);
    }

    private async Task<string[]> LoadedByACallAsync(string? endpoint)
    {
        var environment = new Dictionary<string, string?>(_installation.Environment)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = null,
            ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = null,
        };

        var (result, loaded) = await LoadedAssemblies.RunAsync(_installation.Root, environment, e => CliProcess.RunAsync(e, "getAvailableTemplates"));

        result.ExitCode.Should().Be(0, result.ToString());
        Json.Parse(result.StandardOutput).GetProperty("templates").GetArrayLength().Should().BeGreaterThan(0);
        return loaded;
    }
}
