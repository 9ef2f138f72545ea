using HostFactory.Application.Requests;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HostFactory.Hosting.Tests;

/// <summary>The reconciler over the test kit: its clock drives the timer, its fake provider plays the cloud.</summary>
public sealed class HostFactoryReconcilerTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    private readonly HostFactoryTestHost _host;
    private readonly HostFactoryReconciler _reconciler;

    public HostFactoryReconcilerTests()
    {
        _host = HostFactoryTestHost.Create(options => options.ConfigureServices = services => services.AddHostFactoryReconciler(reconciler =>
        {
            reconciler.Interval = Interval;
            reconciler.ProvisionStaleAfter = TimeSpan.FromMinutes(5);
            reconciler.MaxProvisionRetries = 1;
        }));
        _reconciler = _host.Services.GetRequiredService<HostFactoryReconciler>();
    }

    [Fact]
    public async Task Reconciler_WhenTheClockReachesTheInterval_SyncsAndTheRequestCompletesOnceItsMachinesRun()
    {
        await StartAsync();
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(2)));
        var request = await _host.ExecuteAsync(new RequestMachines(TestTemplates.DefaultId, 1));

        var firstTick = _reconciler.LastPass!.StartedAt + Interval;
        _host.Clock.Advance(Interval - TimeSpan.FromSeconds(1));
        await AdvanceAndWaitAsync(TimeSpan.FromSeconds(1));
        var firstPass = _reconciler.LastPass!;
        var describesByThen = _host.Provider.DescribeCalls;
        var afterOnePass = await StatusOf(request.RequestId);
        await AdvanceAndWaitAsync(Interval);

        // Passes run one after the other: one started short of the interval would have finished, and described the
        // machine, before the pass at the interval.
        firstPass.StartedAt.Should().Be(firstTick);
        describesByThen.Should().Be(1, "nothing runs between two ticks");
        afterOnePass.Should().Be(RequestStatus.Provisioning, "the machine is still pending at the first look");
        (await StatusOf(request.RequestId)).Should().Be(RequestStatus.Completed);
        _reconciler.LastPass!.Changed.Should().Be(1);
        _host.Provider.DescribeCalls.Should().Be(2);
    }

    [Fact]
    public async Task Reconciler_WhenARequestPassesItsDeadline_TimesItOut()
    {
        await StartAsync();
        await _host.CreateTemplateAsync(TestTemplates.Definition(requestTimeout: TimeSpan.FromMinutes(10)));
        _host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.Hangs));
        var request = await _host.ExecuteAsync(new RequestMachines(TestTemplates.DefaultId, 1));

        await AdvanceAndWaitAsync(TimeSpan.FromMinutes(11));

        (await StatusOf(request.RequestId)).Should().Be(RequestStatus.TimedOut);
        _host.Machines.All.Should().ContainSingle().Which.Status.Should().Be(MachineStatus.Terminated, "a machine that never came up is released");
    }

    [Fact]
    public async Task Reconciler_WhenAProviderTakesAMachineBack_RecordsItAsReclaimed()
    {
        await StartAsync();
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(0), MachineScript.RunningAfter(0)));
        var request = await _host.ExecuteAsync(new RequestMachines(TestTemplates.DefaultId, 2));
        await AdvanceAndWaitAsync(Interval);
        (await StatusOf(request.RequestId)).Should().Be(RequestStatus.Completed);
        var lost = _host.Machines.All[0];
        _host.Provider.Reclaim(lost.HostName);

        await AdvanceAndWaitAsync(Interval);

        _reconciler.LastPass!.ReclaimedRecorded.Should().Be(1);
        var recorded = await _host.Machines.GetAsync(lost.Id, default);
        recorded!.Status.Should().Be(MachineStatus.Terminated);
        recorded.Message.Should().Be("Provider 'fake' has reclaimed or lost the machine.");
        _host.Machines.All.Count(m => m.Status == MachineStatus.Running).Should().Be(1, "the other machine is untouched");
    }

    [Fact]
    public async Task Reconciler_WhenAProviderHoldsAMachineNoRequestOwns_CountsItAndReleasesNothing()
    {
        await StartAsync();
        await _host.CreateTemplateAsync();
        var template = (await _host.Templates.FindAsync(new TemplateId(TestTemplates.DefaultId), default))!;
        await _host.Provider.ProvisionAsync(new ProvisionRequest(new ProvisionKey(RequestId.NewAcquire(), 0), template.ToSnapshot(), 1), default);

        await AdvanceAndWaitAsync(Interval);

        _reconciler.LastPass!.Orphans.Should().Be(1);
        _host.Provider.ReleaseCalls.Should().BeEmpty("an orphan is for the operator to release");
        _host.Provider.Machines.Should().ContainSingle().Which.Released.Should().BeFalse();
    }

    [Fact]
    public async Task Reconciler_WhenARequestIsStuckPending_RetriesItsProvisionAndThenCompletesIt()
    {
        await StartAsync();
        await _host.CreateTemplateAsync();
        _host.Provider.DefaultMachine = MachineScript.RunningAfter(0);
        var stuck = Request.CreateAcquire(new TemplateId(TestTemplates.DefaultId), 1, TimeSpan.FromMinutes(30), _host.Clock);
        await _host.Requests.SaveAsync(stuck, default);

        await AdvanceAndWaitAsync(TimeSpan.FromMinutes(5));
        var afterRetry = await StatusOf(stuck.Id);
        await AdvanceAndWaitAsync(Interval);

        afterRetry.Should().NotBe(RequestStatus.Pending);
        _host.Provider.ProvisionCalls.Should().ContainSingle().Which.RequestId.Should().Be(stuck.Id);
        (await StatusOf(stuck.Id)).Should().Be(RequestStatus.Completed);
    }

    [Fact]
    public async Task Reconciler_WhenAStepFails_LogsItAndTheNextPassSucceeds()
    {
        await StartAsync();
        await _host.CreateTemplateAsync();
        var request = await _host.ExecuteAsync(new RequestMachines(TestTemplates.DefaultId, 1));
        _host.Requests.InjectConflicts(100, id => id == request.RequestId);

        await AdvanceAndWaitAsync(Interval);
        var failed = _reconciler.LastPass!;
        _host.Requests.InjectConflicts(0);
        await AdvanceAndWaitAsync(Interval);

        failed.Problems.Should().ContainSingle().Which.Should().StartWith("sync requests failed: ");
        _reconciler.LastPass!.Problems.Should().BeEmpty();
        (await StatusOf(request.RequestId)).Should().Be(RequestStatus.Completed);
    }

    [Fact]
    public async Task Reconciler_WhenDisabled_NeverRuns()
    {
        await using var host = HostFactoryTestHost.Create(options => options.ConfigureServices = services => services.AddHostFactoryReconciler(r => r.Enabled = false));
        var reconciler = host.Services.GetRequiredService<HostFactoryReconciler>();
        await host.CreateTemplateAsync();
        await host.ExecuteAsync(new RequestMachines(TestTemplates.DefaultId, 1));

        await reconciler.StartAsync(default);
        // ExecuteAsync runs in the background: a disabled reconciler's ends by itself, where an enabled one's would
        // wait for its timer for ever (and this wait time out).
        await reconciler.ExecuteTask!.WaitAsync(WaitLimit);
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        await reconciler.StopAsync(default);

        reconciler.CompletedPasses.Should().Be(0);
        host.Provider.DescribeCalls.Should().Be(0);
    }

    [Fact]
    public async Task AddHostFactoryReconciler_WhenSettingsAreOutOfRange_FailsAtStartNamingEachSetting()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["hostFactory:reconciler:interval"] = "00:00:00",
            ["hostFactory:reconciler:provisionStaleAfter"] = "00:00:01",
            ["hostFactory:reconciler:maxProvisionRetries"] = "11",
        });
        builder.Services.AddHostFactoryApplication();
        builder.Services.AddHostFactoryReconciler(builder.Configuration);
        using var host = builder.Build();

        var starting = () => host.StartAsync();

        var failure = await starting.Should().ThrowAsync<OptionsValidationException>();
        failure.Which.Failures.Should().Equal(
            "hostFactory:reconciler:interval must be between 00:00:01 and 01:00:00, was 00:00:00.",
            "hostFactory:reconciler:provisionStaleAfter must be between 00:00:10 and 1.00:00:00, was 00:00:01.",
            "hostFactory:reconciler:maxProvisionRetries must be between 0 and 10, was 11.");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _reconciler.StopAsync(default);
        await _host.DisposeAsync();
    }

    /// <summary>Starts the reconciler and waits for the pass it runs at once.</summary>
    private async Task StartAsync()
    {
        await _reconciler.StartAsync(default);
        await WaitForPassesAsync(1);
    }

    /// <summary>
    /// Moves the clock (firing the timer) and waits for a pass that started at the new time. A long move fires the
    /// timer once per interval on the way, and a pass may start while the clock still stands at one of those ticks.
    /// </summary>
    private async Task AdvanceAndWaitAsync(TimeSpan by)
    {
        var target = _host.Clock.GetUtcNow() + by;
        _host.Clock.Advance(by);
        using var limit = new CancellationTokenSource(WaitLimit);
        while (_reconciler.LastPass is not { } pass || pass.StartedAt < target)
        {
            await Task.Delay(5, limit.Token);
        }
    }

    private async Task WaitForPassesAsync(int count)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (_reconciler.CompletedPasses < count)
        {
            await Task.Delay(5, limit.Token);
        }
    }

    private async Task<RequestStatus> StatusOf(RequestId id) => (await _host.Requests.GetAsync(id, default))!.Status;
}
