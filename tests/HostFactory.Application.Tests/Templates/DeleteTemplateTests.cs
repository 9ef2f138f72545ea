using HostFactory.Application.Common;
using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Templates;

public sealed class DeleteTemplateTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task DeleteTemplate_WhenNoMachineUsesIt_DeletesItAndPublishesTemplateDeleted()
    {
        var created = await _host.CreateTemplateAsync();

        await _host.ExecuteAsync(new DeleteTemplate(created.Id.Value));

        (await _host.Templates.GetAsync(created.Id, default)).Should().BeNull();
        _host.DomainEvents<TemplateDeleted>().Should().ContainSingle().Which.TemplateId.Should().Be(created.Id);
    }

    [Fact]
    public async Task DeleteTemplate_WhenActiveMachinesUseIt_ThrowsTemplateInUseAndKeepsIt()
    {
        await _host.RunningMachinesAsync(2);

        var thrown = await FluentActions.Awaiting(() => _host.ExecuteAsync(new DeleteTemplate(TestTemplates.DefaultId)).AsTask())
            .Should().ThrowAsync<TemplateInUseException>();

        thrown.Which.ActiveMachines.Should().Be(2);
        thrown.Which.Message.Should().Be($"Template '{TestTemplates.DefaultId}' cannot be deleted: 2 active machine(s) still use it. Return them first.");
        (await _host.Templates.GetAsync(new TemplateId(TestTemplates.DefaultId), default)).Should().NotBeNull();
    }

    [Fact]
    public async Task DeleteTemplate_WhenItsMachinesWereReturned_DeletesIt()
    {
        var (_, machines) = await _host.RunningMachinesAsync(1);
        await _host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[0].HostName)]));

        await _host.ExecuteAsync(new DeleteTemplate(TestTemplates.DefaultId));

        (await _host.Templates.GetAsync(new TemplateId(TestTemplates.DefaultId), default)).Should().BeNull();
    }

    [Fact]
    public async Task DeleteTemplate_WhenUnknown_ThrowsTemplateNotFound() =>
        await FluentActions.Awaiting(() => _host.ExecuteAsync(new DeleteTemplate("missing")).AsTask()).Should().ThrowAsync<TemplateNotFoundException>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
