using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>
/// A protocol call in the form Host Factory's scripts use (<c>VERB -f FILE</c>) is routed before any command tree is
/// built, so its process never loads the command-line parser, nor Spectre.Console (which only operator verbs on a
/// terminal use: see <see cref="TerminalOutputTests"/>); the process runs with the startup hook that lists the
/// assemblies it loaded (<see cref="LoadedAssemblies"/>), in its own process (<c>HOSTFACTORY_RESIDENT=0</c>: the
/// path that loads the most).
/// </summary>
public sealed class ProtocolCallLoadingTests : IAsyncLifetime
{
    private HostFactoryInstallation _installation = null!;

    public async Task InitializeAsync() => _installation = await HostFactoryInstallation.CreateAsync();

    public async Task DisposeAsync() => await _installation.DisposeAsync();

    [Fact]
    public async Task ScriptCall_WhenRunInItsOwnProcess_LoadsNeitherTheCommandLineParserNorSpectreConsole()
    {
        var loaded = await LoadedByAScriptCallAsync();

        loaded.Should().Contain("hostfactory", "the hook saw the CLI's own assembly load");
        loaded.Should().NotContain("System.CommandLine");
        loaded.Should().NotContain(name => name.StartsWith("Spectre.Console", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScriptCall_WhenTheJsonStoreIsConfigured_LoadsNeitherThePostgresStoreNorNpgsql()
    {
        // The quick-start configuration uses the JSON store; the PostgreSQL store is loaded only when configured.
        var loaded = await LoadedByAScriptCallAsync();

        loaded.Should().Contain("HostFactory.Storage.Json");
        loaded.Should().NotContain("HostFactory.Storage.Postgres");
        loaded.Should().NotContain(name => name.StartsWith("Npgsql", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatusCall_WhenRunInItsOwnProcess_BindsTheOptionsWithoutTheReflectionBinder()
    {
        // The application and storage options are bound by code the configuration binder's source generator wrote
        // (HostFactory.Hosting.csproj); binding by reflection converted each value with a TypeConverter. A status call
        // about an unknown request loads no provider, whose settings are bound by type at run time.
        var loaded = await LoadedByAStatusCallAsync();

        loaded.Should().Contain("HostFactory.Storage.Json");
        loaded.Should().NotContain("System.ComponentModel.TypeConverter");
    }

    [Fact]
    public async Task StatusCall_WhenRunInItsOwnProcess_LeavesTheContainerUncompiled()
    {
        // A status call resolves the query bus twice; the container's compiling engine would then compile its resolver
        // with Reflection.Emit on a thread-pool thread. A call in its own process switches that engine off.
        var loaded = await LoadedByAStatusCallAsync();

        loaded.Should().Contain("Microsoft.Extensions.DependencyInjection");
        loaded.Should().NotContain(name => name.StartsWith("System.Reflection.Emit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OperatorVerb_WhenRun_LoadsTheCommandLineParser()
    {
        // The other side of the test above: the hook does see System.CommandLine when a command tree is built.
        var (result, loaded) = await LoadedAssemblies.RunAsync(_installation.Root, _installation.Environment, e => CliProcess.RunAsync(e, "providers", "list", "--format", "json"));

        result.ExitCode.Should().Be(0, result.ToString());
        loaded.Should().Contain("System.CommandLine");
    }

    /// <summary>The assemblies a status call about an unknown request loads: it reads the store and loads no provider.</summary>
    private async Task<string[]> LoadedByAStatusCallAsync()
    {
        var (result, loaded) = await RunScriptCallAsync("getRequestStatus", """{"requests": [{"requestId": "req-00000000-0000-0000-0000-000000000000"}]}""");
        Json.Parse(result.StandardOutput).GetProperty("requests")[0].GetProperty("status").GetString().Should().Be("complete_with_error");
        return loaded;
    }

    private async Task<string[]> LoadedByAScriptCallAsync()
    {
        var (result, loaded) = await RunScriptCallAsync("getAvailableTemplates", "{}");
        Json.Parse(result.StandardOutput).GetProperty("templates").GetArrayLength().Should().BeGreaterThan(0);
        return loaded;
    }

    /// <summary>Runs <c>VERB -f FILE</c> under the listing hook; asserts it succeeded.</summary>
    private async Task<(CliResult Result, string[] Loaded)> RunScriptCallAsync(string verb, string input)
    {
        var file = Path.Combine(_installation.Root, $"{verb}-input.json");
        await File.WriteAllTextAsync(file, input);

        var (result, loaded) = await LoadedAssemblies.RunAsync(_installation.Root, _installation.Environment, e => CliProcess.RunAsync(e, verb, "-f", file));

        result.ExitCode.Should().Be(0, result.ToString());
        return (result, loaded);
    }
}
