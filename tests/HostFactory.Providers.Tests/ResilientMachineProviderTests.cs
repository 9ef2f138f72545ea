using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Configuration;
using HostFactory.Providers.Resilience;
using Microsoft.Extensions.Logging.Abstractions;

namespace HostFactory.Providers.Tests;

public sealed class ResilientMachineProviderTests
{
    private static readonly ProviderMachine[] Machines =
        [new(MachineId.New(), "p-1", "host-1", new Dictionary<string, string>()), new(MachineId.New(), "p-2", "host-2", new Dictionary<string, string>())];

    private static ResilientMachineProvider Wrap(ScriptedProvider inner, double timeoutSeconds = 5, int retries = 2) =>
        new(inner, new ProviderInstanceOptions { Name = "scripted", Type = "scripted", TimeoutSeconds = timeoutSeconds, Retries = retries, RetryDelaySeconds = 0 }, NullLogger.Instance);

    private static ProvisionRequest Request(int count) => new(new ProvisionKey(RequestId.NewAcquire(), 0), TestTemplates.Snapshot("scripted"), count);

    private static ProvisionedMachine Made(string id) =>
        new(id, $"host-{id}", "10.0.0.1", null, DateTimeOffset.UnixEpoch, MachineStatus.Running, new Dictionary<string, string>());

    [Theory]
    [InlineData(ReportedMachineId.OurId)]
    [InlineData(ReportedMachineId.ProviderId)]
    public void ReportedMachineId_WhenWrapped_IsWhatTheProviderDeclares(ReportedMachineId declared)
    {
        IMachineProvider wrapped = Wrap(new ScriptedProvider { ReportedMachineId = declared });

        wrapped.ReportedMachineId.Should().Be(declared);
    }

    [Fact]
    public async Task DescribeAsync_WhenTheFailureIsTransient_RetriesAndReturnsTheAnswer()
    {
        var inner = new ScriptedProvider
        {
            Describe = (attempt, asked) => attempt < 3
                ? throw new TransientProviderException("API busy")
                : asked.Select(m => new MachineObservation(m.ProviderMachineId, MachineStatus.Running, null)).ToArray(),
        };

        var observations = await Wrap(inner).DescribeAsync(Machines, CancellationToken.None);

        observations.Should().HaveCount(2);
        inner.Calls.Should().Be(3);
    }

    [Fact]
    public async Task DescribeAsync_WhenTransientFailuresOutlastTheRetries_ThrowsWithTheProvidersMessage()
    {
        var inner = new ScriptedProvider { Describe = (_, _) => throw new IOException("connection reset") };

        var act = () => Wrap(inner, retries: 2).DescribeAsync(Machines, CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage("Provider 'scripted' (scripted) failed to describe: IOException: connection reset");
        inner.Calls.Should().Be(3, "one try and two retries");
    }

    [Fact]
    public async Task ReleaseAsync_WhenTheFailureIsNotTransient_DoesNotRetry()
    {
        var inner = new ScriptedProvider { Release = (_, _) => throw new MachineProviderException("quota exceeded") };

        var act = () => Wrap(inner).ReleaseAsync(Machines, CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage("Provider 'scripted' (scripted) failed to release: quota exceeded");
        inner.Calls.Should().Be(1);
    }

    [Fact]
    public async Task DescribeAsync_WhenEveryAttemptHangs_TimesOutEachAndThrows()
    {
        var inner = new ScriptedProvider { DescribeAsync = async (_, _, token) => { await Task.Delay(Timeout.Infinite, token); return []; } };

        var act = () => Wrap(inner, timeoutSeconds: 0.2, retries: 1).DescribeAsync(Machines, CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage("Provider 'scripted' (scripted) did not finish describe within 0.2 s.");
        inner.Calls.Should().Be(2, "a timed-out describe is safe to try again");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheAttemptTimesOut_FailsWithoutRetrying()
    {
        var inner = new ScriptedProvider { ProvisionAsync = async (_, _, token) => { await Task.Delay(Timeout.Infinite, token); return ProvisionResult.Success([]); } };

        var result = await Wrap(inner, timeoutSeconds: 0.2, retries: 3).ProvisionAsync(Request(1), CancellationToken.None);

        result.Machines.Should().BeEmpty();
        result.Error.Should().Be("Provider 'scripted' (scripted) did not finish provision within 0.2 s.");
        inner.Calls.Should().Be(1, "a provision that may have made machines must not be repeated");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheProviderThrows_ReturnsAFailureWithItsMessage()
    {
        var inner = new ScriptedProvider { Provision = (_, _) => throw new InvalidOperationException("bug in plugin") };

        var result = await Wrap(inner).ProvisionAsync(Request(1), CancellationToken.None);

        result.Error.Should().Be("Provider 'scripted' (scripted) failed to provision: InvalidOperationException: bug in plugin");
    }

    [Fact]
    public async Task ProvisionAsync_WhenATransientFailureIsFollowedBySuccess_ReturnsTheMachines()
    {
        var inner = new ScriptedProvider { Provision = (attempt, _) => attempt == 1 ? throw new TransientProviderException("throttled") : ProvisionResult.Success([Made("a")]) };

        var result = await Wrap(inner).ProvisionAsync(Request(1), CancellationToken.None);

        result.IsComplete.Should().BeTrue();
        result.Machines.Should().ContainSingle().Which.ProviderMachineId.Should().Be("a");
    }

    [Fact]
    public async Task ProvisionAsync_WhenRetriedAfterATransientFailure_AsksUnderTheSameKey()
    {
        var asked = new List<ProvisionKey>();
        var inner = new ScriptedProvider
        {
            Provision = (attempt, request) =>
            {
                asked.Add(request.Key);
                return attempt < 3 ? throw new TransientProviderException("throttled") : ProvisionResult.Success([Made("a")]);
            },
        };
        var request = Request(1);

        await Wrap(inner, retries: 2).ProvisionAsync(request, CancellationToken.None);

        asked.Should().Equal([request.Key, request.Key, request.Key], "a provider that honours the key answers a retry with what a failed attempt made");
    }

    [Fact]
    public async Task ProvisionAsync_WhenSomeMachinesAreGarbage_KeepsTheGoodOnesAndSaysWhatWasWrong()
    {
        var inner = new ScriptedProvider { Provision = (_, _) => new ProvisionResult([Made("a"), Made(""), null!, Made("a")], null) };

        var result = await Wrap(inner).ProvisionAsync(Request(4), CancellationToken.None);

        result.Machines.Select(m => m.ProviderMachineId).Should().Equal("a");
        result.Error.Should().Be("Provider 'scripted' (scripted) returned an invalid answer to provision: machine 1 has no provider machine id; machine 2 is null; machine 3 repeats the id 'a'.");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheAnswerIsNull_ReportsItAsInvalid()
    {
        var inner = new ScriptedProvider { Provision = (_, _) => null! };

        var result = await Wrap(inner).ProvisionAsync(Request(1), CancellationToken.None);

        result.Error.Should().Be("Provider 'scripted' (scripted) returned an invalid answer to provision: the answer is null.");
    }

    [Fact]
    public async Task ProvisionAsync_WhenMoreMachinesThanAskedAreMade_ReleasesTheExtras()
    {
        var inner = new ScriptedProvider
        {
            Provision = (_, _) => ProvisionResult.Success([Made("a"), Made("b"), Made("c")]),
            Release = (_, asked) => new ReleaseResult(asked.Select(m => new MachineReleaseOutcome(m.ProviderMachineId, ReleaseOutcome.Released, null)).ToArray()),
        };

        var result = await Wrap(inner).ProvisionAsync(Request(2), CancellationToken.None);

        result.Machines.Select(m => m.ProviderMachineId).Should().Equal("a", "b");
        result.Error.Should().Contain("1 more machine(s) than the 2 asked for (c); they were released");
        inner.Released.Should().Equal("c");
    }

    [Fact]
    public async Task ProvisionAsync_WhenFewerAreMadeWithoutAnError_AddsOne()
    {
        var inner = new ScriptedProvider { Provision = (_, _) => ProvisionResult.Success([Made("a")]) };

        var result = await Wrap(inner).ProvisionAsync(Request(3), CancellationToken.None);

        result.Error.Should().Be("Provider 'scripted' (scripted) made 1 of 3 machines without saying why.");
    }

    [Fact]
    public async Task DescribeAsync_WhenAMachineIsMissingFromTheAnswer_ThrowsNamingIt()
    {
        var inner = new ScriptedProvider { Describe = (_, _) => [new MachineObservation("p-1", MachineStatus.Running, null)] };

        var act = () => Wrap(inner).DescribeAsync(Machines, CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>())
            .WithMessage("Provider 'scripted' (scripted) returned an invalid answer to describe: machine 'p-2' is missing from the answer (1 entries for 2 machines).");
    }

    [Fact]
    public async Task DescribeAsync_WhenAStatusIsUndefined_ThrowsNamingIt()
    {
        var inner = new ScriptedProvider { Describe = (_, asked) => asked.Select(m => new MachineObservation(m.ProviderMachineId, (MachineStatus)42, null)).ToArray() };

        var act = () => Wrap(inner).DescribeAsync(Machines, CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage("*machine 'p-1' has the undefined status 42.");
    }

    [Fact]
    public async Task ListReclaimedAsync_WhenAnUnaskedMachineIsReported_ThrowsNamingIt()
    {
        var inner = new ScriptedProvider { Reclaimed = (_, _) => [new ReclaimedMachine("p-9", "host-9", 0)] };

        var act = () => Wrap(inner).ListReclaimedAsync(Machines, CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage("*list reclaimed machines: machine 'p-9' was not asked about.");
    }

    [Fact]
    public async Task DescribeAsync_WhenTheCallerCancels_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var inner = new ScriptedProvider { DescribeAsync = async (_, _, token) => { await cancellation.CancelAsync(); token.ThrowIfCancellationRequested(); return []; } };

        var act = () => Wrap(inner).DescribeAsync(Machines, cancellation.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        inner.Calls.Should().Be(1);
    }

    /// <summary>A provider whose every answer is given by the test, counting calls.</summary>
    [Fact]
    public void LongestCall_IsEveryAttemptTimingOutWithTheLongestPauseBetween()
    {
        var resilient = new ResilientMachineProvider(
            new ScriptedProvider(),
            new ProviderInstanceOptions { Name = "scripted", Type = "scripted", TimeoutSeconds = 10, Retries = 2, RetryDelaySeconds = 0.5 },
            NullLogger.Instance);

        resilient.LongestCall.Should().Be(TimeSpan.FromSeconds((3 * 10) + (2 * 0.5 * 4)), "three attempts of 10 s, and two pauses capped at 0.5 s × 2²");
    }

    [Fact]
    public async Task ListHeldAsync_WhenTheProviderListsTheRequestsMachines_PassesThemOn()
    {
        var key = new ProvisionKey(RequestId.NewAcquire(), 1);
        var inner = new ScriptedProvider { Held = (_, _) => HeldMachines.Found([new HeldMachine(key, Made("p-1"))]) };

        var held = await Wrap(inner).ListHeldAsync(key.RequestId, default);

        held.IsSupported.Should().BeTrue();
        held.Machines.Should().ContainSingle().Which.Key.Should().Be(key);
    }

    [Fact]
    public async Task ListHeldAsync_WhenTheProviderCannotList_SaysSoWithItsReason()
    {
        var inner = new ScriptedProvider { Held = (_, _) => HeldMachines.NotSupported("no inventory") };

        var held = await Wrap(inner).ListHeldAsync(null, default);

        held.Should().BeEquivalentTo(new { IsSupported = false, Reason = "no inventory" });
    }

    [Fact]
    public async Task ListHeldAsync_WhenAMachineOfAnotherRequestIsListed_ThrowsNamingIt()
    {
        var asked = RequestId.NewAcquire();
        var inner = new ScriptedProvider { Held = (_, _) => HeldMachines.Found([new HeldMachine(new ProvisionKey(RequestId.NewAcquire(), 0), Made("p-9"))]) };

        var listing = () => Wrap(inner).ListHeldAsync(asked, default);

        await listing.Should().ThrowAsync<MachineProviderException>().WithMessage("*machine 'p-9' was made for req-*, not for the request asked about*");
    }

    [Fact]
    public async Task ListHeldAsync_WhenTheProviderFailsTransiently_RetriesIt()
    {
        var inner = new ScriptedProvider { Held = (attempt, _) => attempt == 1 ? throw new IOException("flaky") : HeldMachines.Found([]) };

        var held = await Wrap(inner).ListHeldAsync(null, default);

        held.IsSupported.Should().BeTrue();
        inner.Calls.Should().Be(2);
    }

    private sealed class ScriptedProvider : IMachineProvider
    {
        private int _calls;

        public int Calls => _calls;

        public List<string> Released { get; } = [];

        public Func<int, ProvisionRequest, ProvisionResult>? Provision { get; init; }

        public Func<int, ProvisionRequest, CancellationToken, Task<ProvisionResult>>? ProvisionAsync { get; init; }

        public Func<int, IReadOnlyList<ProviderMachine>, IReadOnlyList<MachineObservation>>? Describe { get; init; }

        public Func<int, IReadOnlyList<ProviderMachine>, CancellationToken, Task<IReadOnlyList<MachineObservation>>>? DescribeAsync { get; init; }

        public Func<int, IReadOnlyList<ProviderMachine>, ReleaseResult>? Release { get; init; }

        public Func<int, IReadOnlyList<ProviderMachine>, IReadOnlyList<ReclaimedMachine>>? Reclaimed { get; init; }

        public Func<int, RequestId?, HeldMachines>? Held { get; init; }

        public ReportedMachineId ReportedMachineId { get; init; }

        Task<ProvisionResult> IMachineProvider.ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _calls);
            return ProvisionAsync is not null ? ProvisionAsync(attempt, request, cancellationToken) : Task.FromResult(Provision!(attempt, request));
        }

        Task<IReadOnlyList<MachineObservation>> IMachineProvider.DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _calls);
            return DescribeAsync is not null ? DescribeAsync(attempt, machines, cancellationToken) : Task.FromResult(Describe!(attempt, machines));
        }

        Task<ReleaseResult> IMachineProvider.ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _calls);
            Released.AddRange(machines.Select(m => m.ProviderMachineId));
            return Task.FromResult(Release!(attempt, machines));
        }

        Task<IReadOnlyList<ReclaimedMachine>> IMachineProvider.ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken) =>
            Task.FromResult(Reclaimed!(Interlocked.Increment(ref _calls), machines));

        Task<IReadOnlyList<string>> IMachineProvider.ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        Task<HeldMachines> IMachineProvider.ListHeldAsync(RequestId? requestId, CancellationToken cancellationToken) =>
            Task.FromResult(Held!(Interlocked.Increment(ref _calls), requestId));
    }
}
