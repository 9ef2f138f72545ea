using System.Diagnostics;
using HostFactory.Application.Requests;
using HostFactory.Configuration;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Hosting;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HostFactory.Hosting.Tests;

/// <summary>
/// The embedding story of docs/embedding.md, run for real: a plain generic host, <c>AddHostFactory</c>, the JSON
/// storage in a temp directory and the built-in <c>local-process</c> provider starting real processes.
/// </summary>
public sealed class EmbeddingTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _marker = "hf-embedding-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<int> _pids = [];

    [Fact]
    public async Task TemplateFileImporter_WhenImportsOfOneFileOverlap_OneImportsAndTheOthersFindItDone()
    {
        var paths = WriteConfiguration();
        using var first = Build(paths);
        using var second = Build(paths);
        var importers = new[] { first, second }.Select(h => h.Services.GetRequiredService<TemplateFileImporter>()).ToArray();
        (await importers[0].ImportIfChangedAsync()).Should().Be(new TemplateImportResult(1, 0, 0));
        (await importers[1].ImportIfChangedAsync()).Should().Be(TemplateImportResult.Unchanged, "the first import is shared through the work directory");
        var changed = (await File.ReadAllTextAsync(paths.TemplatesFile)).Replace("\"maxNumber\": 4", "\"maxNumber\": 5", StringComparison.Ordinal);
        await File.WriteAllTextAsync(paths.TemplatesFile, changed);

        // Two hosts sharing one work directory stand for two processes, each importing on four threads. The template's
        // storage lock is held meanwhile, so every import that gets as far as saving the template waits there: without
        // an import lock all eight would, and each would report an update.
        var results = new TemplateImportResult?[8];
        List<Thread> threads;
        using (File.OpenHandle(TemplateStripeLock(paths, "sleeper"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            threads = Enumerable.Range(0, 8).Select(i => new Thread(() => results[i] = importers[i % 2].ImportIfChangedAsync().GetAwaiter().GetResult())).ToList();
            threads.ForEach(t => t.Start());

            // The handshake: one import holds the work directory's import lock (so the others queue behind it) before
            // the template's lock is let go.
            var importLock = Path.Combine(paths.WorkDirectory, "templates.import.lock");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!IsHeldElsewhere(importLock))
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "an import takes the import lock");
                await Task.Delay(10);
            }
        }

        threads.ForEach(t => t.Join());
        results.Should().ContainSingle(r => r == new TemplateImportResult(0, 1, 0), string.Join(" ", results));
        results.Count(r => r == TemplateImportResult.Unchanged).Should().Be(7);
    }

    [Fact]
    public async Task AddHostFactory_WhenEmbeddedInAGenericHost_RunsAFullAcquireAndReturnCycleThroughTheBuses()
    {
        var paths = WriteConfiguration();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory.Path });
        builder.Configuration.AddJsonFile(paths.ConfigurationFile, optional: false, reloadOnChange: false);
        builder.Services.AddHostFactory(builder.Configuration, paths);

        using (var host = builder.Build())
        {
            await host.StartAsync();
            var imported = await host.Services.GetRequiredService<TemplateFileImporter>().ImportIfChangedAsync();
            imported.Should().Be(new TemplateImportResult(1, 0, 0));

            await using (var scope = host.Services.CreateAsyncScope())
            {
                var commands = scope.ServiceProvider.GetRequiredService<ICommandBus>();
                var queries = scope.ServiceProvider.GetRequiredService<IQueryBus>();

                var acquired = await commands.ExecuteAsync(new RequestMachines("sleeper", 2));
                acquired.Status.Should().Be(RequestStatus.Provisioning, acquired.Message);
                acquired.MachineCount.Should().Be(2);

                await commands.ExecuteAsync(new SyncRequests([acquired.RequestId.Value]));
                var acquireStatus = (await queries.ExecuteAsync(new GetRequestStatus([acquired.RequestId.Value]))).Single();
                acquireStatus.Status.Should().Be(HostFactoryWords.Complete, acquireStatus.Message);
                acquireStatus.Machines.Should().HaveCount(2).And.OnlyContain(m => m.Result == HostFactoryWords.Succeed && m.Status == "running");
                _pids.AddRange(acquireStatus.Machines.Select(m => int.Parse(m.Machine.ProviderData["pid"], System.Globalization.CultureInfo.InvariantCulture)));
                _pids.Should().OnlyContain(pid => IsOurs(pid), "each machine is a live process started from the template's command");

                var names = acquireStatus.Machines.Select(m => new MachineReference(m.Machine.HostName)).ToArray();
                var returned = await commands.ExecuteAsync(new ReturnMachines(names));
                returned.Returned.Should().HaveCount(2);

                var returnStatus = (await queries.ExecuteAsync(new GetRequestStatus([returned.RequestId.Value]))).Single();
                returnStatus.Status.Should().Be(HostFactoryWords.Complete, returnStatus.Message);
                returnStatus.Machines.Should().HaveCount(2).And.OnlyContain(m => m.Result == HostFactoryWords.Succeed && m.Status == "terminated");
                _pids.Should().NotContain(pid => IsOurs(pid), "returned machines are released: their processes are gone");
            }

            await host.StopAsync();
        }

        // The state lives in the JSON files of the work directory: a second host over the same paths reads it back.
        var again = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory.Path });
        again.Configuration.AddJsonFile(paths.ConfigurationFile, optional: false, reloadOnChange: false);
        again.Services.AddHostFactory(again.Configuration, paths);
        using var reopened = again.Build();
        await using var readScope = reopened.Services.CreateAsyncScope();
        var requests = await readScope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new ListRequests());
        requests.Items.Select(r => (r.Kind, r.Status)).Should().BeEquivalentTo([(RequestKind.Acquire, RequestStatus.Completed), (RequestKind.Return, RequestStatus.Completed)]);
        Directory.EnumerateFiles(Path.Combine(paths.WorkDirectory, "data"), "*.json", SearchOption.AllDirectories).Should().NotBeEmpty();
    }

    /// <summary>
    /// The JSON store's lock file for a template: one of 256 stripes chosen by FNV-1a over <c>template:id</c>
    /// (HostFactory.Storage.Json's StripeLocks, which the store keeps internal).
    /// </summary>
    private static string TemplateStripeLock(HostFactoryPaths paths, string templateId)
    {
        var hash = 2166136261u;
        foreach (var c in "template:" + templateId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return Path.Combine(paths.WorkDirectory, "data", "locks", $"{hash % 256:x2}.lock");
    }

    /// <summary>True when another open of <paramref name="lockFile"/> holds its lock (an exclusive open is refused).</summary>
    private static bool IsHeldElsewhere(string lockFile)
    {
        try
        {
            File.OpenHandle(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None).Dispose();
            return false;
        }
        catch (IOException) when (File.Exists(lockFile))
        {
            return true;
        }
    }

    private static IHost Build(HostFactoryPaths paths)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Path.GetDirectoryName(paths.ConfigurationFile) });
        builder.Configuration.AddJsonFile(paths.ConfigurationFile, optional: false, reloadOnChange: false);
        builder.Services.AddHostFactory(builder.Configuration, paths);
        return builder.Build();
    }

    public void Dispose()
    {
        // A failed assertion must not leave machine processes behind: kill whatever of ours is still alive.
        foreach (var pid in _pids.Where(IsOurs))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                // Exited in between.
            }
        }

        _directory.Dispose();
    }

    private HostFactoryPaths WriteConfiguration()
    {
        var configFile = _directory.File("config/hostfactory.json", """
            {
              "hostFactory": {
                "storage": { "dataDirectory": "data" },
                "providers": [
                  { "name": "local", "type": "local-process", "timeoutSeconds": 30, "retries": 0,
                    "settings": { "graceSeconds": 2, "hostName": "hf-embedding", "ipAddress": "127.0.0.1" } }
                ]
              }
            }
            """);
        _directory.File("config/templates.json", $$"""
            {
              "templates": [
                { "templateId": "sleeper", "maxNumber": 4, "providerName": "local",
                  "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "256"] },
                  "command": ["/bin/sh", "-c", "while :; do sleep 1; done", "{{_marker}}"] }
              ]
            }
            """);
        return HostFactoryPathResolver.Resolve(static _ => null, configFile, Path.Combine(_directory.Path, "config"));
    }

    /// <summary>True while <paramref name="pid"/> is alive and is one of this test's machines (its command line carries the marker).</summary>
    private bool IsOurs(int pid)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            var state = File.ReadAllText($"/proc/{pid}/stat");
            // A zombie has exited; only its parent's bookkeeping is left.
            return commandLine.Contains(_marker, StringComparison.Ordinal) && !state[(state.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
