using HostFactory.Providers.Loading;
using Microsoft.Extensions.Configuration;

namespace HostFactory.Providers.Tests;

/// <summary>
/// What the native build (hostfactory-native, which has the built-in providers compiled in and cannot load assemblies)
/// asks of a configuration before it serves a call: that no provider instance names a plugin assembly.
/// </summary>
public sealed class BuiltInProvidersTests
{
    [Theory]
    [InlineData("""{ "hostFactory": { "storage": { "dataDirectory": "data" } } }""")]
    [InlineData("""{ "hostFactory": { "providers": [ { "name": "local", "type": "local-process" }, { "name": "pool", "type": "static-pool", "enabled": false } ] } }""")]
    [InlineData("""{ "hostFactory": { "providers": [ { "name": "local", "type": "local-process", "assembly": " " } ] } }""")]
    public void AreAllConfigured_WhenNoInstanceNamesAnAssembly_IsTrue(string json) =>
        BuiltInProviders.AreAllConfigured(Configuration(json)).Should().BeTrue();

    [Theory]
    [InlineData("""{ "hostFactory": { "providers": [ { "name": "local", "type": "local-process" }, { "name": "mine", "type": "my-cloud", "assembly": "plugins/My.dll" } ] } }""")]
    [InlineData("""{ "hostFactory": { "providers": [ { "name": "off", "type": "my-cloud", "assembly": "plugins/My.dll", "enabled": false } ] } }""")]
    [InlineData("""{ "hostFactory": { "providers": [ { "name": "local", "type": "local-process", "assembly": "providers/HostFactory.Providers.LocalProcess.dll" } ] } }""")]
    public void AreAllConfigured_WhenAnInstanceNamesAnAssembly_IsFalse(string json) =>
        BuiltInProviders.AreAllConfigured(Configuration(json)).Should().BeFalse("only the plugin-capable build loads an assembly a configuration names, even a disabled instance's (it is checked) or a built-in one's file");

    [Fact]
    public void AreCompiledIn_WhenThisProcessCanLoadAssemblies_IsFalse() =>
        BuiltInProviders.AreCompiledIn.Should().BeFalse("the tests run on the JIT, which loads plugins");

    private static IConfiguration Configuration(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
}
