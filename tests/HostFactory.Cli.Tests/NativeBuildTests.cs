using System.Globalization;
using HostFactory.Cli.Tests.Support;
using HostFactory.Storage.Postgres.Testing;
using static HostFactory.Cli.Tests.Support.NativeCalls;

namespace HostFactory.Cli.Tests;

/// <summary>
/// hostfactory-native, the CLI compiled Native AOT with the built-in providers in it, published for real
/// (<see cref="NativeBuild"/>): it answers protocol calls as hostfactory does, byte for byte; the front end hands it
/// the calls no resident process serves, and the resident process it starts is itself; a configuration that names a
/// plugin assembly, and every other command line, it hands to hostfactory in its place.
/// </summary>
public sealed class NativeBuildTests(NativeBuild native) : IClassFixture<NativeBuild>
{
    private const string UnknownStatus = """{"requests": [{"requestId": "req-00000000-0000-4000-8000-000000000000"}]}""";

    [NativeBuildFact]
    public async Task ProtocolCalls_WhenTheNativeBuildAnswers_ShowWhatHostfactoryShows()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync();

        var templates = await BothShowTheSameAsync(native, hf, "getAvailableTemplates", "{}");
        Json.Parse(templates.StandardOutput).GetProperty("templates").GetArrayLength().Should().Be(2, "e2e-off is disabled");
        await BothShowTheSameAsync(native, hf, "getRequestStatus", UnknownStatus);
        await BothShowTheSameAsync(native, hf, "getRequestStatus", "{\"requests\": [}");
        await BothShowTheSameAsync(native, hf, "requestMachines", "{\"template\": {\"templateId\": \"no-such-template\", \"machineCount\": 1}}");
        await BothShowTheSameAsync(native, hf, "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 99999999999}}");

        // A whole cycle made by the native build, each state read back by both.
        var requested = await RunAsync(native.Native, hf, "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 2}}");
        requested.ExitCode.Should().Be(0, requested.ToString());
        var requestId = Json.Parse(requested.StandardOutput).GetProperty("requestId").GetString()!;
        var status = Status(requestId);
        await WaitUntilCompleteAsync(native, hf, status);
        var done = await BothShowTheSameAsync(native, hf, "getRequestStatus", status);
        var machines = Json.Parse(done.StandardOutput).GetProperty("requests")[0].GetProperty("machines");
        machines.GetArrayLength().Should().Be(2);
        hf.LiveMachineProcesses().Should().HaveCount(2, "the local-process provider compiled into the native build started them");

        var names = string.Join(", ", machines.EnumerateArray().Select(static m => $"{{\"name\": \"{m.GetProperty("name").GetString()}\"}}"));
        var returned = await RunAsync(native.Native, hf, "requestReturnMachines", $"{{\"machines\": [{names}]}}");
        returned.ExitCode.Should().Be(0, returned.ToString());
        var returnId = Json.Parse(returned.StandardOutput).GetProperty("requestId").GetString()!;
        var returnStatus = Status(returnId);
        await WaitUntilCompleteAsync(native, hf, returnStatus);
        await BothShowTheSameAsync(native, hf, "getReturnRequests", "{}");
        await BothShowTheSameAsync(native, hf, "getRequestStatus", returnStatus);
        hf.LiveMachineProcesses().Should().BeEmpty();

        var log = await File.ReadAllTextAsync(hf.LogFile);
        log.Should().Contain("hostfactory requestMachines answered").And.Contain("hostfactory requestReturnMachines answered");
    }

    [NativeBuildPostgresFact]
    public async Task ProtocolCycle_WhenTheStoreIsPostgres_IsMadeByTheNativeBuildAndReadBackAsByHostfactory()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var hf = await PostgresInstallations.CreateAsync(database);

        var requested = await RunAsync(native.Native, hf, "requestMachines", "{\"template\": {\"templateId\": \"e2e-small\", \"machineCount\": 1}}");
        requested.ExitCode.Should().Be(0, requested.ToString());
        var status = Status(Json.Parse(requested.StandardOutput).GetProperty("requestId").GetString()!);
        await WaitUntilCompleteAsync(native, hf, status);
        var done = await BothShowTheSameAsync(native, hf, "getRequestStatus", status);

        var name = Json.Parse(done.StandardOutput).GetProperty("requests")[0].GetProperty("machines")[0].GetProperty("name").GetString();
        var returned = await RunAsync(native.Native, hf, "requestReturnMachines", $"{{\"machines\": [{{\"name\": \"{name}\"}}]}}");
        returned.ExitCode.Should().Be(0, returned.ToString());
        await WaitUntilCompleteAsync(native, hf, Status(Json.Parse(returned.StandardOutput).GetProperty("requestId").GetString()!));
        await BothShowTheSameAsync(native, hf, "getReturnRequests", "{}");
        hf.LiveMachineProcesses().Should().BeEmpty();
        File.Exists(Path.Combine(hf.WorkDirectory, "data", "storage.json")).Should().BeFalse("the requests are in PostgreSQL, not in JSON files");
    }

    [NativeBuildFact]
    public async Task ProtocolCall_WhenNoResidentProcessServes_TheFrontEndHandsItToTheNativeBuild_WhichStartsItselfAsTheResidentProcessThatOperatorsSeeAndStop()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);

        var first = await RunAsync(native.FrontEnd, hf, "getAvailableTemplates", "{}");
        first.ExitCode.Should().Be(0, first.ToString());
        var resident = await hf.WaitForResidentAsync();
        Executable(resident).Should().Be(native.Native);

        var second = await RunAsync(native.FrontEnd, hf, "getRequestStatus", UnknownStatus);
        second.ExitCode.Should().Be(0, second.ToString());
        (await File.ReadAllTextAsync(hf.LogFile)).Should().Contain($"Resident process {resident.ToString(CultureInfo.InvariantCulture)} served getRequestStatus");

        // Operators see and stop it with hostfactory, as any other.
        var status = await CliProcess.StartAsync(native.Full, ["resident", "status", "--format", "json"], hf.Environment, standardInput: null);
        status.ExitCode.Should().Be(0, status.ToString());
        var seen = Json.Parse(status.StandardOutput)[0];
        seen.GetProperty("processId").GetInt32().Should().Be(resident);
        seen.GetProperty("state").GetString().Should().Be("current");
        seen.GetProperty("callsServed").GetInt32().Should().Be(1);
        var stop = await CliProcess.StartAsync(native.Full, ["resident", "stop", "--format", "json"], hf.Environment, standardInput: null);
        stop.ExitCode.Should().Be(0, stop.ToString());
        Json.Parse(stop.StandardOutput)[0].GetProperty("stopped").GetBoolean().Should().BeTrue();
        await Eventually.UntilAsync(() => hf.LiveResidentProcesses().Count == 0, "resident stop ends the native resident process");
    }

    [NativeBuildFact]
    public async Task ProtocolCall_WhenTheConfigurationNamesAPluginAssembly_IsHandedToHostfactory()
    {
        // The local-process provider named by its file, as a plugin is: only hostfactory loads assemblies.
        var plugin = Path.Combine(native.Directory, "providers", "HostFactory.Providers.LocalProcess.dll");
        await using var hf = await HostFactoryInstallation.CreateAsync(
            resident: true,
            extraProviders: $$"""{ "name": "byfile", "type": "local-process", "assembly": "{{plugin}}", "settings": { "ipAddress": "10.0.0.8" } }""");

        var answer = await RunAsync(native.Native, hf, "getAvailableTemplates", "{}");

        answer.ExitCode.Should().Be(0, answer.ToString());
        Json.Parse(answer.StandardOutput).GetProperty("templates").GetArrayLength().Should().Be(2, "e2e-off is disabled");
        var resident = await hf.WaitForResidentAsync();
        Executable(resident).Should().Be(native.Full, "hostfactory answered the call, and started the resident process as itself");
    }

    [NativeBuildTheory]
    [InlineData("templates", "list", "--format", "json")]
    [InlineData("getRequestStatus", "--help")]
    [InlineData("no-such-verb")]
    public async Task CommandLine_WhenNotAProtocolCall_IsHandedToHostfactory(params string[] arguments)
    {
        await using var hf = await HostFactoryInstallation.CreateAsync();

        var throughNative = await CliProcess.StartAsync(native.Native, arguments, hf.Environment, standardInput: null);
        var direct = await CliProcess.StartAsync(native.Full, arguments, hf.Environment, standardInput: null);

        ShouldShowTheSame(throughNative, direct);
    }

    [NativeBuildFact]
    public async Task CommandLine_WhenHostfactoryIsNotBesideIt_SaysItCannotRunIt()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync();
        var alone = Path.Combine(hf.Root, "alone");
        Directory.CreateDirectory(alone);
        File.Copy(native.Native, Path.Combine(alone, "hostfactory-native"));

        var result = await CliProcess.StartAsync(Path.Combine(alone, "hostfactory-native"), ["templates", "list"], hf.Environment, standardInput: null);

        result.ExitCode.Should().Be(1, result.ToString());
        result.StandardError.Should().Contain($"cannot run {Path.Combine(alone, "hostfactory")}: No such file or directory");
    }

    private static string Executable(int pid) => new FileInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/exe").LinkTarget!;
}

/// <summary>A fact that needs the native build and PostgreSQL: reported skipped, with the reason, without either.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NativeBuildPostgresFactAttribute : FactAttribute
{
    public NativeBuildPostgresFactAttribute() => Skip = NativeBuild.SkipReason ?? TestPostgres.SkipReason;
}
