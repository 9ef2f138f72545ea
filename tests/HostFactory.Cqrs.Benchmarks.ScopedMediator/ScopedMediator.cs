using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Benchmarks.ScopedMediator;

/// <summary>The scoped command of the Mediator rows; its handler lives one per scope, as the bus's ScopedPingHandler does.</summary>
public sealed record MediatorScopedPing(int Value) : ICommand;

public sealed class MediatorScopedPingHandler : ICommandHandler<MediatorScopedPing>
{
    public ValueTask<Unit> Handle(MediatorScopedPing command, CancellationToken cancellationToken) => default;
}

public static class ScopedMediatorRegistration
{
    /// <summary>
    /// Mediator with every handler and the mediator itself scoped (its <c>ServiceLifetime</c> option). The generated
    /// types are internal and in a namespace of their own, so they do not clash with the singleton configuration of
    /// the project that references this one; callers resolve <see cref="IMediator"/>.
    /// </summary>
    public static IServiceCollection AddScopedMediator(this IServiceCollection services) =>
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Namespace = "HostFactory.Cqrs.Benchmarks.ScopedMediator.Generated";
            options.GenerateTypesAsInternal = true;
        });
}
