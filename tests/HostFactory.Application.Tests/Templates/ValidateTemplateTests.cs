using HostFactory.Application.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Templates;

public sealed class ValidateTemplateTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task ValidateTemplate_WhenValid_AsksTheProviderAndFindsNoProblem()
    {
        var result = await _host.QueryAsync(new ValidateTemplate(TestTemplates.Definition()));

        result.IsValid.Should().BeTrue();
        _host.Provider.ValidateCalls.Should().Be(1);
        _host.Templates.SaveCount.Should().Be(0, "validation saves nothing");
    }

    [Fact]
    public async Task ValidateTemplate_WhenSeveralFieldsAreWrong_ReportsEveryProblem()
    {
        var definition = TestTemplates.Definition("bad id!", maxNumber: -5, providerName: "nowhere", requestTimeout: TimeSpan.Zero);

        var result = await _host.QueryAsync(new ValidateTemplate(definition));

        result.Problems.Should().HaveCount(4);
        result.Problems.Should().Contain(p => p.Contains("'bad id!' is not a valid template id", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("maxNumber", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("timeout", StringComparison.Ordinal))
            .And.Contain("Unknown provider 'nowhere'. Known providers: fake.");
        _host.Provider.ValidateCalls.Should().Be(0);
    }

    [Fact]
    public async Task ValidateTemplate_WhenTheProviderObjects_ReportsItsProblems()
    {
        _host.Provider.ValidationProblems = ["imageId is missing", "subnetId is malformed"];

        var result = await _host.QueryAsync(new ValidateTemplate(TestTemplates.Definition()));

        result.Problems.Should().Equal("imageId is missing", "subnetId is malformed");
    }

    [Fact]
    public async Task ValidateTemplate_WhenTheProviderThrows_ReportsThatAsAProblem()
    {
        _host.Provider.ValidateThrows = new HttpRequestException("API unreachable");

        var result = await _host.QueryAsync(new ValidateTemplate(TestTemplates.Definition()));

        result.Problems.Should().Equal("Provider 'fake' failed to check the template: API unreachable");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
