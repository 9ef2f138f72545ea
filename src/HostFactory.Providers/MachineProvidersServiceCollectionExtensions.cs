using HostFactory.Domain.Providers;
using HostFactory.Providers;
using HostFactory.Providers.Configuration;
using HostFactory.Providers.Loading;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the configured machine providers.</summary>
public static class MachineProvidersServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IMachineProviderRegistry"/> for the provider instances in
    /// <paramref name="providersSection"/> (the <c>hostFactory:providers</c> array of <c>hostfactory.json</c>),
    /// with <see cref="MachineProvidersOptions"/> and <see cref="MachineProviderHostOptions"/> validated on start.
    /// Start-up validation (the generic host does it; elsewhere call <c>IStartupValidator.Validate()</c>)
    /// checks every instance's fields, then loads every enabled plugin, binds and validates its settings and
    /// creates the providers, so a bad configuration fails at start: <see cref="OptionsValidationException"/>
    /// for a malformed instance, <see cref="ProviderLoadException"/> for a plugin problem; each names the file,
    /// the instance and the field. <see cref="TimeProvider.System"/> is registered unless a clock already is.
    /// A second call with the same section changes nothing.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="providersSection">The providers array section.</param>
    /// <param name="configureHost">Sets the work directory (required), the configuration file and directory, the built-in providers folder.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">Called again with a different section.</exception>
    public static IServiceCollection AddMachineProviders(
        this IServiceCollection services,
        IConfiguration providersSection,
        Action<MachineProviderHostOptions>? configureHost = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(providersSection);

        var existing = services.FirstOrDefault(static d => d.ServiceType == typeof(ProvidersSectionMarker))?.ImplementationInstance as ProvidersSectionMarker;
        if (existing is not null)
        {
            return ReferenceEquals(existing.Section, providersSection)
                ? services
                : throw new InvalidOperationException("AddMachineProviders was already called with another configuration section; call it once.");
        }

        services.AddSingleton(new ProvidersSectionMarker(providersSection));
        services.AddOptions<MachineProviderHostOptions>()
            .Configure(options => configureHost?.Invoke(options))
            .Validate(static o => !string.IsNullOrWhiteSpace(o.WorkDirectory), "MachineProviderHostOptions.WorkDirectory is required: the directory where provider instances keep their state (HF_PROVIDER_WORKDIR).")
            .ValidateOnStart();
        services.AddSingleton<IConfigureOptions<MachineProvidersOptions>>(
            static sp => new MachineProvidersOptionsSetup(
                sp.GetRequiredService<ProvidersSectionMarker>().Section,
                sp.GetRequiredService<IOptions<MachineProviderHostOptions>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MachineProvidersOptions>, MachineProvidersOptionsValidator>());
        services.AddOptions<MachineProvidersOptions>().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MachineProviderRegistry>();
        services.TryAddSingleton<IMachineProviderRegistry>(static sp => sp.GetRequiredService<MachineProviderRegistry>());

        // Resolving the registry loads every plugin; making that part of start-up validation turns a
        // bad plugin or bad settings into a failure at start instead of at the first provider call.
        services.AddOptions<ProvidersLoadedCheck>()
            .Validate<IServiceProvider>(static (_, sp) => LoadProviders(sp))
            .ValidateOnStart();
        return services;
    }

    private static bool LoadProviders(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<MachineProviderHostOptions>>().Value;
            _ = services.GetRequiredService<IOptions<MachineProvidersOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            // Already reported by the options' own start-up validation; loading plugins from a malformed
            // configuration would only report it a second time.
            return true;
        }

        return services.GetRequiredService<IMachineProviderRegistry>().ProviderNames is not null;
    }

    private sealed record ProvidersSectionMarker(IConfiguration Section);

    private sealed class ProvidersLoadedCheck;
}
