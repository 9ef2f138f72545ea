using System.Diagnostics.CodeAnalysis;

namespace HostFactory.Domain.Providers;

/// <summary>The configured provider instances, by name (a template's <c>ProviderName</c>).</summary>
public interface IMachineProviderRegistry
{
    /// <summary>The names of every configured provider instance.</summary>
    IReadOnlyList<string> ProviderNames { get; }

    /// <summary>The provider instance called <paramref name="providerName"/>.</summary>
    /// <exception cref="UnknownProviderException">No provider has that name; the message lists the known names.</exception>
    IMachineProvider Get(string providerName);

    /// <summary>Looks a provider instance up without throwing.</summary>
    /// <returns>True when a provider has that name.</returns>
    bool TryGet(string providerName, [MaybeNullWhen(false)] out IMachineProvider provider);

    /// <summary>
    /// The longest one call to the instance can run (a provision or a release), its retries and their pauses
    /// included. A pending request saved longer ago than this, plus the time its caller needs to record the outcome,
    /// has no call in progress any more: its caller died.
    /// </summary>
    /// <exception cref="UnknownProviderException">No provider has that name.</exception>
    TimeSpan LongestCall(string providerName);
}
