using System.Diagnostics.CodeAnalysis;
using HostFactory.Domain.Providers;

namespace HostFactory.Testing;

/// <summary>An <see cref="IMachineProviderRegistry"/> over providers added by name. Thread-safe.</summary>
public sealed class FakeMachineProviderRegistry : IMachineProviderRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IMachineProvider> _providers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyList<string> ProviderNames
    {
        get
        {
            lock (_lock)
            {
                return _providers.Keys.Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>
    /// What <see cref="LongestCall"/> answers for every provider: how long after a pending request was
    /// saved the application takes its provider call for dead. Six minutes by default, as for a configured instance
    /// with the default timeout and retries.
    /// </summary>
    public TimeSpan CallLimit { get; set; } = TimeSpan.FromMinutes(6);

    /// <summary>Adds (or replaces) the provider called <paramref name="name"/>.</summary>
    /// <param name="name">The provider instance name templates refer to.</param>
    /// <param name="provider">The provider.</param>
    /// <returns>This registry, for chaining.</returns>
    public FakeMachineProviderRegistry Add(string name, IMachineProvider provider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(provider);
        lock (_lock)
        {
            _providers[name] = provider;
        }

        return this;
    }

    /// <summary>Removes the provider called <paramref name="name"/>, if any (to play a provider taken out of the configuration).</summary>
    /// <param name="name">The provider instance name.</param>
    /// <returns>True when one was removed.</returns>
    public bool Remove(string name)
    {
        lock (_lock)
        {
            return _providers.Remove(name);
        }
    }

    /// <inheritdoc />
    public IMachineProvider Get(string providerName) =>
        TryGet(providerName, out var provider) ? provider : throw new UnknownProviderException(providerName, ProviderNames);

    /// <inheritdoc />
    public bool TryGet(string providerName, [MaybeNullWhen(false)] out IMachineProvider provider)
    {
        lock (_lock)
        {
            return _providers.TryGetValue(providerName, out provider);
        }
    }

    /// <inheritdoc />
    public TimeSpan LongestCall(string providerName) =>
        TryGet(providerName, out _) ? CallLimit : throw new UnknownProviderException(providerName, ProviderNames);
}
