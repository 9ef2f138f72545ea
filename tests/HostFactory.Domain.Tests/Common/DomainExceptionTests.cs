using HostFactory.Domain.Common;
using HostFactory.Domain.Providers;

namespace HostFactory.Domain.Tests.Common;

public sealed class DomainExceptionTests
{
    [Fact]
    public void InvalidStateTransitionException_WhenCreated_NamesEntityIdCurrentAndAttempted()
    {
        var exception = new InvalidStateTransitionException("Request", "req-1", "completed", "provisioning");

        exception.Message.Should().Be("Request 'req-1' cannot move from 'completed' to 'provisioning'.");
        exception.Entity.Should().Be("Request");
        exception.Id.Should().Be("req-1");
        exception.Current.Should().Be("completed");
        exception.Attempted.Should().Be("provisioning");
        exception.Should().BeAssignableTo<DomainException>();
    }

    [Fact]
    public void ConcurrencyException_WhenCreated_NamesBothVersions()
    {
        var exception = new ConcurrencyException("Request", "req-1", 3, 4);

        exception.Message.Should().Be("Request 'req-1' was changed by someone else: expected version 3, found 4.");
        exception.ExpectedVersion.Should().Be(3);
        exception.ActualVersion.Should().Be(4);
        exception.Should().BeAssignableTo<DomainException>();
    }

    [Fact]
    public void InvalidIdentifierException_WhenCreated_NamesKindValueAndRule()
    {
        var exception = new InvalidIdentifierException("template id", "a b", "no spaces");

        exception.Message.Should().Be("'a b' is not a valid template id: no spaces.");
        exception.IdKind.Should().Be("template id");
        exception.Value.Should().Be("a b");
        exception.Rule.Should().Be("no spaces");
    }

    [Fact]
    public void InvalidIdentifierException_WhenValueNull_SaysNull()
    {
        new InvalidIdentifierException("machine id", null, "m- and a uuid").Message
            .Should().Be("(null) is not a valid machine id: m- and a uuid.");
    }

    [Fact]
    public void DomainRuleViolationException_WhenCreated_KeepsMessage()
    {
        var exception = new DomainRuleViolationException("maxNumber out of range.");

        exception.Message.Should().Be("maxNumber out of range.");
        exception.Should().BeAssignableTo<DomainException>();
    }

    [Fact]
    public void UnknownProviderException_WhenOthersKnown_ListsThem()
    {
        var exception = new UnknownProviderException("aws", ["local", "azure"]);

        exception.Message.Should().Be("Unknown provider 'aws'. Known providers: local, azure.");
        exception.ProviderName.Should().Be("aws");
        exception.KnownNames.Should().Equal("local", "azure");
        exception.Should().BeAssignableTo<DomainException>();
    }

    [Fact]
    public void UnknownProviderException_WhenNoneKnown_SaysSo()
    {
        new UnknownProviderException("aws", []).Message.Should().Be("Unknown provider 'aws'. No providers are configured.");
    }
}
