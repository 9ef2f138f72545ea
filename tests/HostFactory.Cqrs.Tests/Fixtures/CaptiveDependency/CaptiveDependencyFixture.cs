using HostFactory.Cqrs.Tests.Fixtures.Lifetimes;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Fixtures.CaptiveDependency;

public sealed record CaptureCommand : ICommand;

// A singleton would keep the first scope's dependency for ever; ValidateScopes must refuse it at build.
[CommandHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class CapturingSingletonHandler(ScopedDependency dependency) : ICommandHandler<CaptureCommand>
{
    public ValueTask HandleAsync(CaptureCommand command, CancellationToken cancellationToken)
    {
        GC.KeepAlive(dependency);
        return ValueTask.CompletedTask;
    }
}
