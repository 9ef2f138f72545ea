using HostFactory.Domain.Templates;

namespace HostFactory.Providers.Tests;

public static class TestTemplates
{
    public static TemplateSnapshot Snapshot(string providerName, IReadOnlyDictionary<string, string?>? settings = null, string id = "t1") =>
        Template.Create(
            new TemplateId(id),
            providerName,
            10,
            new TemplateAttributes("X86_64", 1024, 1),
            settings is null ? ProviderSettings.Empty : new ProviderSettings(settings),
            null,
            TimeProvider.System).ToSnapshot();
}
