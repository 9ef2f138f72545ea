using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Application.Tests.Common;

/// <summary>What the probe handlers saw in the stores at the moment each event reached them.</summary>
public sealed class EventProbe
{
    private readonly List<string> _seen = [];

    public bool FailOnTemplateCreated { get; set; }

    public IReadOnlyList<string> Seen
    {
        get
        {
            lock (_seen)
            {
                return _seen.ToArray();
            }
        }
    }

    public void Add(string entry)
    {
        lock (_seen)
        {
            _seen.Add(entry);
        }
    }
}

[EventHandler]
public sealed class RequestStatusChangedProbe(IRequestReader requests, EventProbe probe)
    : IEventHandler<DomainEventNotification<RequestStatusChanged>>
{
    public async ValueTask HandleAsync(DomainEventNotification<RequestStatusChanged> @event, CancellationToken cancellationToken)
    {
        var stored = await requests.GetAsync(@event.Event.RequestId, cancellationToken);
        probe.Add($"request {RequestStatusWords.ToWord(@event.Event.To)}, stored {(stored is null ? "nothing" : RequestStatusWords.ToWord(stored.Status))}");
    }
}

[EventHandler]
public sealed class MachineProvisionedProbe(IMachineReader machines, EventProbe probe)
    : IEventHandler<DomainEventNotification<MachineProvisioned>>
{
    public async ValueTask HandleAsync(DomainEventNotification<MachineProvisioned> @event, CancellationToken cancellationToken)
    {
        var stored = await machines.GetAsync(@event.Event.MachineId, cancellationToken);
        probe.Add($"machine provisioned, stored {(stored is null ? "nothing" : "it")}");
    }
}

[EventHandler]
public sealed class TemplateCreatedProbe(EventProbe probe) : IEventHandler<DomainEventNotification<TemplateCreated>>
{
    public ValueTask HandleAsync(DomainEventNotification<TemplateCreated> @event, CancellationToken cancellationToken) =>
        probe.FailOnTemplateCreated ? throw new InvalidOperationException("probe failed on purpose") : ValueTask.CompletedTask;
}

public sealed class DomainEventPublishingTests : IAsyncLifetime
{
    private readonly EventProbe _probe = new();
    private readonly HostFactoryTestHost _host;

    public DomainEventPublishingTests() =>
        _host = HostFactoryTestHost.Create(options =>
        {
            options.ScanHandlers(typeof(DomainEventPublishingTests).Assembly);
            options.ConfigureServices = services => services.AddSingleton(_probe);
        });

    [Fact]
    public async Task Handlers_WhenEventsArePublished_FindTheChangeAlreadySaved()
    {
        await _host.CreateTemplateAsync();

        await _host.RequestAsync(1);

        _probe.Seen.Should().Equal("machine provisioned, stored it", "request provisioning, stored provisioning");
    }

    [Fact]
    public async Task Handlers_WhenASaveFails_GetNoEventOfTheFailedChange()
    {
        await _host.CreateTemplateAsync();
        _host.Requests.InjectConflicts(100);

        await FluentActions.Awaiting(() => _host.RequestAsync(1).AsTask()).Should().ThrowAsync<ConcurrencyRetryExhaustedException>();

        _probe.Seen.Should().NotContain(s => s.StartsWith("request", StringComparison.Ordinal));
        _host.DomainEvents<RequestStatusChanged>().Should().BeEmpty();
        _host.DomainEvents<RequestCreated>().Should().ContainSingle("the insert itself was saved");
    }

    [Fact]
    public async Task Handlers_WhenOneFails_DoNotFailTheSavedCommand()
    {
        _probe.FailOnTemplateCreated = true;

        var template = await _host.CreateTemplateAsync();

        (await _host.Templates.GetAsync(template.Id, default)).Should().NotBeNull();
    }

    [Fact]
    public void Notification_WhenCreatedForADomainEvent_CarriesItUnderItsRuntimeType()
    {
        IEvent notification = new DomainEventNotification<TemplateDeleted>(new TemplateDeleted(new TemplateId("t"), _host.Clock.GetUtcNow()));

        notification.Should().BeOfType<DomainEventNotification<TemplateDeleted>>().Which.Event.TemplateId.Value.Should().Be("t");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
