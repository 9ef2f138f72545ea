using HostFactory.Application.Common;
using HostFactory.Application.Templates;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Testing;

/// <summary>
/// The application wired over the test kit in one call: <see cref="Create"/> builds a <see cref="ServiceProvider"/>
/// (with <c>ValidateOnBuild</c> and <c>ValidateScopes</c>) holding <c>AddHostFactoryApplication</c>, the in-memory
/// stores as every store and read port (or the stores of <see cref="HostFactoryTestHostOptions.UseStorage"/>), traced as
/// <c>AddHostFactory</c> traces them, a <see cref="FakeMachineProviderRegistry"/> with one
/// <see cref="FakeMachineProvider"/>, a <see cref="FakeTimeProvider"/> and logging. Send messages with
/// <see cref="ExecuteAsync{TResult}(ICommand{TResult}, CancellationToken)"/> and
/// <see cref="QueryAsync{TResult}"/>: each runs in its own scope, as one Host Factory call does.
/// </summary>
public sealed class HostFactoryTestHost : IAsyncDisposable, IDisposable
{
    private readonly Dictionary<string, FakeMachineProvider> _providers;
    private readonly InMemoryTemplateStore? _templates;
    private readonly InMemoryRequestStore? _requests;
    private readonly InMemoryMachineStore? _machines;
    private readonly TestStorage? _storage;

    private HostFactoryTestHost(
        ServiceProvider services,
        FakeTimeProvider clock,
        FakeMachineProviderRegistry registry,
        Dictionary<string, FakeMachineProvider> providers,
        string defaultProvider,
        (InMemoryTemplateStore Templates, InMemoryRequestStore Requests, InMemoryMachineStore Machines)? inMemory,
        TestStorage? storage,
        PublishedEvents events)
    {
        Services = services;
        Clock = clock;
        Providers = registry;
        _providers = providers;
        Provider = providers[defaultProvider];
        if (inMemory is { } stores)
        {
            (_templates, _requests, _machines) = stores;
        }

        _storage = storage;
        Events = events;
    }

    /// <summary>The container. Resolve scoped services from a scope (<see cref="CreateScope"/>): scopes are validated.</summary>
    public ServiceProvider Services { get; }

    /// <summary>The clock every handler uses.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>The default fake provider, registered under <see cref="HostFactoryTestHostOptions.ProviderName"/>.</summary>
    public FakeMachineProvider Provider { get; }

    /// <summary>The provider registry the handlers use; add or remove providers through it.</summary>
    public FakeMachineProviderRegistry Providers { get; }

    /// <summary>The in-memory templates (write and read side).</summary>
    /// <exception cref="InvalidOperationException">The host keeps its state in other stores (<see cref="HostFactoryTestHostOptions.UseStorage"/>).</exception>
    public InMemoryTemplateStore Templates => _templates ?? throw NotInMemory();

    /// <summary>The in-memory requests (write and read side).</summary>
    /// <exception cref="InvalidOperationException">The host keeps its state in other stores (<see cref="HostFactoryTestHostOptions.UseStorage"/>).</exception>
    public InMemoryRequestStore Requests => _requests ?? throw NotInMemory();

    /// <summary>The in-memory machines (write and read side).</summary>
    /// <exception cref="InvalidOperationException">The host keeps its state in other stores (<see cref="HostFactoryTestHostOptions.UseStorage"/>).</exception>
    public InMemoryMachineStore Machines => _machines ?? throw NotInMemory();

    /// <summary>The template store the handlers use, whichever it is.</summary>
    public ITemplateStore TemplateStore => Services.GetRequiredService<ITemplateStore>();

    /// <summary>The request store the handlers use, whichever it is.</summary>
    public IRequestStore RequestStore => Services.GetRequiredService<IRequestStore>();

    /// <summary>The machine store the handlers use, whichever it is.</summary>
    public IMachineStore MachineStore => Services.GetRequiredService<IMachineStore>();

    /// <summary>The template read port the handlers use, whichever it is.</summary>
    public ITemplateReader TemplateReader => Services.GetRequiredService<ITemplateReader>();

    /// <summary>The request read port the handlers use, whichever it is.</summary>
    public IRequestReader RequestReader => Services.GetRequiredService<IRequestReader>();

    /// <summary>The machine read port the handlers use, whichever it is.</summary>
    public IMachineReader MachineReader => Services.GetRequiredService<IMachineReader>();

    /// <summary>Every event published on the event bus.</summary>
    public PublishedEvents Events { get; }

    /// <summary>Builds the host.</summary>
    /// <param name="configure">Changes the defaults; optional.</param>
    /// <returns>The host; dispose it at the end of the test.</returns>
    public static HostFactoryTestHost Create(Action<HostFactoryTestHostOptions>? configure = null)
    {
        var options = new HostFactoryTestHostOptions();
        configure?.Invoke(options);

        var clock = new FakeTimeProvider(options.StartTime);
        var registry = new FakeMachineProviderRegistry();
        var providers = new Dictionary<string, FakeMachineProvider>(StringComparer.Ordinal);
        foreach (var name in options.ExtraProviders.Prepend(options.ProviderName).Distinct(StringComparer.Ordinal))
        {
            providers[name] = new FakeMachineProvider(name, clock);
            registry.Add(name, providers[name]);
        }

        var events = new PublishedEvents();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        (InMemoryTemplateStore, InMemoryRequestStore, InMemoryMachineStore)? inMemory = null;
        if (options.Storage is { } storage)
        {
            storage.Register(services);
        }
        else
        {
            var (templates, requests, machines) = (new InMemoryTemplateStore(), new InMemoryRequestStore(), new InMemoryMachineStore());
            services.AddSingleton<ITemplateStore>(templates).AddSingleton<ITemplateReader>(templates);
            services.AddSingleton<IRequestStore>(requests).AddSingleton<IRequestReader>(requests);
            services.AddSingleton<IMachineStore>(machines).AddSingleton<IMachineReader>(machines);
            inMemory = (templates, requests, machines);
        }

        // Traced as AddHostFactory traces them, so a test sees the store spans a host would report.
        services.AddHostFactoryStoreInstrumentation();
        services.AddSingleton<IMachineProviderRegistry>(registry);
        services.AddHostFactoryApplication(application =>
        {
            application.ConcurrencyRetryBaseDelay = TimeSpan.Zero;
            options.ConfigureApplication?.Invoke(application);
        });
        if (options.HandlerAssemblies.Count > 0)
        {
            services.AddCqrs([.. options.HandlerAssemblies]);
        }

        services.AddSingleton(events);
        RecordEvents(services);
        options.ConfigureServices?.Invoke(services);

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new HostFactoryTestHost(provider, clock, registry, providers, options.ProviderName, inMemory, options.Storage, events);
    }

    /// <summary>The fake provider registered under <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No fake provider has that name.</exception>
    public FakeMachineProvider ProviderNamed(string name) => _providers[name];

    /// <summary>A new scope, as one Host Factory call would get.</summary>
    public AsyncServiceScope CreateScope() => Services.CreateAsyncScope();

    /// <summary>Executes a command in a scope of its own.</summary>
    /// <returns>The command's result.</returns>
    public async ValueTask<TResult> ExecuteAsync<TResult>(ICommand<TResult> command, CancellationToken cancellationToken = default)
    {
        await using var scope = CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(command, cancellationToken);
    }

    /// <summary>Executes a command without result in a scope of its own.</summary>
    public async ValueTask ExecuteAsync(ICommand command, CancellationToken cancellationToken = default)
    {
        await using var scope = CreateScope();
        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(command, cancellationToken);
    }

    /// <summary>Executes a query in a scope of its own.</summary>
    /// <returns>The query's answer.</returns>
    public async ValueTask<TResult> QueryAsync<TResult>(IQuery<TResult> query, CancellationToken cancellationToken = default)
    {
        await using var scope = CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(query, cancellationToken);
    }

    /// <summary>Creates a template through the bus (a <see cref="TestTemplates.Definition"/> unless one is given).</summary>
    /// <returns>The template as saved.</returns>
    public ValueTask<TemplateSnapshot> CreateTemplateAsync(TemplateDefinition? definition = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(new CreateTemplate(definition ?? TestTemplates.Definition()), cancellationToken);

    /// <summary>The domain events of type <typeparamref name="TDomainEvent"/> published so far, in order.</summary>
    public IReadOnlyList<TDomainEvent> DomainEvents<TDomainEvent>()
        where TDomainEvent : IDomainEvent =>
        Events.All.OfType<DomainEventNotification<TDomainEvent>>().Select(n => n.Event).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        Services.Dispose();
        _storage?.CleanUp?.Invoke();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        _storage?.CleanUp?.Invoke();
    }

    private InvalidOperationException NotInMemory() =>
        new($"This host keeps its state in {_storage!.Name}, not in the in-memory stores: read it through RequestReader, MachineReader, TemplateReader or the stores.");

    /// <summary>Puts a recorder in front of the event bus, whatever type the bus library registered.</summary>
    private static void RecordEvents(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IEventBus));
        var implementation = registered.ImplementationType
            ?? throw new InvalidOperationException("The event bus is not registered by type; the test host cannot record events.");
        services.Replace(ServiceDescriptor.Describe(typeof(IEventBus),
            sp => new RecordingEventBus((IEventBus)sp.GetRequiredService(implementation), sp.GetRequiredService<PublishedEvents>()),
            registered.Lifetime));
        services.TryAdd(ServiceDescriptor.Describe(implementation, implementation, registered.Lifetime));
    }
}
