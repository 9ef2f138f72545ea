using HostFactory.Application.Common;
using HostFactory.Application.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Common;

public sealed class ConcurrencyRetryTests
{
    [Fact]
    public async Task RetryBehavior_WhenACommandMeetsConflicts_ReRunsItUntilItSucceeds()
    {
        await using var host = HostFactoryTestHost.Create();
        await host.CreateTemplateAsync();
        host.Templates.InjectConflicts(3);

        var saved = await host.ExecuteAsync(new UpdateTemplate(TestTemplates.Definition(maxNumber: 4)));

        saved.MaxNumber.Should().Be(4);
        saved.Version.Should().Be(5, "three other writers took versions 2 to 4");
        host.Templates.PendingConflicts.Should().Be(0);
    }

    [Fact]
    public async Task RetryBehavior_WhenConflictsOutlastTheRetries_FailsNamingTheEntity()
    {
        await using var host = HostFactoryTestHost.Create();
        var created = await host.CreateTemplateAsync();
        host.Templates.InjectConflicts(6);

        var thrown = await FluentActions.Awaiting(() => host.ExecuteAsync(new DeleteTemplate(created.Id.Value)).AsTask())
            .Should().ThrowAsync<ConcurrencyRetryExhaustedException>();

        thrown.Which.Message.Should().StartWith($"Template '{TestTemplates.DefaultId}' kept being changed by another process while DeleteTemplate ran; gave up after 6 attempt(s).");
        thrown.Which.Should().BeEquivalentTo(new { Operation = "DeleteTemplate", Entity = "Template", EntityId = TestTemplates.DefaultId, Attempts = 6 });
        (await host.Templates.GetAsync(created.Id, default)).Should().NotBeNull();
    }

    [Fact]
    public async Task RetryBehavior_WhenRetryCountIsConfigured_UsesIt()
    {
        await using var host = HostFactoryTestHost.Create(options => options.ConfigureApplication = application => application.ConcurrencyRetryCount = 0);
        await host.CreateTemplateAsync();
        host.Templates.InjectConflicts(1);

        var thrown = await FluentActions.Awaiting(() => host.ExecuteAsync(new UpdateTemplate(TestTemplates.Definition())).AsTask())
            .Should().ThrowAsync<ConcurrencyRetryExhaustedException>();

        thrown.Which.Attempts.Should().Be(1);
    }

    [Fact]
    public async Task RetryBehavior_WhenTwoCreatesRace_TheLoserIsRefusedAsExisting()
    {
        await using var host = HostFactoryTestHost.Create();
        var racer = TestTemplates.Definition();

        // Some racers pass the existence check before the winner saves; their insert conflicts, and the re-run refuses.
        var creates = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await host.ExecuteAsync(new CreateTemplate(racer));
                return "created";
            }
            catch (TemplateAlreadyExistsException)
            {
                return "exists";
            }
        }));

        var outcomes = await Task.WhenAll(creates);

        outcomes.Count(o => o == "created").Should().Be(1);
        outcomes.Count(o => o == "exists").Should().Be(7);
    }

    [Fact]
    public async Task RetryBehavior_WhenTheBaseDelayIsSet_PausesBetweenAttempts()
    {
        await using var host = HostFactoryTestHost.Create(options => options.ConfigureApplication = application => application.ConcurrencyRetryBaseDelay = TimeSpan.FromMilliseconds(40));
        await host.CreateTemplateAsync();
        host.Templates.InjectConflicts(2);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await host.ExecuteAsync(new UpdateTemplate(TestTemplates.Definition(maxNumber: 2)));

        // Two pauses: about 40 ms and 80 ms, each jittered down to half at the least.
        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(55));
    }
}
