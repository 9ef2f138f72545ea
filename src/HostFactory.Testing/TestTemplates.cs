using HostFactory.Application.Templates;
using HostFactory.Domain.Templates;

namespace HostFactory.Testing;

/// <summary>Valid template definitions for tests, varied one argument at a time.</summary>
public static class TestTemplates
{
    /// <summary>The id <see cref="Definition"/> uses when none is given.</summary>
    public const string DefaultId = "OnDemand-Minimal-Template-VM";

    /// <summary>Attributes Host Factory accepts: <c>X86_64</c>, 1 CPU, 1024 MB.</summary>
    public static TemplateAttributes Attributes() => new("X86_64", nRam: 1024, nCpus: 1, nCores: 1);

    /// <summary>A valid definition.</summary>
    /// <param name="id">The template id.</param>
    /// <param name="maxNumber">Its machine limit; -1 for unlimited.</param>
    /// <param name="providerName">Its provider.</param>
    /// <param name="enabled">Whether it accepts requests.</param>
    /// <param name="requestTimeout">Its request timeout; the domain default when null.</param>
    public static TemplateDefinition Definition(
        string id = DefaultId,
        int maxNumber = 10,
        string providerName = FakeMachineProvider.DefaultName,
        bool enabled = true,
        TimeSpan? requestTimeout = null) =>
        new(id, providerName, maxNumber, Attributes(), ProviderSettings.Empty, requestTimeout, enabled);
}
