using HostFactory.Application;
using HostFactory.Application.Common;
using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Cqrs;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Testing.Tests;

public sealed class HostFactoryTestHostTests
{
    [Fact]
    public async Task Create_WhenDefault_WiresTheKitBehindEveryPort()
    {
        await using var host = HostFactoryTestHost.Create();
        await using var scope = host.CreateScope();

        // The ports are traced as AddHostFactory traces them; behind them are the kit's stores.
        var created = await host.CreateTemplateAsync();
        (await host.Templates.FindAsync(created.Id, default)).Should().NotBeNull("the template was saved through the port into the kit's store");
        (await scope.ServiceProvider.GetRequiredService<ITemplateReader>().ListAsync(default)).Should().ContainSingle().Which.Id.Should().Be(created.Id);
        scope.ServiceProvider.GetRequiredService<ITemplateStore>().Should().BeSameAs(host.TemplateStore);
        scope.ServiceProvider.GetRequiredService<TimeProvider>().Should().BeSameAs(host.Clock);
        scope.ServiceProvider.GetRequiredService<IMachineProviderRegistry>().Get(FakeMachineProvider.DefaultName).Should().BeSameAs(host.Provider);
        scope.ServiceProvider.GetRequiredService<IOptions<ApplicationOptions>>().Value.ConcurrencyRetryBaseDelay.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task Create_WhenConfigured_AppliesClockProvidersAndOptions()
    {
        var start = new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero);
        await using var host = HostFactoryTestHost.Create(options =>
        {
            options.StartTime = start;
            options.ProviderName = "aws";
            options.AddProvider("gcp");
            options.ConfigureApplication = application => application.ConcurrencyRetryCount = 2;
        });

        host.Clock.GetUtcNow().Should().Be(start);
        host.Provider.Name.Should().Be("aws");
        host.ProviderNamed("gcp").Name.Should().Be("gcp");
        host.Providers.ProviderNames.Should().Equal("aws", "gcp");
        host.Services.GetRequiredService<IOptions<ApplicationOptions>>().Value.ConcurrencyRetryCount.Should().Be(2);
    }

    [Fact]
    public async Task ExecuteAsync_WhenACommandSucceeds_RecordsItsEventsAndStoresTheResult()
    {
        await using var host = HostFactoryTestHost.Create();

        var template = await host.CreateTemplateAsync();
        var request = await host.ExecuteAsync(new RequestMachines(template.Id.Value, 1));

        host.Templates.SaveCount.Should().Be(1);
        host.Events.All.Should().NotBeEmpty().And.AllBeAssignableTo<IEvent>();
        host.DomainEvents<TemplateCreated>().Should().ContainSingle().Which.TemplateId.Should().Be(template.Id);
        host.Provider.ProvisionCalls.Should().ContainSingle().Which.RequestId.Should().Be(request.RequestId);
    }

    [Fact]
    public async Task QueryAsync_WhenAsked_AnswersThroughTheQueryBus()
    {
        await using var host = HostFactoryTestHost.Create();
        await host.CreateTemplateAsync(TestTemplates.Definition("a"));

        var templates = await host.QueryAsync(new ListTemplates());

        templates.Should().ContainSingle().Which.Template.Id.Value.Should().Be("a");
    }

    [Fact]
    public async Task ConfigureServices_WhenGiven_RunsLastSoPortsCanBeReplaced()
    {
        var replacement = new InMemoryTemplateStore();
        await using var host = HostFactoryTestHost.Create(options =>
            options.ConfigureServices = services => services.AddSingleton<ITemplateStore>(replacement));

        await host.CreateTemplateAsync();

        replacement.SaveCount.Should().Be(1);
        host.Templates.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task Events_WhenCleared_ForgetsEarlierEvents()
    {
        await using var host = HostFactoryTestHost.Create();
        await host.CreateTemplateAsync();

        host.Events.Clear();

        host.DomainEvents<TemplateCreated>().Should().BeEmpty();
        host.Events.All.Should().NotContain(e => e is DomainEventNotification<TemplateCreated>);
    }
}
