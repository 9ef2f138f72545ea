using System.Diagnostics;
using System.Diagnostics.Metrics;
using HostFactory.Cqrs.Tests.Fixtures.Observability;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

[Collection(DiagnosticsCollection.Name)]
public sealed class DiagnosticsBehaviorTests
{
    [Fact]
    public async Task ExecuteAsync_WhenActivityListenerAttached_StartsOneActivityPerDispatch()
    {
        var activities = new List<Activity>();
        using var listener = ListenToActivities(activities, nameof(TracedCommand));
        await using var provider = TestServices.For(typeof(TracedCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        await bus.ExecuteAsync(new TracedCommand());
        await bus.ExecuteAsync(new TracedCommand());

        activities.Should().HaveCount(2).And.AllSatisfy(activity =>
        {
            activity.Source.Name.Should().Be(CqrsDiagnostics.Name);
            activity.OperationName.Should().Be(nameof(TracedCommand));
            activity.GetTagItem(CqrsDiagnostics.MessageTypeTag).Should().Be(nameof(TracedCommand));
            activity.GetTagItem(CqrsDiagnostics.OutcomeTag).Should().Be("success");
            activity.Status.Should().Be(ActivityStatusCode.Unset);
        });
    }

    [Fact]
    public async Task ExecuteAsync_WhenListenerAttachesBetweenDispatches_TracesFromThen()
    {
        var activities = new List<Activity>();
        await using var provider = TestServices.For(typeof(TracedCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        await bus.ExecuteAsync(new TracedCommand());
        using (ListenToActivities(activities, nameof(TracedCommand)))
        {
            await bus.ExecuteAsync(new TracedCommand());
        }

        await bus.ExecuteAsync(new TracedCommand());

        activities.Should().ContainSingle("only the dispatch made while a listener was attached is traced");
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerIsSingletonAndListenerAttachesBetweenDispatches_TracesFromThen()
    {
        var activities = new List<Activity>();
        await using var provider = TestServices.For(typeof(TracedSingletonQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        // Two quiet dispatches first: the second goes straight to the singleton handler.
        (await bus.ExecuteAsync(new TracedSingletonQuery(1))).Should().Be(1);
        (await bus.ExecuteAsync(new TracedSingletonQuery(2))).Should().Be(2);
        using (ListenToActivities(activities, nameof(TracedSingletonQuery)))
        {
            (await bus.ExecuteAsync(new TracedSingletonQuery(3))).Should().Be(3);
        }

        (await bus.ExecuteAsync(new TracedSingletonQuery(4))).Should().Be(4);

        activities.Should().ContainSingle("only the dispatch made while a listener was attached is traced")
            .Which.GetTagItem(CqrsDiagnostics.OutcomeTag).Should().Be("success");
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerIsSingletonAndMeterListenerAttachesBetweenDispatches_MeasuresFromThen()
    {
        var measurements = new List<(double Seconds, Dictionary<string, object?> Tags)>();
        await using var provider = TestServices.For(typeof(MeteredSingletonCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        (await bus.ExecuteAsync(new MeteredSingletonCommand())).Should().Be(11);
        (await bus.ExecuteAsync(new MeteredSingletonCommand())).Should().Be(11);
        using (ListenToDurations(measurements))
        {
            (await bus.ExecuteAsync(new MeteredSingletonCommand())).Should().Be(11);
        }

        (await bus.ExecuteAsync(new MeteredSingletonCommand())).Should().Be(11);

        measurements.Where(m => (string?)m.Tags[CqrsDiagnostics.MessageTypeTag] == nameof(MeteredSingletonCommand))
            .Should().ContainSingle("only the dispatch made while a meter listener was attached is measured");
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerFailsUnderActivityListener_MarksActivityAsFailure()
    {
        var activities = new List<Activity>();
        using var listener = ListenToActivities(activities, nameof(FailingTracedQuery));
        await using var provider = TestServices.For(typeof(FailingTracedQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<IQueryBus>().Awaiting(b => b.ExecuteAsync(new FailingTracedQuery()).AsTask())
            .Should().ThrowExactlyAsync<ObservedFailureException>();

        var activity = activities.Should().ContainSingle().Subject;
        activity.GetTagItem(CqrsDiagnostics.OutcomeTag).Should().Be("failure");
        activity.Status.Should().Be(ActivityStatusCode.Error);
        activity.StatusDescription.Should().Be("traced failure");
    }

    [Fact]
    public async Task ExecuteAsync_WhenMeterListenerAttached_RecordsOneDurationPerDispatch()
    {
        var measurements = new List<(double Seconds, Dictionary<string, object?> Tags)>();
        using var listener = ListenToDurations(measurements);
        await using var provider = TestServices.For(typeof(MeteredCommandWithResult)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var commands = scope.ServiceProvider.GetRequiredService<ICommandBus>();
        var queries = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        (await commands.ExecuteAsync(new MeteredCommandWithResult())).Should().Be(7);
        await queries.Awaiting(b => b.ExecuteAsync(new FailingMeteredQuery()).AsTask()).Should().ThrowExactlyAsync<ObservedFailureException>();

        var ours = measurements
            .Where(m => m.Tags[CqrsDiagnostics.MessageTypeTag] is nameof(MeteredCommandWithResult) or nameof(FailingMeteredQuery))
            .ToArray();
        ours.Should().HaveCount(2);
        ours.Should().ContainSingle(m => (string?)m.Tags[CqrsDiagnostics.MessageTypeTag] == nameof(MeteredCommandWithResult))
            .Which.Tags[CqrsDiagnostics.OutcomeTag].Should().Be("success");
        ours.Should().ContainSingle(m => (string?)m.Tags[CqrsDiagnostics.MessageTypeTag] == nameof(FailingMeteredQuery))
            .Which.Tags[CqrsDiagnostics.OutcomeTag].Should().Be("failure");
        ours.Should().OnlyContain(m => m.Seconds >= 0 && m.Tags.Count == 2);
    }

    private static ActivityListener ListenToActivities(List<Activity> stopped, string operationName)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CqrsDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == operationName)
                {
                    lock (stopped)
                    {
                        stopped.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static MeterListener ListenToDurations(List<(double Seconds, Dictionary<string, object?> Tags)> measurements)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Name == CqrsDiagnostics.Name && instrument.Name == CqrsDiagnostics.DurationInstrument)
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((value, copy));
            }
        });
        listener.Start();
        return listener;
    }
}
