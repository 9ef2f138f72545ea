using System.Text.Json;
using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>
/// A whole Host Factory cycle through the installed scripts, as Host Factory runs them: templates, request, status
/// until complete, return by name, status until complete, getReturnRequests. Every answer is also checked against
/// the protocol document.
/// </summary>
public class ProtocolCycleTests : IAsyncLifetime
{
    private HostFactoryInstallation _hf = null!;

    /// <summary>True to let a resident process serve the calls (see <c>ResidentProcessTests</c>).</summary>
    protected virtual bool Resident => false;

    public async Task InitializeAsync() => _hf = await HostFactoryInstallation.CreateAsync(resident: Resident);

    public async Task DisposeAsync() => await _hf.DisposeAsync();

    [Fact]
    public async Task Scripts_WhenRunThroughAWholeCycle_AnswerEveryStepToTheLetterAndLeaveNoMachineRunning()
    {
        // Templates: the enabled ones, with their numbers.
        var templates = await _hf.AnswerAsync("getAvailableTemplates", "{}");
        ProtocolShape.Templates(templates).Should().BeEmpty();
        var ids = templates.GetProperty("templates").EnumerateArray().Select(t => t.GetProperty("templateId").GetString()).ToList();
        ids.Should().BeEquivalentTo(["e2e-vm", "e2e-small"], "the disabled template is not offered");
        var vm = Template(templates, "e2e-vm");
        vm.GetProperty("maxNumber").GetInt32().Should().Be(8);
        vm.GetProperty("availableNumber").GetInt32().Should().Be(8);
        vm.GetProperty("attributes").GetProperty("nram").EnumerateArray().Select(e => e.GetString()).Should().Equal("Numeric", "2048");
        vm.GetProperty("priceType").GetString().Should().Be("ondemand", "provider-specific template fields are printed as extra fields");

        // Request two machines.
        var accepted = await _hf.AnswerAsync("requestMachines", """{"template": {"templateId": "e2e-vm", "machineCount": 2}}""");
        ProtocolShape.RequestAccepted(accepted, "req-").Should().BeEmpty();
        var acquireId = accepted.GetProperty("requestId").GetString()!;

        // Status until complete: both machines running and usable.
        var acquired = await _hf.WaitForRequestAsync(acquireId);
        acquired.GetProperty("status").GetString().Should().Be("complete", acquired.ToString());
        var machines = acquired.GetProperty("machines").EnumerateArray().ToList();
        machines.Should().HaveCount(2);
        machines.Should().OnlyContain(m => m.GetProperty("result").GetString() == "succeed" && m.GetProperty("status").GetString() == "running");
        machines.Should().OnlyContain(m => m.GetProperty("privateIpAddress").GetString() == "10.0.0.7");
        machines.Should().OnlyContain(m => Math.Abs(m.GetProperty("launchtime").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) < 120);
        machines.Should().OnlyContain(m => m.GetProperty("instanceType").GetString() == "local-process" && m.GetProperty("cloudHostId").GetString()!.Length > 0);
        _hf.LiveMachineProcesses().Should().HaveCount(2);

        // The single-object form of "requests" gets the same answer.
        var single = await _hf.AnswerAsync("getRequestStatus", $$$"""{"requests": {"requestId": "{{{acquireId}}}"}}""");
        ProtocolShape.RequestStatus(single).Should().BeEmpty();
        single.GetProperty("requests")[0].GetProperty("machines").GetArrayLength().Should().Be(2);

        (await _hf.AnswerAsync("getAvailableTemplates", "{}")).Let(t => Template(t, "e2e-vm").GetProperty("availableNumber").GetInt32()).Should().Be(6);

        // Return them by name alone, as Host Factory often does.
        var names = machines.Select(m => m.GetProperty("name").GetString()!).ToList();
        var returned = await _hf.AnswerAsync("requestReturnMachines", $$"""{"machines": [{"name": "{{names[0]}}"}, {"name": "{{names[1]}}"}]}""");
        ProtocolShape.RequestAccepted(returned, "ret-").Should().BeEmpty();
        var returnId = returned.GetProperty("requestId").GetString()!;

        // Return status: terminated = succeed.
        var released = await _hf.WaitForRequestAsync(returnId);
        released.GetProperty("status").GetString().Should().Be("complete", released.ToString());
        released.GetProperty("machines").EnumerateArray().Should().HaveCount(2)
            .And.OnlyContain(m => m.GetProperty("result").GetString() == "succeed" && m.GetProperty("status").GetString() == "terminated");
        _hf.LiveMachineProcesses().Should().BeEmpty("a return request that completes has released its machines");

        // Asking for both and an unknown id at once: one answer each, in order; the unknown one is an entry, not a crash.
        var unknown = "req-00000000-0000-4000-8000-000000000000";
        var all = await _hf.AnswerAsync("getRequestStatus",
            $$"""{"requests": [{"requestId": "{{acquireId}}"}, {"requestId": "{{returnId}}"}, {"requestId": "{{unknown}}"}]}""");
        ProtocolShape.RequestStatus(all).Should().BeEmpty();
        var entries = all.GetProperty("requests").EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("requestId").GetString()).Should().Equal(acquireId, returnId, unknown);
        entries[2].GetProperty("status").GetString().Should().Be("complete_with_error");
        entries[2].GetProperty("message").GetString().Should().Contain(unknown);

        // Machines Host Factory returned are not reported as taken back by the provider.
        var reclaimed = await _hf.AnswerAsync("getReturnRequests", $$"""{"machines": [{"name": "{{names[0]}}"}, {"name": "{{names[1]}}"}]}""");
        ProtocolShape.ReturnRequests(reclaimed).Should().BeEmpty();
        reclaimed.GetProperty("requests").GetArrayLength().Should().Be(0);
        (await _hf.AnswerAsync("getAvailableTemplates", "{}")).Let(t => Template(t, "e2e-vm").GetProperty("availableNumber").GetInt32()).Should().Be(8);
    }

    [Fact]
    public async Task RequestReturnMachines_WhenTheMachineIsAlreadyGone_StillYieldsAReturnRequest()
    {
        var accepted = await _hf.AnswerAsync("requestMachines", """{"template": {"templateId": "e2e-small", "machineCount": 1}}""");
        var machine = (await _hf.WaitForRequestAsync(accepted.GetProperty("requestId").GetString()!)).GetProperty("machines")[0];
        var name = machine.GetProperty("name").GetString()!;
        var machineId = machine.GetProperty("machineId").GetString()!;
        var first = await _hf.AnswerAsync("requestReturnMachines", $$"""{"machines": [{"name": "{{name}}", "machineId": "{{machineId}}"}]}""");
        await _hf.WaitForRequestAsync(first.GetProperty("requestId").GetString()!);

        var again = await _hf.AnswerAsync("requestReturnMachines", $$"""{"machines": [{"name": "{{name}}"}, {"name": "never-heard-of"}]}""");

        ProtocolShape.RequestAccepted(again, "ret-").Should().BeEmpty();
        again.GetProperty("message").GetString().Should().Contain("No active machine.").And.Contain("never-heard-of");
        var status = await _hf.WaitForRequestAsync(again.GetProperty("requestId").GetString()!);
        status.GetProperty("status").GetString().Should().Be("complete");
    }

    [Fact]
    public async Task GetReturnRequests_WhenAMachineDiedOutsideHostFactory_ReportsItWithNoGracePeriod()
    {
        var accepted = await _hf.AnswerAsync("requestMachines", """{"template": {"templateId": "e2e-vm", "machineCount": 1}}""");
        var name = (await _hf.WaitForRequestAsync(accepted.GetProperty("requestId").GetString()!)).GetProperty("machines")[0].GetProperty("name").GetString()!;
        foreach (var pid in _hf.LiveMachineProcesses())
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync();
        }

        var answer = await _hf.AnswerAsync("getReturnRequests", $$"""{"machines": [{"name": "{{name}}"}]}""");

        ProtocolShape.ReturnRequests(answer).Should().BeEmpty();
        answer.GetProperty("status").GetString().Should().Be("complete");
        answer.GetProperty("message").GetString().Should().Be("Machines marked for return retrieved successfully.");
        var entry = answer.GetProperty("requests").EnumerateArray().Should().ContainSingle().Subject;
        entry.GetProperty("machine").GetString().Should().Be(name);
        entry.GetProperty("gracePeriod").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task Scripts_WhenInputComesOnStdinOrDash_AnswerAsWithAFile()
    {
        var input = "{}"u8.ToArray();

        var fromStdin = await CliProcess.StartAsync(Path.Combine(_hf.ScriptsDirectory, "getAvailableTemplates.sh"), [], _hf.Environment, input);
        var fromDash = await CliProcess.StartAsync(Path.Combine(_hf.ScriptsDirectory, "getAvailableTemplates.sh"), ["-f", "-"], _hf.Environment, input);

        fromStdin.ExitCode.Should().Be(0, fromStdin.ToString());
        fromDash.ExitCode.Should().Be(0, fromDash.ToString());
        ProtocolShape.Templates(Json.Parse(fromStdin.StandardOutput)).Should().BeEmpty();
        fromDash.StandardOutput.Should().Be(fromStdin.StandardOutput);
    }

    [Fact]
    public async Task Verbs_WhenTheyAnswer_WriteNothingButTheAnswerOnStdoutAndLogToTheLogDirectory()
    {
        var result = await _hf.RunScriptAsync("getAvailableTemplates", "{}");

        result.ExitCode.Should().Be(0);
        result.StandardError.Should().BeEmpty("logs go to HF_PROVIDER_LOGDIR, not to the streams Host Factory reads");
        Json.Parse(result.StandardOutput).ValueKind.Should().Be(JsonValueKind.Object);
        File.ReadAllText(_hf.LogFile).Should().Contain("getAvailableTemplates answered in");
    }

    private static JsonElement Template(JsonElement answer, string id) =>
        answer.GetProperty("templates").EnumerateArray().Single(t => t.GetProperty("templateId").GetString() == id);
}

internal static class FunctionalExtensions
{
    public static TResult Let<T, TResult>(this T value, Func<T, TResult> map) => map(value);
}

/// <summary>The same cycle with the calls served by a resident process once the first call has started it.</summary>
public sealed class ProtocolCycleThroughResidentTests : ProtocolCycleTests
{
    protected override bool Resident => true;
}
