using HostFactory.Cqrs;
using HostFactory.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Application.Tests.Common;

public sealed class AddHostFactoryApplicationTests
{
    [Fact]
    public void AddHostFactoryApplication_WhenCalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();

        var returned = services.AddHostFactoryApplication().AddHostFactoryApplication();

        returned.Should().BeSameAs(services);
        services.Where(d => d.ServiceType.Assembly == typeof(ApplicationOptions).Assembly)
            .GroupBy(d => d.ServiceType)
            .Should().OnlyContain(g => g.Count() == 1);
        services.Should().ContainSingle(d => d.ServiceType == typeof(IValidateOptions<ApplicationOptions>));
        services.Should().ContainSingle(d => d.ServiceType == typeof(TimeProvider)).Which.ImplementationInstance.Should().BeSameAs(TimeProvider.System);
    }

    [Fact]
    public void AddHostFactoryApplication_WhenAClockIsRegistered_KeepsIt()
    {
        var clock = new FakeTimeProvider(HostFactoryTestHostOptions.DefaultStartTime);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);

        services.AddHostFactoryApplication();

        services.Should().ContainSingle(d => d.ServiceType == typeof(TimeProvider)).Which.ImplementationInstance.Should().BeSameAs(clock);
    }

    [Fact]
    public void AddHostFactoryApplication_WhenScanned_GivesEveryMessageAHandler()
    {
        var services = new ServiceCollection().AddHostFactoryApplication();

        FluentActions.Invoking(() => services.ValidateCqrs()).Should().NotThrow();
        var messages = typeof(ApplicationOptions).Assembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i == typeof(ICommand) || (i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ICommand<>) || i.GetGenericTypeDefinition() == typeof(IQuery<>)))))
            .Select(t => $"{t.Namespace![(t.Namespace!.LastIndexOf('.') + 1)..]}.{t.Name}");
        messages.Should().Contain(
        [
            "Templates.ListTemplates", "Templates.GetTemplate", "Templates.CreateTemplate", "Templates.UpdateTemplate", "Templates.DeleteTemplate", "Templates.ValidateTemplate",
            "Requests.RequestMachines", "Requests.ReturnMachines", "Requests.SyncRequests", "Requests.GetRequestStatus", "Requests.ListRequests", "Requests.GetReturnRequests", "Requests.CancelRequest",
            "Machines.ListMachines", "Machines.GetMachine",
        ], "issue 3 asks for these operations, one folder per feature");
    }

    [Fact]
    public void AddHostFactoryApplication_WhenSettingsAreInvalid_FailsNamingEachSetting()
    {
        using var provider = new ServiceCollection()
            .AddHostFactoryApplication(options =>
            {
                options.ConcurrencyRetryCount = -1;
                options.DefaultRequestTimeout = TimeSpan.Zero;
                options.ConcurrencyRetryBaseDelay = TimeSpan.FromMinutes(1);
            })
            .BuildServiceProvider();

        var thrown = FluentActions.Invoking(() => provider.GetRequiredService<IOptions<ApplicationOptions>>().Value).Should().Throw<OptionsValidationException>();

        thrown.Which.Failures.Should().HaveCount(3).And.Contain(f => f.StartsWith("ConcurrencyRetryCount", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("DefaultRequestTimeout", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("ConcurrencyRetryBaseDelay", StringComparison.Ordinal));
    }

    [Fact]
    public void AddHostFactoryApplication_WhenConfigured_AppliesTheSettings()
    {
        using var provider = new ServiceCollection()
            .AddHostFactoryApplication(options => options.ConcurrencyRetryCount = 2)
            .AddHostFactoryApplication(options => options.DefaultRequestTimeout = TimeSpan.FromMinutes(3))
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ApplicationOptions>>().Value;

        options.Should().BeEquivalentTo(new { ConcurrencyRetryCount = 2, DefaultRequestTimeout = TimeSpan.FromMinutes(3) });
    }
}
