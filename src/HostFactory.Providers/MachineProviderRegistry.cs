using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Configuration;
using HostFactory.Providers.Loading;
using HostFactory.Providers.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HostFactory.Providers;

/// <summary>
/// The configured provider instances, loaded when the registry is created: each enabled instance's
/// plugin assembly is loaded into its own context and scanned, its settings are bound and validated,
/// the provider is created and wrapped in the resilience decorator. Any problem throws
/// <see cref="ProviderLoadException"/> naming the file, the instance and the problem.
/// </summary>
internal sealed class MachineProviderRegistry : IMachineProviderRegistry, IDisposable
{
    private readonly Dictionary<string, ResilientMachineProvider> _providers = new(StringComparer.Ordinal);
    private readonly List<IMachineProvider> _created = [];
    private readonly string[] _names;

    public MachineProviderRegistry(
        IOptions<MachineProvidersOptions> options,
        IOptions<MachineProviderHostOptions> host,
        IServiceProvider services,
        TimeProvider timeProvider)
    {
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<MachineProviderRegistry>();
        var hostOptions = host.Value;
        var instances = options.Value.Instances;
        CheckUniqueNames(instances, hostOptions.ConfigurationFile);

        var enabled = instances.Where(static i => i.Enabled).ToArray();
        var assemblyOf = enabled.ToDictionary(static i => i.Name, i => AssemblyPath(i, hostOptions), StringComparer.Ordinal);
        var typesByAssembly = assemblyOf.Values.Distinct(StringComparer.Ordinal).ToDictionary(static p => p, LoadTypes, StringComparer.Ordinal);
        CheckUniqueTypeNames(typesByAssembly.Values.SelectMany(static t => t));

        try
        {
            foreach (var instance in enabled)
            {
                var path = assemblyOf[instance.Name];
                var type = typesByAssembly[path].FirstOrDefault(t => t.TypeName == instance.Type)
                    ?? throw Fail(ProviderLoadFailure.UnknownType, instance, hostOptions,
                        $"has unknown type '{instance.Type}': assembly '{path}' provides only {string.Join(", ", typesByAssembly[path].Select(static t => $"'{t.TypeName}'"))}.");
                var provider = Create(instance, type, hostOptions, services, loggerFactory, timeProvider);
                _created.Add(provider);
                _providers.Add(instance.Name, new ResilientMachineProvider(provider, instance, loggerFactory.CreateLogger<ResilientMachineProvider>()));
                ProvidersLog.ProviderLoaded(logger, instance.Name, instance.Type, path);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        _names = [.. _providers.Keys];
    }

    public IReadOnlyList<string> ProviderNames => _names;

    public IMachineProvider Get(string providerName) =>
        TryGet(providerName, out var provider) ? provider : throw new UnknownProviderException(providerName, _names);

    public bool TryGet(string providerName, [MaybeNullWhen(false)] out IMachineProvider provider)
    {
        var found = _providers.TryGetValue(providerName ?? string.Empty, out var resilient);
        provider = resilient;
        return found;
    }

    public TimeSpan LongestCall(string providerName) =>
        _providers.TryGetValue(providerName ?? string.Empty, out var provider)
            ? provider.LongestCall
            : throw new UnknownProviderException(providerName ?? string.Empty, _names);

    public void Dispose()
    {
        foreach (var provider in _created)
        {
            switch (provider)
            {
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
                case IAsyncDisposable asyncDisposable:
                    // Providers are disposed once, when the process ends; blocking here is harmless.
                    asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    break;
            }
        }

        _created.Clear();
    }

    private static void CheckUniqueNames(IEnumerable<ProviderInstanceOptions> instances, string? file)
    {
        foreach (var group in instances.GroupBy(static i => i.Name, StringComparer.Ordinal).Where(static g => g.Count() > 1))
        {
            throw new ProviderLoadException(
                ProviderLoadFailure.DuplicateInstanceName,
                group.Key,
                $"{ProviderMessages.Where(file, null)}provider instance name '{group.Key}' is used more than once ({string.Join(", ", group.Select(static i => i.ConfigurationPath))}); instance names must be unique.");
        }
    }

    private static void CheckUniqueTypeNames(IEnumerable<ProviderType> types)
    {
        foreach (var group in types.GroupBy(static t => t.TypeName, StringComparer.Ordinal).Where(static g => g.Count() > 1))
        {
            throw new ProviderLoadException(
                ProviderLoadFailure.DuplicateTypeName,
                null,
                $"Provider type '{group.Key}' is claimed by more than one class: {string.Join(" and ", group.Select(static t => $"{t.Implementation.FullName} ('{t.AssemblyPath}')"))}. Each type name must have exactly one provider.");
        }
    }

    private static string AssemblyPath(ProviderInstanceOptions instance, MachineProviderHostOptions host)
    {
        string path;
        if (!string.IsNullOrWhiteSpace(instance.Assembly))
        {
            path = Path.GetFullPath(instance.Assembly, host.ConfigurationDirectory ?? Directory.GetCurrentDirectory());
            return File.Exists(path)
                ? path
                : throw Fail(ProviderLoadFailure.MissingAssembly, instance, host, $"names assembly '{instance.Assembly}', but the file '{path}' does not exist.");
        }

        var builtIn = BuiltInProviders.AssemblyFileName(instance.Type)
            ?? throw Fail(ProviderLoadFailure.UnknownType, instance, host,
                $"has unknown type '{instance.Type}': it is not a built-in type ({string.Join(", ", BuiltInProviders.TypeNames)}) and no 'assembly' is given.");
        path = Path.GetFullPath(Path.Combine(host.BuiltInProvidersDirectory, builtIn));
        return File.Exists(path)
            ? path
            : throw Fail(ProviderLoadFailure.MissingAssembly, instance, host,
                $"has the built-in type '{instance.Type}', but its assembly '{path}' does not exist; the host's providers/ folder is missing or incomplete.");
    }

    private static IReadOnlyList<ProviderType> LoadTypes(string path)
    {
        Assembly assembly;
        try
        {
            assembly = PluginLoadContext.LoadPlugin(path);
        }
        catch (Exception exception) when (exception is BadImageFormatException or FileLoadException or IOException)
        {
            throw new ProviderLoadException(ProviderLoadFailure.AssemblyLoadFailed, null, $"Plugin assembly '{path}' could not be loaded: {exception.Message}", exception);
        }

        var types = ProviderScanner.Scan(assembly, path);
        return types.Count > 0
            ? types
            : throw new ProviderLoadException(
                ProviderLoadFailure.NoProviderInAssembly,
                null,
                $"Plugin assembly '{path}' has no class marked [MachineProvider(\"type-name\")] that implements IMachineProvider.");
    }

    private static IMachineProvider Create(
        ProviderInstanceOptions instance,
        ProviderType type,
        MachineProviderHostOptions host,
        IServiceProvider services,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider)
    {
        var options = ProviderSettingsBinder.Bind(type.OptionsType, instance.Settings, out var problems);
        if (problems.Count > 0)
        {
            throw Fail(ProviderLoadFailure.InvalidSettings, instance, host,
                $"(type '{instance.Type}') has invalid settings: {string.Join(" ", problems)}");
        }

        var stateDirectory = Path.GetFullPath(Path.Combine(host.WorkDirectory, "providers", instance.Name));
        Directory.CreateDirectory(stateDirectory);
        var context = new ProviderContext(instance.Name, instance.Type, stateDirectory, loggerFactory, timeProvider, host.ConfigurationDirectory);
        try
        {
            object[] arguments = options is null ? [context] : [context, options];
            return (IMachineProvider)ActivatorUtilities.CreateInstance(services, type.Implementation, arguments);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var cause = exception is TargetInvocationException { InnerException: { } inner } ? inner : exception;
            throw Fail(ProviderLoadFailure.ProviderCreationFailed, instance, host,
                $"(type '{instance.Type}') could not be created by {type.Implementation.FullName}: {cause.Message}", cause);
        }
    }

    private static ProviderLoadException Fail(
        ProviderLoadFailure failure,
        ProviderInstanceOptions instance,
        MachineProviderHostOptions host,
        string problem,
        Exception? cause = null) =>
        new(failure, instance.Name, $"{ProviderMessages.Where(host.ConfigurationFile, instance.ConfigurationPath)}provider instance '{instance.Name}' {problem}", cause);
}
