using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Storage.Postgres.Schema;
using HostFactory.Storage.Postgres.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Storage.Postgres.Tests;

/// <summary>The schema the store makes and migrates: versioned, migrated once by hosts starting together, newer refused.</summary>
public sealed class PostgresSchemaTests : IAsyncLifetime
{
    private readonly List<ServiceProvider> _containers = [];
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [PostgresFact]
    public async Task FirstUse_WhenTheDatabaseIsEmpty_CreatesTheSchemaAtTheNewestVersion()
    {
        var requests = Container().GetRequiredService<IRequestStore>();

        (await requests.ListUnfinishedAsync(default)).Should().BeEmpty();

        (await _database.ScalarAsync("SELECT string_agg(version::text || ':' || description, ',') FROM hostfactory.schema_migrations"))
            .Should().Be(string.Join(",", Migrations.All.Select(m => $"{m.Version}:{m.Description}")));
        (await _database.ScalarAsync("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hostfactory'")).Should().Be(4L);
    }

    [PostgresFact]
    public async Task FirstUse_WhenManyHostsStartAtOnce_MigratesOnceAndEveryHostWorks()
    {
        var hosts = Enumerable.Range(0, 6).Select(_ => Container().GetRequiredService<IMachineReader>()).ToList();

        var counts = await Task.WhenAll(hosts.Select(h => Task.Run(() => h.CountActiveByTemplateAsync(new("tpl"), default))));

        counts.Should().OnlyContain(c => c == 0);
        (await _database.ScalarAsync("SELECT count(*) FROM hostfactory.schema_migrations")).Should().Be((long)Migrations.All.Count);
    }

    [PostgresFact]
    public async Task FirstUse_WhenTheSchemaIsNewerThanKnown_RefusesNamingBothVersionsAndWritesNothing()
    {
        await Container().GetRequiredService<PostgresStorageMaintenance>().MigrateAsync(default);
        await _database.ScalarAsync("INSERT INTO hostfactory.schema_migrations (version, description) VALUES (99, 'from the future')");
        var requests = Container().GetRequiredService<IRequestStore>();

        var save = () => requests.SaveAsync(Request.CreateAcquire(new("tpl"), 1, TimeSpan.FromMinutes(1), TimeProvider.System), default);

        var refusal = (await save.Should().ThrowAsync<PostgresSchemaVersionException>()).Which;
        refusal.Should().Match<PostgresSchemaVersionException>(e => e.FoundVersion == 99 && e.KnownVersion == Migrations.Latest);
        refusal.Message.Should().Contain("version 99").And.Contain("newer HostFactory").And.NotContain(_database.Password!);
        (await _database.ScalarAsync("SELECT count(*) FROM hostfactory.requests")).Should().Be(0L);
        var migrate = () => Container().GetRequiredService<PostgresStorageMaintenance>().MigrateAsync(default);
        await migrate.Should().ThrowAsync<PostgresSchemaVersionException>();
    }

    [PostgresFact]
    public async Task FirstUse_WhenAutoMigrateIsOff_RefusesUntilMigrateRuns()
    {
        var container = Container(o => o.AutoMigrate = false);
        var requests = container.GetRequiredService<IRequestStore>();

        var read = () => requests.ListUnfinishedAsync(default);

        (await read.Should().ThrowAsync<PostgresSchemaVersionException>()).Which.Message.Should().Contain("hostfactory storage migrate");
        var migrated = await container.GetRequiredService<PostgresStorageMaintenance>().MigrateAsync(default);
        migrated.Should().Match<SchemaMigration>(m => m.FromVersion == 0 && m.ToVersion == Migrations.Latest && m.Schema == "hostfactory");
        (await requests.ListUnfinishedAsync(default)).Should().BeEmpty();
        (await container.GetRequiredService<PostgresStorageMaintenance>().MigrateAsync(default)).FromVersion.Should().Be(Migrations.Latest);
    }

    [PostgresFact]
    public async Task Schema_WhenTwoSchemasShareADatabase_KeepsTheirStatesApart()
    {
        var first = Container(o => o.Schema = "hf_one").GetRequiredService<IRequestStore>();
        var second = Container(o => o.Schema = "hf_two").GetRequiredService<IRequestStore>();
        var request = Request.CreateAcquire(new("tpl"), 1, TimeSpan.FromMinutes(1), TimeProvider.System);

        await first.SaveAsync(request, default);

        (await first.FindAsync(request.Id, default)).Should().NotBeNull();
        (await second.FindAsync(request.Id, default)).Should().BeNull();
    }

    private ServiceProvider Container(Action<PostgresStorageOptions>? configure = null)
    {
        var connectionString = _database.ConnectionString;
        var container = new ServiceCollection()
            .AddPostgresStorage(o =>
            {
                o.EnvironmentVariable = null;
                o.ConnectionString = connectionString;
                configure?.Invoke(o);
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _containers.Add(container);
        return container;
    }
}

/// <summary>The migrations as written: numbered from 1, and their status words still the domain's.</summary>
public sealed class MigrationsTests
{
    [Fact]
    public void Migrations_ListTheDomainsUnfinishedAndInactiveStatuses()
    {
        var unfinished = Enum.GetValues<RequestStatus>().Where(s => !s.IsFinished).Select(s => $"'{RequestStatusWords.ToWord(s)}'");
        var inactive = Enum.GetValues<MachineStatus>().Where(s => !s.IsActive).Select(s => $"'{MachineStatusWords.ToWord(s)}'");

        Migrations.UnfinishedRequestStatuses.Should().Be(string.Join(", ", unfinished));
        Migrations.InactiveMachineStatuses.Should().Be(string.Join(", ", inactive));
        Migrations.All.Select(m => m.Version).Should().Equal(Enumerable.Range(1, Migrations.All.Count));
    }
}
