using System.Globalization;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Postgres.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace HostFactory.Storage.Postgres.Tests;

/// <summary>
/// The database going away: a server stopped and started between calls, a connection cut in the middle of a save. Each
/// call fails cleanly (naming the database, never its password) or is retried whole, nothing is half written, and the
/// next call succeeds.
/// </summary>
public sealed class PostgresFaultTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task Calls_WhenTheServerStopsAndStartsBetweenThem_FailCleanlyThenSucceed()
    {
        await using var cluster = await OwnCluster.StartAsync();
        var password = new NpgsqlConnectionStringBuilder(cluster.ConnectionString).Password!;
        await using var services = Container(cluster.ConnectionString, o => o.RetryDelay = TimeSpan.FromMilliseconds(50));
        var requests = services.GetRequiredService<IRequestStore>();
        var before = NewRequest();
        await requests.SaveAsync(before, default);

        await cluster.StopServerAsync();
        var whileDown = NewRequest();
        var save = () => requests.SaveAsync(whileDown, default);
        var read = () => requests.FindAsync(before.Id, default);
        var saveFailure = (await save.Should().ThrowAsync<PostgresStorageUnavailableException>()).Which;
        var readFailure = (await read.Should().ThrowAsync<PostgresStorageUnavailableException>()).Which;
        output.WriteLine(saveFailure.Message);
        whileDown.Version.Should().Be(0, "a save that failed is not marked persisted");

        await cluster.StartServerAsync();
        await requests.SaveAsync(whileDown, default);

        foreach (var failure in new[] { saveFailure, readFailure })
        {
            failure.Message.Should().Contain("PostgreSQL at 127.0.0.1:").And.Contain("database 'postgres'").And.NotContain(password).And.NotContain("Password");
        }

        saveFailure.Message.Should().Contain($"save request '{whileDown.Id}'");
        (await requests.FindAsync(before.Id, default)).Should().NotBeNull();
        (await requests.FindAsync(whileDown.Id, default))!.Version.Should().Be(1);
    }

    [PostgresFact]
    public async Task SaveMany_WhenItsConnectionIsCutMidTransaction_WritesAllOrNothingAndTheNextCallSucceeds()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = Container(database.ConnectionString, o => o.Retries = 0);
        var machines = services.GetRequiredService<IMachineStore>();
        await machines.CountActiveByTemplateAsync(new("tpl"), default);
        var request = NewRequest(count: 5000);
        var batch = Enumerable.Range(0, 5000).Select(i => NewMachine(request, i)).ToList();

        var saving = machines.SaveManyAsync(batch, default);
        var cut = await CutAsync(database, saving);
        Exception? failure = null;
        try
        {
            await saving;
        }
        catch (PostgresStorageException exception)
        {
            failure = exception;
        }

        var stored = (long)(await database.ScalarAsync("SELECT count(*) FROM hostfactory.machines"))!;
        output.WriteLine($"cut a backend: {cut}; the save {(failure is null ? "succeeded" : "failed: " + failure.Message)}; {stored} rows stored");
        cut.Should().BeTrue("the save's backend must be cut while it works, or this test proves nothing");
        failure.Should().NotBeNull("the connection was cut and retries are off");
        failure!.Message.Should().NotContain(database.Password!);
        stored.Should().BeOneOf([0L, 5000L], "a transaction is all or nothing");
        if (stored == 5000)
        {
            // Cut during the commit itself: the server had committed, and the store says it cannot know.
            failure.Message.Should().Contain("unknown");
            return;
        }

        batch.Should().OnlyContain(m => m.Version == 0);
        await machines.SaveManyAsync(batch, default);
        (await database.ScalarAsync("SELECT count(*) FROM hostfactory.machines")).Should().Be(5000L);
    }

    [PostgresFact]
    public async Task Calls_WhenEveryPooledConnectionWasCut_RetryOnANewConnectionAndSucceed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = Container(database.ConnectionString, o => o.RetryDelay = TimeSpan.FromMilliseconds(20));
        var requests = services.GetRequiredService<IRequestStore>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => requests.SaveAsync(NewRequest(), default)));

        // As a server restart does to a pool: every idle connection is dead when next used.
        await database.ScalarAsync($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{database.Name}' AND pid <> pg_backend_pid()");

        var request = NewRequest();
        await requests.SaveAsync(request, default);
        (await requests.ListUnfinishedAsync(default)).Should().Contain(request.Id).And.HaveCount(5);
    }

    private static async Task<bool> CutAsync(TestDatabase database, Task saving)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!saving.IsCompleted && DateTime.UtcNow < deadline)
        {
            // The store's backend, busy in its transaction (the test's own sessions have another application name).
            var cut = await database.ScalarAsync(
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{database.Name}' AND application_name = 'hostfactory' AND state IN ('active', 'idle in transaction') AND backend_xid IS NOT NULL");
            if (cut is long count && count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static ServiceProvider Container(string connectionString, Action<PostgresStorageOptions> configure) =>
        new ServiceCollection()
            .AddPostgresStorage(o =>
            {
                o.EnvironmentVariable = null;
                o.ConnectionString = connectionString;
                configure(o);
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    private static Request NewRequest(int count = 1) => Request.CreateAcquire(new TemplateId("tpl"), count, TimeSpan.FromMinutes(30), TimeProvider.System);

    private static Machine NewMachine(Request request, int index) =>
        Machine.Provision(
            MachineId.New(), request.Id, request.TemplateId!.Value, "fake",
            new ProvisionedMachine($"i-{index.ToString(CultureInfo.InvariantCulture)}", $"h{index.ToString(CultureInfo.InvariantCulture)}", "10.0.0.1", null, DateTimeOffset.UtcNow, MachineStatus.Pending, new Dictionary<string, string>()),
            TimeProvider.System);
}
