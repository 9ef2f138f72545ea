using HostFactory.Cqrs.Tests.Fixtures.Dispatch;
using HostFactory.Cqrs.Tests.Fixtures.Unhandled;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

public sealed class ValidateCqrsTests
{
    [Fact]
    public void ValidateCqrs_WhenMessagesLackHandlers_ThrowsMissingHandlersListingEveryOne()
    {
        var services = TestServices.For(typeof(UnhandledCommand));

        var thrown = services.Invoking(s => s.ValidateCqrs()).Should().ThrowExactly<MissingHandlersException>();

        Type[] missing = [typeof(UnhandledCommand), typeof(UnhandledCommandWithResult), typeof(UnhandledQuery), typeof(UnhandledStructCommand)];
        thrown.Which.MessageTypes.Should().BeEquivalentTo(missing);
        foreach (var type in missing)
        {
            thrown.Which.Message.Should().Contain(type.FullName);
        }

        thrown.Which.Message.Should().NotContain(typeof(HandledCommand).FullName);
    }

    [Fact]
    public void ValidateCqrs_WhenEveryMessageHasHandler_ReturnsTheCollection()
    {
        var services = TestServices.For(typeof(RecordCommand));

        services.ValidateCqrs().Should().BeSameAs(services);
    }

    [Fact]
    public void ValidateCqrs_WhenAddCqrsWasNotCalled_ThrowsInvalidOperation()
    {
        var services = new ServiceCollection();

        services.Invoking(s => s.ValidateCqrs()).Should().ThrowExactly<InvalidOperationException>().WithMessage("*AddCqrs*");
    }
}
