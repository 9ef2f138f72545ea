namespace HostFactory.Cqrs.Tests.Fixtures.Substitution;

// A handler whose registration the application replaces with a subclass of its own.

public sealed record Greet(string Name) : IQuery<string>;

/// <summary>Not sealed: a test registers a subclass in its place.</summary>
[QueryHandler]
public class GreetHandler : IQueryHandler<Greet, string>
{
    public virtual ValueTask<string> HandleAsync(Greet query, CancellationToken cancellationToken) => ValueTask.FromResult($"hello {query.Name}");
}
