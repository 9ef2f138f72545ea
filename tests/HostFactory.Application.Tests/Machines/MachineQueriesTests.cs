using HostFactory.Application.Machines;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Machines;

public sealed class MachineQueriesTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task ListMachines_WhenFiltered_ReturnsTheMatchingPage()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition("other"));
        var (first, machines) = await _host.RunningMachinesAsync(3);
        await _host.RunningMachinesAsync(1, "other");
        var returned = await _host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[0].HostName)]));

        var ofRequest = await _host.QueryAsync(new ListMachines(RequestId: first.Value));
        var ofReturn = await _host.QueryAsync(new ListMachines(RequestId: returned.RequestId.Value));
        var terminated = await _host.QueryAsync(new ListMachines(Status: MachineStatus.Terminated));
        var page = await _host.QueryAsync(new ListMachines(TemplateId: TestTemplates.DefaultId, Offset: 2, Limit: 2));

        ofRequest.Total.Should().Be(3);
        ofReturn.Items.Should().ContainSingle().Which.Id.Should().Be(machines[0].Id);
        terminated.Items.Should().ContainSingle().Which.Id.Should().Be(machines[0].Id);
        page.Items.Should().ContainSingle().Which.Id.Should().Be(machines[2].Id);
    }

    [Fact]
    public async Task ListMachines_WhenFiltersAreMalformed_FailsValidation() =>
        await FluentActions.Awaiting(() => _host.QueryAsync(new ListMachines(RequestId: "m-1", TemplateId: "a b", Limit: 0)).AsTask())
            .Should().ThrowAsync<ValidationException>().Where(e => e.Errors.Count == 3);

    [Fact]
    public async Task GetMachine_WhenKnown_ReturnsIt()
    {
        var (_, machines) = await _host.RunningMachinesAsync(1);

        var found = await _host.QueryAsync(new GetMachine(machines[0].Id.Value));

        found.Should().Be(machines[0]);
    }

    [Fact]
    public async Task GetMachine_WhenUnknownOrMalformed_ReturnsNullOrFailsValidation()
    {
        (await _host.QueryAsync(new GetMachine(MachineId.New().Value))).Should().BeNull();
        await FluentActions.Awaiting(() => _host.QueryAsync(new GetMachine("fake-0001")).AsTask()).Should().ThrowAsync<ValidationException>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
