using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

public sealed class ListRequestsTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task ListRequests_WhenFiltered_ReturnsTheMatchingPage()
    {
        await _host.CreateTemplateAsync();
        await _host.CreateTemplateAsync(TestTemplates.Definition("second"));
        var first = await _host.RequestAsync(1);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await _host.RequestAsync(1, "second");
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        _host.Provider.EnqueueProvision(ProvisionScript.Failure("no"));
        var failed = await _host.RequestAsync(1);
        await _host.ExecuteAsync(new ReturnMachines([new MachineReference("ghost")]));

        var acquire = await _host.QueryAsync(new ListRequests(Kind: RequestKind.Acquire, TemplateId: TestTemplates.DefaultId));
        var failedOnly = await _host.QueryAsync(new ListRequests(Status: RequestStatus.Failed));
        var secondPage = await _host.QueryAsync(new ListRequests(Offset: 1, Limit: 2));

        acquire.Items.Select(r => r.Id).Should().Equal(first.RequestId, failed.RequestId);
        failedOnly.Items.Should().ContainSingle().Which.Id.Should().Be(failed.RequestId);
        secondPage.Should().Match<Domain.Common.Page<RequestSnapshot>>(p => p.Total == 4 && p.Items.Count == 2 && p.Offset == 1);
    }

    [Fact]
    public async Task ListRequests_WhenPagingIsOutOfRange_FailsValidation() =>
        await FluentActions.Awaiting(() => _host.QueryAsync(new ListRequests(Offset: -1, Limit: 5000)).AsTask())
            .Should().ThrowAsync<ValidationException>().Where(e => e.Errors.Count == 2);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
