using HostFactory.Cqrs.Tests.Fixtures.Events;
using HostFactory.Cqrs.Tests.Fixtures.FailingEvents;
using HostFactory.Cqrs.Tests.Fixtures.MixedEvents;
using HostFactory.Cqrs.Tests.Fixtures.ParallelEvents;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HostFactory.Cqrs.Tests;

public sealed class EventBusTests
{
    private static readonly string[] HandlerNames = ["inventory", "billing", "notification"];

    [Fact]
    public async Task PublishAsync_ByDefault_RunsEveryHandlerOneAfterAnother()
    {
        await using var provider = TestServices.For(typeof(MachineProvisioned)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<IEventBus>().PublishAsync(new MachineProvisioned("m-1"));

        // Each handler waits between its two entries; run in sequence, each one's pair stays together.
        var entries = provider.GetRequiredService<Recorder>().Entries;
        entries.Should().HaveCount(6);
        entries.Chunk(2).Should().AllSatisfy(pair => pair[1].Should().Be("<" + pair[0].TrimEnd('>')));
        entries.Where(e => e.EndsWith('>')).Select(e => e.TrimEnd('>')).Should().BeEquivalentTo(HandlerNames);
    }

    [Fact]
    public async Task PublishAsync_WhenParallel_RunsHandlersAtTheSameTime()
    {
        await using var provider = TestServices.For(typeof(CapacityChanged), o => o.EventPublishStrategy = EventPublishStrategy.Parallel).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var rendezvous = new Rendezvous(expected: 2, timeout: TimeSpan.FromSeconds(10));

        // Each handler waits until both have started: this completes only if they overlap.
        await scope.ServiceProvider.GetRequiredService<IEventBus>().Awaiting(b => b.PublishAsync(new CapacityChanged(rendezvous)).AsTask())
            .Should().CompleteWithinAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task PublishAsync_WhenSequential_DoesNotRunHandlersAtTheSameTime()
    {
        await using var provider = TestServices.For(typeof(CapacityChanged)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var rendezvous = new Rendezvous(expected: 2, timeout: TimeSpan.FromMilliseconds(200));

        var thrown = await scope.ServiceProvider.GetRequiredService<IEventBus>()
            .Awaiting(b => b.PublishAsync(new CapacityChanged(rendezvous)).AsTask())
            .Should().ThrowExactlyAsync<EventHandlerException>();

        // The first handler waited alone and gave up; the second found it had already arrived.
        thrown.Which.InnerExceptions.Should().ContainSingle().Which.Should().BeOfType<TimeoutException>();
    }

    [Theory]
    [InlineData(EventPublishStrategy.Sequential)]
    [InlineData(EventPublishStrategy.Parallel)]
    public async Task PublishAsync_WhenHandlersFail_RunsTheRestThenThrowsEveryFailure(EventPublishStrategy strategy)
    {
        await using var provider = TestServices.For(typeof(QuotaExceeded), o => o.EventPublishStrategy = strategy).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        var thrown = await scope.ServiceProvider.GetRequiredService<IEventBus>()
            .Awaiting(b => b.PublishAsync(new QuotaExceeded("centos-small")).AsTask())
            .Should().ThrowExactlyAsync<EventHandlerException>();

        var recorder = provider.GetRequiredService<Recorder>();
        recorder.Entries.Should().BeEquivalentTo("sync-failure ran", "success ran", "async-failure ran");
        thrown.Which.EventType.Should().Be<QuotaExceeded>();
        thrown.Which.InnerExceptions.Should().HaveCount(2).And.Contain(recorder.Thrown, "each failure arrives as the very exception thrown");
        thrown.Which.FailedHandlers.Zip(thrown.Which.InnerExceptions, (handler, error) => (handler, error.GetType()))
            .Should().BeEquivalentTo(
            [
                (typeof(FailingSynchronouslyHandler), typeof(NotificationFailedException)),
                (typeof(FailingAfterAwaitHandler), typeof(InvalidOperationException)),
            ]);
        thrown.Which.Message.Should().Contain(nameof(FailingSynchronouslyHandler)).And.Contain("mail server down")
            .And.Contain(nameof(FailingAfterAwaitHandler)).And.Contain("pager unreachable");
    }

    [Fact]
    public async Task PublishAsync_WhenSingletonHandlersFinishInEveryWay_RunsEachOnEveryPublishAndThrowsEachFailure()
    {
        await using var provider = TestServices.For(typeof(StorageFilled)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IEventBus>();
        var recorder = provider.GetRequiredService<Recorder>();
        string[] ran = ["at once", "throws", "faulted", "after waiting", "fails after waiting"];

        // The first publish resolves the singletons, the second calls them as already resolved.
        for (var publish = 1; publish <= 2; publish++)
        {
            var thrown = await bus.Awaiting(b => b.PublishAsync(new StorageFilled("/var")).AsTask()).Should().ThrowExactlyAsync<EventHandlerException>();

            recorder.Entries.Should().HaveCount(5 * publish).And.Subject.TakeLast(5).Should().BeEquivalentTo(ran);
            thrown.Which.InnerExceptions.Should().Equal(recorder.Thrown.TakeLast(3), "each failure arrives as the very exception thrown, in the order they ran");
            thrown.Which.FailedHandlers.Should().BeEquivalentTo([typeof(ThrowsBeforeReturning), typeof(ReturnsFaultedTask), typeof(FailsAfterWaiting)]);
        }
    }

    [Fact]
    public async Task PublishAsync_WhenFiveSingletonHandlersFinishAtOnceAndOneThrows_RunsEachOnEveryPublishAndFaultsTheTask()
    {
        await using var provider = TestServices.For(typeof(StorageChecked)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IEventBus>();
        var recorder = provider.GetRequiredService<Recorder>();

        // The first publish resolves the singletons; the second calls them bound, the first three from call sites of
        // their own and the rest from one. Wherever the scan put the throwing handler, every other one still runs.
        for (var publish = 1; publish <= 2; publish++)
        {
            var publishing = bus.PublishAsync(new StorageChecked("/var"));

            publishing.IsFaulted.Should().BeTrue("every handler finished at once, and one failed");
            var thrown = await publishing.Awaiting(p => p.AsTask()).Should().ThrowExactlyAsync<EventHandlerException>();
            thrown.Which.InnerExceptions.Should().ContainSingle().Which.Should().BeSameAs(recorder.Thrown.Last());
            thrown.Which.FailedHandlers.Should().Equal(typeof(ChecksHealth));
            recorder.Entries.Should().HaveCount(5 * publish).And.Subject.TakeLast(5).Should().BeEquivalentTo("quota", "inodes", "mounts", "speed", "health");
        }
    }

    [Fact]
    public async Task PublishAsync_WhenAHandlerThrowsWithoutWaiting_ReturnsAFaultedTaskRatherThanThrowing()
    {
        await using var provider = TestServices.For(typeof(StorageEmptied)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IEventBus>();

        var publishing = bus.PublishAsync(new StorageEmptied("/var"));

        publishing.IsFaulted.Should().BeTrue("every handler finished at once, and one failed");
        var thrown = await publishing.Awaiting(p => p.AsTask()).Should().ThrowExactlyAsync<EventHandlerException>();
        thrown.Which.InnerExceptions.Should().ContainSingle().Which.Should().BeSameAs(provider.GetRequiredService<Recorder>().Thrown.Single());
        provider.GetRequiredService<Recorder>().Entries.Should().BeEquivalentTo("emptied at once", "emptied throws");
    }

    [Fact]
    public async Task PublishAsync_WhenEventHasNoHandlers_DoesNothing()
    {
        await using var provider = TestServices.For(typeof(NobodyListens)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<IEventBus>().Awaiting(b => b.PublishAsync(new NobodyListens()).AsTask())
            .Should().NotThrowAsync();

        provider.GetRequiredService<Recorder>().Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task PublishAsync_WhenEventTypedAsBase_ReachesHandlersOfItsRuntimeType()
    {
        await using var provider = TestServices.For(typeof(MachineTerminated)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        IEvent @event = new MachineTerminated("m-7");

        await scope.ServiceProvider.GetRequiredService<IEventBus>().PublishAsync(@event);

        // Handlers are chosen by the exact runtime type: the base event's handler does not see a derived event.
        provider.GetRequiredService<Recorder>().Entries.Should().Equal("terminated:m-7");
    }

    [Fact]
    public async Task PublishAsync_WhenEventIsNull_ThrowsArgumentNull()
    {
        await using var provider = TestServices.For(typeof(NobodyListens)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<IEventBus>().Awaiting(b => b.PublishAsync(null!).AsTask())
            .Should().ThrowExactlyAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task PublishAsync_WhenAHandlerRegistrationWasRemoved_RunsTheOthersThenThrowsNamingIt()
    {
        var services = TestServices.For(typeof(MachineProvisioned));
        services.RemoveAll<BillingHandler>();
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        var thrown = await scope.ServiceProvider.GetRequiredService<IEventBus>()
            .Awaiting(b => b.PublishAsync(new MachineProvisioned("m-1")).AsTask())
            .Should().ThrowExactlyAsync<EventHandlerException>();

        thrown.Which.InnerExceptions.Should().ContainSingle()
            .Which.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain(typeof(BillingHandler).FullName);
        provider.GetRequiredService<Recorder>().Entries.Where(e => e.EndsWith('>')).Should().BeEquivalentTo("inventory>", "notification>");
    }
}
