using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// Where the time of a scoped dispatch goes (<c>dotnet run -c Release -- breakdown</c>), timed in
/// <see cref="RotatingRounds"/> and compared by the median of each step.
/// </summary>
public static class ScopedDispatchBreakdown
{
    private const int Rounds = 41;
    private const int WarmupRounds = 5;
    private const int CallsPerRound = 200_000;

    private static readonly ScopedPing Command = new(1);

    private static readonly (string Name, string What, Action<ServiceProvider> Run)[] Steps =
    [
        ("baseline", "create scope, resolve handler, call it (CreateScopeResolveCall)", Baseline),
        ("bus", "create scope, resolve ICommandBus, execute (CreateScopeCommandBus)", Bus),
        ("floor", "create scope, resolve ICommandBus and the handler, call the handler directly", Floor),
        ("scope", "create and dispose a scope", ScopeOnly),
        ("bus resolution", "create scope, resolve ICommandBus", ResolveBus),
        ("empty transient", "create scope, resolve a transient with no dependency", Resolve<EmptyTransient>),
        ("factory transient", "create scope, resolve a transient registered as sp => new(sp)", Resolve<FactoryTransient>),
    ];

    public static void Run(TextWriter output)
    {
        foreach (var validateScopes in new[] { true, false })
        {
            using var root = new ServiceCollection()
                .AddCqrs(typeof(DispatchBenchmarks).Assembly)
                .AddTransient<EmptyTransient>()
                .AddTransient(sp => new FactoryTransient(sp))
                .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = validateScopes });
            var medians = Measure(root);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ValidateScopes = {validateScopes}"));
            output.WriteLine();
            output.WriteLine("| Step | What it does | Median | Ratio to baseline |");
            output.WriteLine("|---|---|---:|---:|");
            for (var i = 0; i < Steps.Length; i++)
            {
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture, $"| {Steps[i].Name} | {Steps[i].What} | {medians[i]:F1} ns | {medians[i] / medians[0]:F2} |"));
            }

            output.WriteLine();
        }
    }

    private static double[] Measure(ServiceProvider root) =>
        [.. RotatingRounds.Measure([.. Steps.Select(s => (Action)(() => s.Run(root)))], Rounds, WarmupRounds, CallsPerRound)
            .Select(RotatingRounds.Median)];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Baseline(ServiceProvider root)
    {
        using var scope = root.CreateScope();
        Consume(scope.ServiceProvider.GetRequiredService<ScopedPingHandler>().HandleAsync(Command, CancellationToken.None));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Bus(ServiceProvider root)
    {
        using var scope = root.CreateScope();
        Consume(scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(Command, CancellationToken.None));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Floor(ServiceProvider root)
    {
        using var scope = root.CreateScope();
        GC.KeepAlive(scope.ServiceProvider.GetRequiredService<ICommandBus>());
        Consume(scope.ServiceProvider.GetRequiredService<ScopedPingHandler>().HandleAsync(Command, CancellationToken.None));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ScopeOnly(ServiceProvider root)
    {
        using var scope = root.CreateScope();
        GC.KeepAlive(scope);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ResolveBus(ServiceProvider root)
    {
        using var scope = root.CreateScope();
        GC.KeepAlive(scope.ServiceProvider.GetRequiredService<ICommandBus>());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Resolve<T>(ServiceProvider root)
        where T : notnull
    {
        using var scope = root.CreateScope();
        GC.KeepAlive(scope.ServiceProvider.GetRequiredService<T>());
    }

    // The handlers complete synchronously; a ValueTask must still be observed once.
    private static void Consume(ValueTask task) => task.GetAwaiter().GetResult();

    private sealed class EmptyTransient;

    private sealed class FactoryTransient(IServiceProvider services)
    {
        public IServiceProvider Services => services;
    }
}
