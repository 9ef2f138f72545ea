using System.Reflection;
using System.Text.RegularExpressions;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Providers.Loading;

/// <summary>A provider class found in a plugin assembly.</summary>
/// <param name="TypeName">The type name it claims.</param>
/// <param name="Implementation">The class.</param>
/// <param name="OptionsType">The class its settings bind to, if any.</param>
/// <param name="AssemblyPath">The file it was loaded from.</param>
internal sealed record ProviderType(string TypeName, Type Implementation, Type? OptionsType, string AssemblyPath);

/// <summary>Finds the <c>[MachineProvider]</c> classes of a plugin assembly with Scrutor and checks each can serve.</summary>
internal static partial class ProviderScanner
{
    public static IReadOnlyList<ProviderType> Scan(Assembly assembly, string assemblyPath)
    {
        // Scrutor is the one way this code base finds marked classes; the throw-away collection only carries its findings.
        var found = new ServiceCollection();
        try
        {
            found.Scan(scan => scan
                .FromAssemblies(assembly)
                .AddClasses(classes => classes.WithAttribute<MachineProviderAttribute>(), publicOnly: false)
                .AsSelf()
                .WithTransientLifetime());
        }
        catch (ReflectionTypeLoadException exception)
        {
            var causes = string.Join("; ", exception.LoaderExceptions.OfType<Exception>().Select(static e => e.Message).Distinct().Take(3));
            throw new ProviderLoadException(
                ProviderLoadFailure.AssemblyLoadFailed,
                null,
                $"The types of plugin assembly '{assemblyPath}' could not be read (was it built against another HostFactory.Providers.Abstractions?): {causes}",
                exception);
        }

        var types = new List<ProviderType>();
        foreach (var implementation in found.Select(static d => d.ImplementationType).OfType<Type>().Distinct())
        {
            var attribute = implementation.GetCustomAttribute<MachineProviderAttribute>()!;
            types.Add(new ProviderType(attribute.TypeName, Check(implementation, attribute, assemblyPath), attribute.OptionsType, assemblyPath));
        }

        return types;
    }

    private static Type Check(Type implementation, MachineProviderAttribute attribute, string assemblyPath)
    {
        string? problem = null;
        if (!typeof(IMachineProvider).IsAssignableFrom(implementation))
        {
            problem = "does not implement HostFactory.Domain.Providers.IMachineProvider";
        }
        else if (attribute.TypeName is null || !TypeNamePattern().IsMatch(attribute.TypeName))
        {
            problem = $"claims the type name '{attribute.TypeName}', which is not 1 to 64 characters of a-z 0-9 - starting with a letter or digit";
        }
        else if (attribute.OptionsType is { } options && (!options.IsClass || options.IsAbstract || options.GetConstructor(Type.EmptyTypes) is null))
        {
            problem = $"declares the options type {options.FullName}, which is not a class with a public parameterless constructor";
        }
        else if (implementation.GetConstructors().Length == 0)
        {
            problem = "has no public constructor";
        }

        return problem is null
            ? implementation
            : throw new ProviderLoadException(
                ProviderLoadFailure.InvalidProviderClass,
                null,
                $"Class {implementation.FullName} in plugin assembly '{assemblyPath}' is marked [MachineProvider(\"{attribute.TypeName}\")] but {problem}.");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex TypeNamePattern();
}
