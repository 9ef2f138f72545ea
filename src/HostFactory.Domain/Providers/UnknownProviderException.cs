using HostFactory.Domain.Common;

namespace HostFactory.Domain.Providers;

/// <summary>A template or caller named a provider instance that is not configured.</summary>
public sealed class UnknownProviderException : DomainException
{
    /// <summary>Creates the exception; the message names the unknown name and lists the known ones.</summary>
    /// <param name="providerName">The name asked for.</param>
    /// <param name="knownNames">The names that are configured.</param>
    public UnknownProviderException(string providerName, IReadOnlyList<string> knownNames)
        : base($"Unknown provider '{providerName}'. " + (knownNames.Count == 0
            ? "No providers are configured."
            : $"Known providers: {string.Join(", ", knownNames)}."))
    {
        ProviderName = providerName;
        KnownNames = knownNames;
    }

    /// <summary>The name asked for.</summary>
    public string ProviderName { get; }

    /// <summary>The names that are configured.</summary>
    public IReadOnlyList<string> KnownNames { get; }
}
