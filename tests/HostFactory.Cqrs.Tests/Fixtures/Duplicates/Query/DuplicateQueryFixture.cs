namespace HostFactory.Cqrs.Tests.Fixtures.Duplicates.Query;

public sealed record ContestedQuery : IQuery<string>;

[QueryHandler]
public sealed class FirstContestedQueryHandler : IQueryHandler<ContestedQuery, string>
{
    public ValueTask<string> HandleAsync(ContestedQuery query, CancellationToken cancellationToken) => ValueTask.FromResult("first");
}

[QueryHandler]
public sealed class SecondContestedQueryHandler : IQueryHandler<ContestedQuery, string>
{
    public ValueTask<string> HandleAsync(ContestedQuery query, CancellationToken cancellationToken) => ValueTask.FromResult("second");
}
