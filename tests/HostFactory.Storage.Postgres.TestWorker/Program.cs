using System.Globalization;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.DependencyInjection;

// crash-writer RUN BATCH-SIZE: saves, forever, an acquire request and then its BATCH-SIZE machines in one SaveManyAsync,
// tagged run=RUN, batch=N. Prints "READY", then "BEGIN N" before and "SAVED N" after each batch. The connection string
// comes from HF_WORKER_CONNECTION (not the command line, where ps would show its password).
if (args is not ["crash-writer", var run, var sizeText] || !int.TryParse(sizeText, CultureInfo.InvariantCulture, out var size))
{
    await Console.Error.WriteLineAsync("usage: crash-writer RUN BATCH-SIZE");
    return 2;
}

var connectionString = Environment.GetEnvironmentVariable("HF_WORKER_CONNECTION") ?? throw new InvalidOperationException("HF_WORKER_CONNECTION is not set.");
await using var services = new ServiceCollection()
    .AddPostgresStorage(o =>
    {
        o.EnvironmentVariable = null;
        o.ConnectionString = connectionString;
    })
    .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
var requests = services.GetRequiredService<IRequestStore>();
var machines = services.GetRequiredService<IMachineStore>();
var clock = TimeProvider.System;
var template = new TemplateId("crash-template");

// The schema is made before READY, so kills land in saves, not in the first migration.
await requests.ListUnfinishedAsync(CancellationToken.None);
Console.WriteLine("READY");
for (var batch = 0; ; batch++)
{
    var request = Request.CreateAcquire(template, size, TimeSpan.FromMinutes(30), clock);
    await requests.SaveAsync(request, CancellationToken.None);
    var made = Enumerable.Range(0, size).Select(i => Machine.Provision(
        MachineId.New(), request.Id, template, "crash",
        new ProvisionedMachine($"i-{run}-{batch}-{i}", $"host-{run}-{batch}-{i}", "10.1.0.1", null, clock.GetUtcNow(), MachineStatus.Pending,
            new Dictionary<string, string> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }, Tags: new Dictionary<string, string>
            {
                ["run"] = run,
                ["batch"] = batch.ToString(CultureInfo.InvariantCulture),
            }),
        clock)).ToList();
    Console.WriteLine($"BEGIN {batch}");
    await machines.SaveManyAsync(made, CancellationToken.None);
    Console.WriteLine($"SAVED {batch}");
}
