using HostFactory.Cqrs.Tests.Fixtures.Dispatch;
using HostFactory.Cqrs.Tests.Fixtures.Duplicates.Command;
using HostFactory.Cqrs.Tests.Fixtures.Duplicates.CommandWithResult;
using HostFactory.Cqrs.Tests.Fixtures.Duplicates.Query;
using HostFactory.Cqrs.Tests.Fixtures.Events;
using HostFactory.Cqrs.Tests.Fixtures.Misregistered.AttributeWithoutInterface;
using HostFactory.Cqrs.Tests.Fixtures.Misregistered.ClosedBehavior;
using HostFactory.Cqrs.Tests.Fixtures.Misregistered.ConflictingLifetimes;
using HostFactory.Cqrs.Tests.Fixtures.Misregistered.InterfaceWithoutAttribute;
using HostFactory.Cqrs.Tests.Fixtures.Misregistered.OpenGenericHandler;
using HostFactory.Cqrs.Tests.Fixtures.Misregistered.UnmarkedBehavior;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

public sealed class AddCqrsTests
{
    public static TheoryData<Type, Type, Type> DuplicatedMessages => new()
    {
        { typeof(ContestedCommand), typeof(FirstContestedCommandHandler), typeof(SecondContestedCommandHandler) },
        { typeof(ContestedCommandWithResult), typeof(FirstContestedCommandWithResultHandler), typeof(SecondContestedCommandWithResultHandler) },
        { typeof(ContestedQuery), typeof(FirstContestedQueryHandler), typeof(SecondContestedQueryHandler) },
    };

    public static TheoryData<Type, string> MisregisteredClasses => new()
    {
        { typeof(MarkedButNotAHandler), "is marked [CommandHandler] but implements no ICommandHandler" },
        { typeof(UnmarkedCommandHandler), "is not marked [CommandHandler]" },
        { typeof(CatchAllCommandHandler<>), "is an open generic handler" },
        { typeof(ClosedBehavior), "must be a non-abstract open generic class" },
        { typeof(UnmarkedBehavior<,>), "is not marked [PipelineBehavior]" },
        { typeof(TwoLifetimesHandler), "has handler attributes with different lifetimes" },
    };

    [Theory]
    [MemberData(nameof(DuplicatedMessages))]
    public void AddCqrs_WhenMessageHasTwoHandlers_ThrowsDuplicateHandlerNamingBoth(Type message, Type first, Type second)
    {
        var services = new ServiceCollection();

        var thrown = services.Invoking(s => s.AddCqrs(o => o.TypeFilter = TestServices.InNamespaceOf(message), TestServices.TestAssembly))
            .Should().ThrowExactly<DuplicateHandlerException>();

        thrown.Which.MessageType.Should().Be(message);
        new[] { thrown.Which.FirstHandler, thrown.Which.SecondHandler }.Should().BeEquivalentTo([first, second]);
        thrown.Which.Message.Should().Contain(first.FullName).And.Contain(second.FullName).And.Contain(message.FullName);
    }

    [Theory]
    [MemberData(nameof(MisregisteredClasses))]
    public void AddCqrs_WhenClassIsMisregistered_ThrowsHandlerRegistrationNamingIt(Type misregistered, string reason)
    {
        var services = new ServiceCollection();

        var thrown = services.Invoking(s => s.AddCqrs(o => o.TypeFilter = TestServices.InNamespaceOf(misregistered), TestServices.TestAssembly))
            .Should().ThrowExactly<HandlerRegistrationException>();

        thrown.Which.Type.Should().Be(misregistered);
        thrown.Which.Message.Should().Contain(misregistered.Namespace + "." + misregistered.Name.Split('`')[0]).And.Contain(reason);
    }

    [Theory]
    [MemberData(nameof(MisregisteredClasses))]
    public void AddCqrs_WhenScanFails_LeavesServiceCollectionUnchanged(Type misregistered, string reason)
    {
        _ = reason;
        var services = new ServiceCollection();
        services.AddSingleton<Recorder>();

        services.Invoking(s => s.AddCqrs(o => o.TypeFilter = TestServices.InNamespaceOf(misregistered), TestServices.TestAssembly))
            .Should().Throw<HandlerRegistrationException>();

        services.Select(d => d.ServiceType).Should().Equal(typeof(Recorder));
    }

    [Theory]
    [MemberData(nameof(DuplicatedMessages))]
    public void AddCqrs_WhenDuplicatesFound_LeavesServiceCollectionUnchanged(Type message, Type first, Type second)
    {
        _ = (first, second);
        var services = new ServiceCollection();
        services.AddSingleton<Recorder>();

        services.Invoking(s => s.AddCqrs(o => o.TypeFilter = TestServices.InNamespaceOf(message), TestServices.TestAssembly))
            .Should().Throw<DuplicateHandlerException>();

        services.Select(d => d.ServiceType).Should().Equal(typeof(Recorder));
    }

    [Fact]
    public void AddCqrs_WhenLaterCallFails_LeavesEarlierRegistrationsUnchanged()
    {
        var services = TestServices.For(typeof(RecordCommand));
        var before = services.ToArray();

        services.Invoking(s => s.AddCqrs(o => o.AddBehavior(typeof(ClosedBehavior)), TestServices.TestAssembly))
            .Should().Throw<HandlerRegistrationException>();

        services.Should().Equal(before);
    }

    [Fact]
    public void AddBehavior_WhenTypeIsNotAnOpenGenericBehavior_ThrowsHandlerRegistration()
    {
        var services = new ServiceCollection();

        var thrown = services.Invoking(s => s.AddCqrs(o => o.AddBehavior(typeof(ClosedBehavior)), TestServices.TestAssembly))
            .Should().ThrowExactly<HandlerRegistrationException>();

        thrown.Which.Type.Should().Be<ClosedBehavior>();
        services.Should().BeEmpty();
    }

    [Fact]
    public async Task AddCqrs_WhenCalledTwiceWithSameAssembly_RegistersEachHandlerOnce()
    {
        var services = TestServices.For(typeof(RecordCommand));
        var count = services.Count;

        services.AddCqrs(o => o.TypeFilter = TestServices.InNamespaceOf(typeof(RecordCommand)), TestServices.TestAssembly);
        services.AddCqrs(TestServices.TestAssembly);

        services.Should().HaveCount(count);
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new RecordCommand("once"));
        await scope.ServiceProvider.GetRequiredService<IEventBus>().PublishAsync(new Pinged("once"));
        provider.GetRequiredService<Recorder>().Entries.Should().Equal("command:once", "pinged:once");
    }

    [Fact]
    public void AddCqrs_WhenTypeFilterIsMissing_ScansEveryFixtureAndFails()
    {
        // The test assembly holds deliberately broken fixtures; only TypeFilter keeps them out of the other tests.
        var services = new ServiceCollection();

        services.Invoking(s => s.AddCqrs(TestServices.TestAssembly)).Should().Throw<InvalidOperationException>()
            .Which.Should().Match<InvalidOperationException>(e => e is DuplicateHandlerException || e is HandlerRegistrationException);
    }

    [Fact]
    public async Task AddCqrs_WhenTypeFilterExcludesHandlers_DoesNotRegisterThem()
    {
        var services = TestServices.For(typeof(RecordCommand));

        services.Should().NotContain(d => d.ServiceType == typeof(InventoryHandler));
        services.Should().Contain(d => d.ServiceType == typeof(RecordCommandHandler));
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IEventBus>().PublishAsync(new MachineProvisioned("m-1"));
        provider.GetRequiredService<Recorder>().Entries.Should().BeEmpty();
    }

    [Fact]
    public void AddCqrs_WhenCalled_ReturnsTheSameCollectionForChaining()
    {
        var services = new ServiceCollection();

        services.AddCqrs(o => o.TypeFilter = TestServices.InNamespaceOf(typeof(RecordCommand)), TestServices.TestAssembly)
            .Should().BeSameAs(services);
    }

    [Fact]
    public async Task AddCqrs_WhenLibraryAssemblyIsScanned_IgnoresItsBuiltInBehaviors()
    {
        // Scanning every loaded assembly includes this library; its own behaviours are registered by AddCqrs itself.
        var services = new ServiceCollection();
        services.AddSingleton<Recorder>();

        services.AddCqrs(typeof(ICommandBus).Assembly);
        services.AddCqrs(o => o.TypeFilter = TestServices.InNamespaceOf(typeof(RecordCommand)), TestServices.TestAssembly);

        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new RecordCommand("still works"));
        provider.GetRequiredService<Recorder>().Entries.Should().Equal("command:still works");
    }
}
