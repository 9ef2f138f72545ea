using System.Reflection;
using System.Xml.Linq;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostFactory.Application.Tests;

/// <summary>Pins the layering described in docs/architecture.md.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Domain = typeof(Template).Assembly;
    private static readonly Assembly Application = typeof(ApplicationOptions).Assembly;

    /// <summary>
    /// Query handlers that also need the provider registry, because the answer is only the provider's to give:
    /// ValidateTemplate (the provider's own check of its settings), GetReturnRequests (which machines the provider
    /// is reclaiming) and ListOrphanMachines (which machines the provider holds). They still read no write store and
    /// change nothing.
    /// </summary>
    private static readonly string[] QueriesThatAskProviders = ["ValidateTemplateHandler", "GetReturnRequestsHandler", "ListOrphanMachinesHandler"];

    [Fact]
    public void DomainAssembly_WhenLoaded_ReferencesOnlyTheFramework()
    {
        var references = Domain.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        references.Should().NotBeEmpty().And.OnlyContain(name =>
            name.StartsWith("System.", StringComparison.Ordinal) || name == "System"
            || name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal)
            || name == "netstandard" || name == "mscorlib");
    }

    [Fact]
    public void DomainProject_WhenRead_HasNoPackageOrProjectReference()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "HostFactory.Domain", "HostFactory.Domain.csproj"));

        project.Descendants().Select(e => e.Name.LocalName).Should().NotContain(["PackageReference", "ProjectReference", "Reference"]);
    }

    [Fact]
    public void ApplicationAssembly_WhenLoaded_ReferencesOnlyDomainCqrsAndAbstractions()
    {
        var ours = Application.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("HostFactory", StringComparison.Ordinal));
        var packages = Application.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Microsoft.Extensions", StringComparison.Ordinal));

        ours.Should().BeEquivalentTo("HostFactory.Domain", "HostFactory.Cqrs");
        packages.Should().OnlyContain(n => n.EndsWith(".Abstractions", StringComparison.Ordinal) || n == "Microsoft.Extensions.Options");
    }

    [Fact]
    public void QueryHandlers_WhenConstructed_DependOnlyOnReadPortsClockOptionsAndLogging()
    {
        var handlers = Application.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IQueryHandler<,>)))
            .ToList();

        handlers.Should().NotBeEmpty();
        foreach (var handler in handlers)
        {
            var parameters = handler.GetConstructors().Should().ContainSingle().Subject.GetParameters().Select(p => p.ParameterType).ToList();
            parameters.Should().OnlyContain(type => IsAllowed(handler, type), $"{handler.Name} is a query handler: it may read, never write");
            parameters.Should().NotContain([typeof(ITemplateStore), typeof(IRequestStore), typeof(IMachineStore)]);
        }
    }

    [Fact]
    public void Handlers_WhenDeclared_AreSealedAndInternal()
    {
        var handlers = Application.GetTypes().Where(t => t.IsDefined(typeof(CommandHandlerAttribute)) || t.IsDefined(typeof(QueryHandlerAttribute))).ToList();

        handlers.Should().HaveCountGreaterThanOrEqualTo(15).And.OnlyContain(t => t.IsSealed && !t.IsPublic);
        handlers.Should().OnlyContain(t => t.Namespace == t.GetInterfaces().First(i => i.IsGenericType).GetGenericArguments()[0].Namespace,
            "a handler lives in the file of its message");
    }

    private static bool IsAllowed(Type handler, Type dependency) =>
        dependency == typeof(ITemplateReader) || dependency == typeof(IRequestReader) || dependency == typeof(IMachineReader)
        || dependency == typeof(TimeProvider)
        || (dependency.IsGenericType && dependency.GetGenericTypeDefinition() == typeof(IOptions<>))
        || (dependency.IsGenericType && dependency.GetGenericTypeDefinition() == typeof(ILogger<>))
        || (dependency == typeof(IMachineProviderRegistry) && QueriesThatAskProviders.Contains(handler.Name));

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Build.props")) && Directory.Exists(Path.Combine(directory.FullName, "src")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root above {AppContext.BaseDirectory}.");
    }
}
