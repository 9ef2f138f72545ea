using System.Diagnostics;
using System.Globalization;
using HostFactory.Application.Requests;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// A timing program (whole seconds of work, paired rounds) for the PostgreSQL store:
//   status  the GetRequestStatus query of one request (10 machines) with 100, 10 000 and 100 000 machines stored;
//   creates durable creates (a new request saved) per second, PostgreSQL next to the JSON store, on the same disk.
// Rounds alternate the subjects in rotating order and report medians, so drift on a shared machine cancels out.
// Usage: HOSTFACTORY_TEST_POSTGRES=<connection string> dotnet run -c Release --project tests/HostFactory.Storage.Postgres.Benchmarks [-- ROUNDS]
var server = Environment.GetEnvironmentVariable("HOSTFACTORY_TEST_POSTGRES")
    ?? throw new InvalidOperationException("Set HOSTFACTORY_TEST_POSTGRES to a PostgreSQL connection string (.ci/postgres start DIR prints one).");
var rounds = args is [var text] ? int.Parse(text, CultureInfo.InvariantCulture) : 15;
int[] sizes = [100, 10_000, 100_000];
var clock = TimeProvider.System;
var databases = new List<string>();
try
{
    // Status: one host per store size, each over its own database.
    var subjects = new List<(int Size, HostFactoryTestHost Host, string RequestId)>();
    foreach (var size in sizes)
    {
        var database = await CreateDatabaseAsync(server, $"hf_bench_{size}_{Environment.ProcessId}");
        databases.Add(database);
        var watch = Stopwatch.StartNew();
        var requestId = await SeedAsync(Connection(server, database, seeding: true), size);
        Console.WriteLine($"seeded {size} machines in {watch.Elapsed.TotalSeconds:0.0} s");
        var connection = Connection(server, database, seeding: false);
        var host = HostFactoryTestHost.Create(o => o.UseStorage("postgres", services => services.AddPostgresStorage(p =>
        {
            p.EnvironmentVariable = null;
            p.ConnectionString = connection;
        })));
        subjects.Add((size, host, requestId));
    }

    const int Queries = 200;
    foreach (var (_, host, id) in subjects)
    {
        await StatusAsync(host, id, 50);
    }

    var statusRounds = new List<double[]>();
    for (var round = 0; round < rounds; round++)
    {
        var perSize = new double[sizes.Length];
        foreach (var i in Rotation(sizes.Length, round))
        {
            perSize[i] = await StatusAsync(subjects[i].Host, subjects[i].RequestId, Queries);
        }

        statusRounds.Add(perSize);
    }

    Console.WriteLine();
    Console.WriteLine($"GetRequestStatus of one request (10 machines), {rounds} rounds of {Queries} queries, median µs per query:");
    for (var i = 0; i < sizes.Length; i++)
    {
        var ratio = Median(statusRounds.Select(r => r[i] / r[0]));
        Console.WriteLine($"  {sizes[i],7} machines stored: {Median(statusRounds.Select(r => r[i])),8:0.0} µs   ×{ratio:0.00} of {sizes[0]}");
    }

    foreach (var (_, host, _) in subjects)
    {
        await host.DisposeAsync();
    }

    // Durable creates: a new acquire request saved, on the JSON store and on PostgreSQL (fsync on, synchronous commit).
    var createDatabase = await CreateDatabaseAsync(server, $"hf_bench_creates_{Environment.ProcessId}");
    databases.Add(createDatabase);
    var jsonDirectory = Path.Combine(Path.GetTempPath(), $"hf-bench-json-{Environment.ProcessId}");
    await using var json = new ServiceCollection().AddJsonFileStorage(o =>
    {
        o.ProviderWorkDirectory = null;
        o.DataDirectory = jsonDirectory;
    }).BuildServiceProvider();
    var pgConnection = Connection(server, createDatabase, seeding: false);
    await using var postgres = new ServiceCollection().AddPostgresStorage(o =>
    {
        o.EnvironmentVariable = null;
        o.ConnectionString = pgConnection;
    }).BuildServiceProvider();
    IRequestStore[] stores = [json.GetRequiredService<IRequestStore>(), postgres.GetRequiredService<IRequestStore>()];
    const int Creates = 100;
    foreach (var store in stores)
    {
        await CreatesAsync(store, 20);
    }

    var createRounds = new List<double[]>();
    for (var round = 0; round < rounds; round++)
    {
        var perStore = new double[2];
        foreach (var i in Rotation(2, round))
        {
            perStore[i] = await CreatesAsync(stores[i], Creates);
        }

        createRounds.Add(perStore);
    }

    Directory.Delete(jsonDirectory, recursive: true);
    Console.WriteLine();
    Console.WriteLine($"Durable creates (a new request saved), {rounds} rounds of {Creates}, median per second:");
    Console.WriteLine($"  JSON store:       {Median(createRounds.Select(r => r[0])),7:0} /s");
    Console.WriteLine($"  PostgreSQL store: {Median(createRounds.Select(r => r[1])),7:0} /s   ×{Median(createRounds.Select(r => r[1] / r[0])):0.00} of JSON");
    return 0;
}
finally
{
    NpgsqlConnection.ClearAllPools();
    foreach (var database in databases)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

// Mean µs of one GetRequestStatus query, over `count` queries.
static async Task<double> StatusAsync(HostFactoryTestHost host, string requestId, int count)
{
    var started = Stopwatch.GetTimestamp();
    for (var i = 0; i < count; i++)
    {
        var answer = await host.QueryAsync(new GetRequestStatus([requestId]));
        if (answer[0].Machines.Count != 10)
        {
            throw new InvalidOperationException($"The request should have 10 machines, the answer has {answer[0].Machines.Count}.");
        }
    }

    return Stopwatch.GetElapsedTime(started).TotalMicroseconds / count;
}

// Creates per second, over `count` durable creates.
async Task<double> CreatesAsync(IRequestStore store, int count)
{
    var started = Stopwatch.GetTimestamp();
    for (var i = 0; i < count; i++)
    {
        await store.SaveAsync(Request.CreateAcquire(new TemplateId("bench"), 1, TimeSpan.FromMinutes(30), clock), CancellationToken.None);
    }

    return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
}

// Stores `size` machines, 10 per request (and their requests), and returns a request from the middle.
async Task<string> SeedAsync(string connection, int size)
{
    await using var services = new ServiceCollection().AddPostgresStorage(o =>
    {
        o.EnvironmentVariable = null;
        o.ConnectionString = connection;
    }).BuildServiceProvider();
    var requests = services.GetRequiredService<IRequestStore>();
    var machines = services.GetRequiredService<IMachineStore>();
    var template = new TemplateId("bench");
    string? middle = null;
    var batch = new List<Machine>();
    for (var r = 0; r < size / 10; r++)
    {
        var request = Request.CreateAcquire(template, 10, TimeSpan.FromMinutes(30), clock);
        var made = Enumerable.Range(0, 10).Select(m => Machine.Provision(MachineId.New(), request.Id, template, "fake",
            new ProvisionedMachine($"i-{r}-{m}", $"host-{r}-{m}.example", "10.0.0.1", null, clock.GetUtcNow(), MachineStatus.Running, new Dictionary<string, string> { ["slot"] = "1" }),
            clock)).ToList();
        request.AddMachines(made.Select(m => m.Id), clock);
        request.BeginProvisioning(clock);
        await requests.SaveAsync(request, CancellationToken.None);
        batch.AddRange(made);

        if (batch.Count >= 500)
        {
            await machines.SaveManyAsync(batch, CancellationToken.None);
            batch.Clear();
        }

        if (r == size / 20)
        {
            middle = request.Id.Value;
        }
    }

    await machines.SaveManyAsync(batch, CancellationToken.None);
    return middle!;
}

static async Task<string> CreateDatabaseAsync(string server, string name)
{
    await using var connection = new NpgsqlConnection(server);
    await connection.OpenAsync();
    await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection))
    {
        await drop.ExecuteNonQueryAsync();
    }

    await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
    await create.ExecuteNonQueryAsync();
    return name;
}

// Seeding skips the wait for each commit to reach disk; what is measured does not.
static string Connection(string server, string database, bool seeding) =>
    new NpgsqlConnectionStringBuilder(server) { Database = database, Options = seeding ? "-c synchronous_commit=off" : null }.ConnectionString;

static IEnumerable<int> Rotation(int count, int round) => Enumerable.Range(0, count).Select(i => (i + round) % count);

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
