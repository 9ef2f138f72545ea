using HostFactory.Providers.Configuration;
using Microsoft.Extensions.Options;

namespace HostFactory.Providers.Tests;

public sealed class MachineProvidersOptionsTests : IDisposable
{
    private readonly ProviderHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Start_WhenTypeIsMissing_FailsNamingFileInstanceAndField()
    {
        var act = () => _host.Start("""[ { "name": "local" } ]""");

        act.Should().Throw<OptionsValidationException>()
            .WithMessage($"*{_host.ConfigFile} (hostFactory:providers:0): provider instance 'local': field 'type' is required.*");
    }

    [Fact]
    public void Start_WhenNameIsInvalid_FailsNamingTheRule()
    {
        var act = () => _host.Start("""[ { "name": "my provider", "type": "local-process" } ]""");

        act.Should().Throw<OptionsValidationException>().WithMessage("*provider instance 'my provider': field 'name' must be 1 to 64 characters*");
    }

    [Fact]
    public void Start_WhenTimeoutAndRetriesAreOutOfRange_ReportsBoth()
    {
        var act = () => _host.Start("""[ { "name": "local", "type": "local-process", "timeoutSeconds": 0, "retries": 11 } ]""");

        act.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().Contain(f => f.Contains("field 'timeoutSeconds' must be more than 0", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("field 'retries' must be between 0 and 10, was 11", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_WhenAFieldIsMisspelt_NamesTheUnknownField()
    {
        var act = () => _host.Start("""[ { "name": "local", "type": "local-process", "timeout": 5 } ]""");

        act.Should().Throw<OptionsValidationException>().WithMessage("*provider instance 'local': unknown field 'timeout'*");
    }

    [Fact]
    public void Start_WhenAValueHasTheWrongType_NamesTheFileInstanceAndPath()
    {
        var act = () => _host.Start("""[ { "name": "local", "type": "local-process", "enabled": "maybe" } ]""");

        act.Should().Throw<OptionsValidationException>()
            .WithMessage($"*{_host.ConfigFile} (hostFactory:providers:0): provider instance 'local':*hostFactory:providers:0:enabled*");
    }

    [Fact]
    public void Start_WhenTheWorkDirectoryIsNotSet_Fails()
    {
        var act = () => _host.Start("[]", host => host.WorkDirectory = "");

        act.Should().Throw<OptionsValidationException>().WithMessage("*WorkDirectory is required*");
    }
}
