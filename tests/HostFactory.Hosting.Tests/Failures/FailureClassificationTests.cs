using System.Reflection;
using HostFactory.Hosting.Failures;

namespace HostFactory.Hosting.Tests.Failures;

/// <summary>
/// The one classification both edges use: every exception type of HostFactory's assemblies has a kind, every kind one
/// exit code and one problem type, and docs/cli.md and docs/server.md show the same table.
/// </summary>
public sealed class FailureClassificationTests
{
    /// <summary>Exception types that never leave the code that throws them, with where they are turned into another.</summary>
    private static readonly Dictionary<string, string> CaughtWhereThrown = new(StringComparer.Ordinal)
    {
        ["HostFactory.Storage.Json.Documents.InvalidDocumentException"] = "DocumentReader turns it into StorageCorruptException",
    };

    private const string TableHeader = "| Kind | Exit code | HTTP status | Problem type (`urn:hostfactory:problem:…`) | When |";

    [Fact]
    public void KindOf_WhenGivenEachExceptionTypeOfTheAssemblies_FindsARule()
    {
        var types = ExceptionTypes();

        types.Should().HaveCountGreaterThan(30, "the domain, application, bus, providers and stores all have exceptions");
        types.Where(t => FailureClassification.KindOf(t) is null && !CaughtWhereThrown.ContainsKey(t.FullName!))
            .Select(t => t.FullName).Should().BeEmpty("every exception the application throws is classified once, for both edges");
    }

    [Fact]
    public void Classes_WhenListed_HaveOneRowPerKindInKindOrder()
    {
        FailureClassification.Classes.Select(c => c.Kind).Should().Equal(Enum.GetValues<FailureKind>());
        FailureClassification.Classes.Select(c => c.ProblemType).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Classes_WhenCompared_AgreeBetweenTheEdges()
    {
        // The families line up: bad input is a 400, refusals 4xx, failures of what lies behind (provider, store,
        // configuration, a bug) 5xx; only the server's authentication has no exit code.
        foreach (var failure in FailureClassification.Classes)
        {
            var expected = failure.ExitCode switch
            {
                ExitCodes.BadInput => new[] { 400 },
                ExitCodes.Refused => [404, 409],
                ExitCodes.ProviderOrStorageFailure => [409, 502, 503],
                ExitCodes.ConfigurationError or ExitCodes.InternalError => [500],
                ExitCodes.Cancelled => [503],
                null => [401],
                _ => [],
            };
            expected.Should().Contain(failure.HttpStatus, $"{failure.Kind} ends the CLI with {failure.ExitCode}");
        }
    }

    [Theory]
    [InlineData("cli.md")]
    [InlineData("server.md")]
    public void Docs_WhenRead_ShowTheClassificationAsTheSameTable(string guide)
    {
        var table = Table(guide);

        table.Should().HaveCount(FailureClassification.Classes.Count);
        foreach (var (row, failure) in table.Zip(FailureClassification.Classes))
        {
            row.Should().StartWith($"| {failure.Kind} | {(failure.ExitCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "—")} | {failure.HttpStatus} | `{failure.ProblemType}` | ");
        }

        table.Should().Equal(Table("cli.md"), "docs/cli.md and docs/server.md show the same table");
    }

    private static List<string> Table(string guide)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", guide));
        var header = Array.IndexOf(lines, TableHeader);
        header.Should().BeGreaterThanOrEqualTo(0, $"docs/{guide} shows the failure table under the header {TableHeader}");
        return lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).ToList();
    }

    private static List<Type> ExceptionTypes()
    {
        var directory = AppContext.BaseDirectory;
        var assemblies = Directory.GetFiles(directory, "HostFactory.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => !name!.EndsWith(".Tests", StringComparison.Ordinal) && name != "HostFactory.Testing")
            .Select(name => Assembly.Load(new AssemblyName(name!)))
            .Concat(Directory.Exists(Path.Combine(directory, "providers"))
                ? Directory.GetFiles(Path.Combine(directory, "providers"), "HostFactory.Providers.*.dll").Select(Assembly.LoadFrom)
                : []);
        return assemblies.SelectMany(Types)
            .Where(t => typeof(Exception).IsAssignableFrom(t) && !t.IsAbstract)
            .Distinct()
            .ToList();
    }

    private static IEnumerable<Type> Types(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException partial)
        {
            // A plugin whose own dependencies are not beside the tests: its other types still count.
            return partial.Types.OfType<Type>();
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HostFactory.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (HostFactory.sln) above {AppContext.BaseDirectory}.");
    }
}
