using System.Diagnostics;
using HostFactory.Application.Diagnostics;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Application.Tests.Common;

public sealed class StoreInstrumentationTests
{
    private static readonly Type[] Ports =
        [typeof(ITemplateStore), typeof(ITemplateReader), typeof(IRequestStore), typeof(IRequestReader), typeof(IMachineStore), typeof(IMachineReader)];

    [Fact]
    public async Task AddHostFactoryStoreInstrumentation_WhenCalledTwice_WrapsEachStorePortOnceOverTheSameStore()
    {
        var (templates, requests, machines) = (new InMemoryTemplateStore(), new InMemoryRequestStore(), new InMemoryMachineStore());
        var services = new ServiceCollection()
            .AddSingleton<ITemplateStore>(templates).AddSingleton<ITemplateReader>(templates)
            .AddSingleton<IRequestStore>(requests).AddSingleton<IRequestReader>(requests)
            .AddSingleton<IMachineStore>(machines).AddSingleton<IMachineReader>(machines);

        var returned = services.AddHostFactoryStoreInstrumentation().AddHostFactoryStoreInstrumentation();

        returned.Should().BeSameAs(services);
        foreach (var port in Ports)
        {
            services.Where(d => d.ServiceType == port).Should().HaveCount(2, $"{port.Name} keeps its store under a key and is handed out traced")
                .And.ContainSingle(d => d.IsKeyedService);
        }

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var store = provider.GetRequiredService<IRequestStore>();
        store.Should().NotBeSameAs(requests);
        var request = Request.CreateAcquire(new TemplateId("t"), 1, TimeSpan.FromMinutes(5), new FakeTimeProvider(HostFactoryTestHostOptions.DefaultStartTime));
        await store.SaveAsync(request, default);
        (await requests.FindAsync(request.Id, default)).Should().NotBeNull("the traced port writes to the store it wraps");
        (await provider.GetRequiredService<IRequestReader>().GetAsync(request.Id, default))!.Id.Should().Be(request.Id);
    }

    [Fact]
    public async Task AddHostFactoryStoreInstrumentation_WhenAWriteConflicts_EndsItsSpanWithTheErrorType()
    {
        await using var host = HostFactoryTestHost.Create();
        var clock = new FakeTimeProvider(HostFactoryTestHostOptions.DefaultStartTime);
        var request = Request.CreateAcquire(new TemplateId("t"), 1, TimeSpan.FromMinutes(5), clock);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == HostFactoryDiagnostics.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (Equals(span.GetTagItem(HostFactoryDiagnostics.RequestIdTag), request.Id.Value))
                {
                    lock (spans)
                    {
                        spans.Add(span);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await host.RequestStore.SaveAsync(request, default);
        var copy = (await host.RequestStore.FindAsync(request.Id, default))!;
        await host.RequestStore.SaveAsync(copy, default);
        var stale = () => host.RequestStore.SaveAsync(request, default);

        await stale.Should().ThrowAsync<ConcurrencyException>();
        spans.Select(s => s.DisplayName).Should().Equal("store save request", "store find request", "store save request", "store save request");
        spans.Take(3).Should().OnlyContain(s => s.Status == ActivityStatusCode.Unset && s.GetTagItem(HostFactoryDiagnostics.ErrorTypeTag) == null);
        spans[3].Status.Should().Be(ActivityStatusCode.Error);
        spans[3].GetTagItem(HostFactoryDiagnostics.ErrorTypeTag).Should().Be(typeof(ConcurrencyException).FullName);
        spans.Should().OnlyContain(s => s.Kind == ActivityKind.Internal);
    }
}
