using HostFactory.Application.Common;
using HostFactory.Application.Templates;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Templates;

public sealed class UpdateTemplateTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create(options => options.AddProvider("other"));

    [Fact]
    public async Task UpdateTemplate_WhenValid_ReplacesTheDefinitionAndPublishesTemplateUpdated()
    {
        await _host.CreateTemplateAsync();
        _host.Clock.Advance(TimeSpan.FromMinutes(1));

        var saved = await _host.ExecuteAsync(new UpdateTemplate(TestTemplates.Definition(maxNumber: 3, providerName: "other", enabled: false)));

        saved.Should().BeEquivalentTo(new { MaxNumber = 3, ProviderName = "other", Enabled = false });
        saved.UpdatedAt.Should().Be(_host.Clock.GetUtcNow());
        (await _host.Templates.GetAsync(saved.Id, default)).Should().Be(saved);
        _host.DomainEvents<TemplateUpdated>().Should().NotBeEmpty().And.Contain(e => e.MaxNumber == 3 && !e.Enabled);
    }

    [Fact]
    public async Task UpdateTemplate_WhenDisabledTemplateIsEnabled_EnablesIt()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition(enabled: false));

        var saved = await _host.ExecuteAsync(new UpdateTemplate(TestTemplates.Definition()));

        saved.Enabled.Should().BeTrue();
    }

    [Fact]
    public async Task UpdateTemplate_WhenUnknown_ThrowsTemplateNotFound() =>
        await FluentActions.Awaiting(() => _host.ExecuteAsync(new UpdateTemplate(TestTemplates.Definition("missing"))).AsTask())
            .Should().ThrowAsync<TemplateNotFoundException>().WithMessage("Template 'missing' does not exist.");

    [Fact]
    public async Task UpdateTemplate_WhenProviderNotConfigured_ThrowsAndKeepsTheTemplate()
    {
        var created = await _host.CreateTemplateAsync();

        await FluentActions.Awaiting(() => _host.ExecuteAsync(new UpdateTemplate(TestTemplates.Definition(providerName: "gone"))).AsTask())
            .Should().ThrowAsync<UnknownProviderException>();
        (await _host.Templates.GetAsync(created.Id, default)).Should().Be(created);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
