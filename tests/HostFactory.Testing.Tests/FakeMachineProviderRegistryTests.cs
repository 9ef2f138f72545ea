using HostFactory.Domain.Providers;

namespace HostFactory.Testing.Tests;

public sealed class FakeMachineProviderRegistryTests
{
    [Fact]
    public void Get_WhenNameUnknown_ThrowsListingTheKnownNames()
    {
        var registry = new FakeMachineProviderRegistry().Add("b", new FakeMachineProvider("b")).Add("a", new FakeMachineProvider("a"));

        FluentActions.Invoking(() => registry.Get("c")).Should().Throw<UnknownProviderException>().WithMessage("Unknown provider 'c'. Known providers: a, b.");
        registry.ProviderNames.Should().Equal("a", "b");
    }

    [Fact]
    public void TryGet_WhenAddedThenRemoved_FindsItOnlyWhileAdded()
    {
        var provider = new FakeMachineProvider("a");
        var registry = new FakeMachineProviderRegistry().Add("a", provider);

        registry.TryGet("a", out var found).Should().BeTrue();
        found.Should().BeSameAs(provider);
        registry.Remove("a").Should().BeTrue();
        registry.TryGet("a", out _).Should().BeFalse();
    }
}
