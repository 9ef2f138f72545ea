using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Fixtures.TwoResults;

// A query that declares two result types while its only handler answers one: the bus must refuse the other.
public sealed record CountQuery(int Value) : IQuery<int>, IQuery<long>;

[QueryHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class CountQueryHandler : IQueryHandler<CountQuery, int>
{
    public ValueTask<int> HandleAsync(CountQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(query.Value);
}
