using HostFactory.Application.Common;
using HostFactory.Application.Templates;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Templates;

public sealed class CreateTemplateTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task CreateTemplate_WhenValid_SavesItAndPublishesTemplateCreated()
    {
        var saved = await _host.ExecuteAsync(new CreateTemplate(TestTemplates.Definition(maxNumber: 7, requestTimeout: TimeSpan.FromMinutes(5))));

        saved.Should().BeEquivalentTo(new { Id = new TemplateId(TestTemplates.DefaultId), ProviderName = "fake", MaxNumber = 7, Enabled = true, Version = 1L });
        saved.RequestTimeout.Should().Be(TimeSpan.FromMinutes(5));
        (await _host.Templates.GetAsync(saved.Id, default)).Should().Be(saved);
        _host.DomainEvents<TemplateCreated>().Should().Equal(new TemplateCreated(saved.Id, "fake", 7, _host.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task CreateTemplate_WhenDefinedDisabled_SavesItDisabled()
    {
        var saved = await _host.ExecuteAsync(new CreateTemplate(TestTemplates.Definition(enabled: false)));

        saved.Enabled.Should().BeFalse();
    }

    [Fact]
    public async Task CreateTemplate_WhenIdTaken_ThrowsTemplateAlreadyExists()
    {
        await _host.CreateTemplateAsync();

        await FluentActions.Awaiting(() => _host.ExecuteAsync(new CreateTemplate(TestTemplates.Definition(maxNumber: 1))).AsTask())
            .Should().ThrowAsync<TemplateAlreadyExistsException>().WithMessage($"Template '{TestTemplates.DefaultId}' already exists; update it instead.");
        (await _host.Templates.GetAsync(new TemplateId(TestTemplates.DefaultId), default))!.MaxNumber.Should().Be(10);
    }

    [Fact]
    public async Task CreateTemplate_WhenProviderNotConfigured_ThrowsUnknownProviderAndSavesNothing()
    {
        await FluentActions.Awaiting(() => _host.ExecuteAsync(new CreateTemplate(TestTemplates.Definition(providerName: "azure"))).AsTask())
            .Should().ThrowAsync<UnknownProviderException>().WithMessage("Unknown provider 'azure'. Known providers: fake.");
        _host.Templates.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task CreateTemplate_WhenIdMalformed_FailsValidationBeforeTheHandler()
    {
        var thrown = await FluentActions.Awaiting(() => _host.ExecuteAsync(new CreateTemplate(TestTemplates.Definition(id: "no spaces allowed"))).AsTask())
            .Should().ThrowAsync<ValidationException>();

        thrown.Which.Errors.Should().ContainSingle().Which.Member.Should().Be("Definition.TemplateId");
        _host.Templates.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task CreateTemplate_WhenMaxNumberOutOfRange_ThrowsTheDomainRule()
    {
        await FluentActions.Awaiting(() => _host.ExecuteAsync(new CreateTemplate(TestTemplates.Definition(maxNumber: 10001))).AsTask())
            .Should().ThrowAsync<DomainRuleViolationException>().WithMessage("*maxNumber*10001*");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
