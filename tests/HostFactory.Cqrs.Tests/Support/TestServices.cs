using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Support;

/// <summary>
/// Builds the containers the tests dispatch through. Every fixture lives in its own namespace and the scan is limited
/// to that namespace, so the deliberately broken fixtures of one test never reach another test's scan.
/// </summary>
public static class TestServices
{
    /// <summary>
    /// A service collection holding a <see cref="Recorder"/> and <c>AddCqrs</c> over this test assembly, scanning only
    /// the namespace of <paramref name="fixture"/>; <paramref name="configure"/> runs after the filter is set.
    /// </summary>
    public static IServiceCollection For(Type fixture, Action<CqrsOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<Recorder>();
        services.AddCqrs(
            options =>
            {
                options.TypeFilter = InNamespaceOf(fixture);
                configure?.Invoke(options);
            },
            TestAssembly);
        return services;
    }

    /// <summary>The assembly every test scans: this one.</summary>
    public static System.Reflection.Assembly TestAssembly => typeof(TestServices).Assembly;

    /// <summary>A <see cref="CqrsOptions.TypeFilter"/> that keeps only the types declared in <paramref name="fixture"/>'s namespace.</summary>
    public static Func<Type, bool> InNamespaceOf(Type fixture) => type => type.Namespace == fixture.Namespace;

    /// <summary>Builds the provider the way the house rules ask: every registration checked at build, scopes enforced.</summary>
    public static ServiceProvider BuildStrict(this IServiceCollection services) =>
        services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
}
