using HostFactory.Application.Templates;
using HostFactory.Cqrs;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Templates;

public sealed class ListTemplatesTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task ListTemplates_WhenMachinesAreActive_CountsThemAgainstMaxNumber()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition("limited", maxNumber: 5));
        await _host.CreateTemplateAsync(TestTemplates.Definition("unlimited", maxNumber: -1));
        await _host.RunningMachinesAsync(2, "limited");
        await _host.RunningMachinesAsync(1, "unlimited");

        var listed = await _host.QueryAsync(new ListTemplates());

        listed.Select(t => (t.Template.Id.Value, t.ActiveMachines, t.AvailableNumber)).Should().Equal(("limited", 2, 3), ("unlimited", 1, (int?)null));
    }

    [Fact]
    public async Task ListTemplates_WhileARequestIsBeingMade_CountsWhatItAskedForAgainstMaxNumber()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition("limited", maxNumber: 5));
        await _host.CreateTemplateAsync(TestTemplates.Definition("other", maxNumber: 5));
        await _host.RunningMachinesAsync(1, "limited");
        IReadOnlyList<TemplateSummary>? listed = null;
        TemplateSummary? one = null;
        _host.Provider.BeforeProvision = async (_, _) =>
        {
            listed = await _host.QueryAsync(new ListTemplates());
            one = await _host.QueryAsync(new GetTemplate("limited"));
        };

        await _host.RequestAsync(3, "limited");

        // While the provider works, the three asked for are spoken for; once made, they are active machines instead.
        listed!.Select(t => (t.Template.Id.Value, t.ActiveMachines, t.PendingMachines, t.AvailableNumber))
            .Should().Equal(("limited", 1, 3, 1), ("other", 0, 0, 5));
        one.Should().BeEquivalentTo(new { ActiveMachines = 1, PendingMachines = 3, AvailableNumber = 1 });
        (await _host.QueryAsync(new GetTemplate("limited"))).Should().BeEquivalentTo(new { ActiveMachines = 4, PendingMachines = 0, AvailableNumber = 1 });
    }

    [Fact]
    public async Task ListTemplates_WhenEnabledOnly_LeavesDisabledOut()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition("on"));
        await _host.CreateTemplateAsync(TestTemplates.Definition("off", enabled: false));

        var all = await _host.QueryAsync(new ListTemplates());
        var enabled = await _host.QueryAsync(new ListTemplates(EnabledOnly: true));

        all.Should().HaveCount(2);
        enabled.Should().ContainSingle().Which.Template.Id.Value.Should().Be("on");
    }

    [Fact]
    public async Task GetTemplate_WhenKnown_ReturnsItWithItsNumbers()
    {
        await _host.RunningMachinesAsync(1);

        var found = await _host.QueryAsync(new GetTemplate(TestTemplates.DefaultId));

        found.Should().NotBeNull();
        found!.ActiveMachines.Should().Be(1);
        found.AvailableNumber.Should().Be(9);
    }

    [Fact]
    public async Task GetTemplate_WhenUnknown_ReturnsNull() =>
        (await _host.QueryAsync(new GetTemplate("missing"))).Should().BeNull();

    [Fact]
    public async Task GetTemplate_WhenIdMalformed_FailsValidation() =>
        await FluentActions.Awaiting(() => _host.QueryAsync(new GetTemplate("a/b")).AsTask()).Should().ThrowAsync<ValidationException>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
