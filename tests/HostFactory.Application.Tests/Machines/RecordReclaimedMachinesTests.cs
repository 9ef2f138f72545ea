using HostFactory.Application.Machines;
using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Machines;

public sealed class RecordReclaimedMachinesTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task RecordReclaimedMachines_WhenTheProviderTookAMachine_MarksItTerminatedAndFreesTheTemplate()
    {
        var (_, machines) = await _host.RunningMachinesAsync(2);
        _host.Provider.Lose(machines[0].HostName);
        var reported = await _host.QueryAsync(new GetReturnRequests());

        var result = await _host.ExecuteAsync(new RecordReclaimedMachines(
            reported.Machines.Select(m => new ReclaimedMachineReport(m.MachineId.Value, m.Reason)).ToArray()));

        result.Recorded.Should().Equal(machines[0].Id);
        var saved = await _host.Machines.GetAsync(machines[0].Id, default);
        saved!.Status.Should().Be(MachineStatus.Terminated);
        saved.Message.Should().Be("Provider 'fake' has reclaimed or lost the machine.");
        _host.DomainEvents<MachineStatusChanged>().Should().Contain(e => e.MachineId == machines[0].Id && e.To == MachineStatus.Terminated);
        (await _host.QueryAsync(new GetTemplate(TestTemplates.DefaultId)))!.ActiveMachines.Should().Be(1);
        (await _host.QueryAsync(new GetReturnRequests([new MachineReference(machines[0].HostName)]))).Machines
            .Should().ContainSingle().Which.GracePeriodSeconds.Should().Be(0, "Host Factory is still told to give the machine back");
    }

    [Fact]
    public async Task RecordReclaimedMachines_WhenAMachineIsReturningTerminatedOrUnknown_SkipsIt()
    {
        var (_, machines) = await _host.RunningMachinesAsync(2);
        _host.Provider.ScriptRelease(machines[0].HostName, ReleaseOutcome.Releasing);
        await _host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[0].HostName)]));
        await _host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[1].HostName)]));
        var unknown = MachineId.New();

        var result = await _host.ExecuteAsync(new RecordReclaimedMachines(
        [
            new ReclaimedMachineReport(machines[0].Id.Value, "gone"),
            new ReclaimedMachineReport(machines[1].Id.Value, "gone"),
            new ReclaimedMachineReport(unknown.Value, "gone"),
        ]));

        result.Recorded.Should().BeEmpty();
        result.Skipped.Should().Equal(machines[0].Id, machines[1].Id, unknown);
        (await _host.Machines.GetAsync(machines[0].Id, default))!.Status.Should().Be(MachineStatus.ShuttingDown, "its return records the outcome");
    }

    [Fact]
    public async Task RecordReclaimedMachines_WhenAReportIsMalformed_FailsValidation() =>
        await FluentActions.Awaiting(() => _host.ExecuteAsync(new RecordReclaimedMachines([new ReclaimedMachineReport("host-a", " ")])).AsTask())
            .Should().ThrowAsync<ValidationException>().Where(e => e.Errors.Count == 2);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
