using HostFactory.Cqrs;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Readme;

// The README's example, verbatim: if this stops compiling or passing, the README is wrong.
public sealed record Greet(string Name) : IQuery<string>;

[QueryHandler]
public sealed class GreetHandler : IQueryHandler<Greet, string>
{
    public ValueTask<string> HandleAsync(Greet query, CancellationToken cancellationToken) =>
        ValueTask.FromResult($"Hello, {query.Name}");
}

public sealed class GreetTests
{
    [Fact]
    public async Task Greet_WhenSentThroughTheBus_ReturnsTheGreeting()
    {
        await using var services = new ServiceCollection()
            .AddCqrs(options => options.TypeFilter = t => t.Namespace == typeof(GreetHandler).Namespace, typeof(GreetHandler).Assembly)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await using var scope = services.CreateAsyncScope();

        var greeting = await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new Greet("Ada"));

        greeting.Should().Be("Hello, Ada");
    }

    [Fact]
    public void Readme_ShowsThisTestVerbatim()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "HostFactory.Cqrs.Tests", "Readme", "GreetTests.cs"));

        foreach (var line in new[]
        {
            "public sealed record Greet(string Name) : IQuery<string>;",
            ".AddCqrs(options => options.TypeFilter = t => t.Namespace == typeof(GreetHandler).Namespace, typeof(GreetHandler).Assembly)",
            "var greeting = await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new Greet(\"Ada\"));",
            "greeting.Should().Be(\"Hello, Ada\");",
        })
        {
            readme.Should().Contain(line);
            source.Should().Contain(line);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HostFactory.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("HostFactory.sln not found above the test output.");
    }
}
