using System.Text.Json;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Json.Documents;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Storage.Json.Benchmarks;

/// <summary>
/// A data directory holding <c>machines</c> machines (10 per request, 95 % of them terminated, as after a long
/// cluster life), seeded once into the temp directory and reused by later runs. Seeding writes the documents and
/// index entries the stores would write, but without fsync: 100 000 durable saves would take far longer than the
/// benchmark, and durability of the seed is not what is measured.
/// </summary>
internal static class SeededStore
{
    public const int MachinesPerRequest = 10;
    public static readonly TemplateId TemplateId = new("Bench-Template");

    public static string DirectoryFor(int machines) =>
        Path.Join(Path.GetTempPath(), "hostfactory-storage-bench", $"layout1-{machines}");

    /// <summary>The request every load benchmark reads: provisioning, with its 10 machines.</summary>
    public static RequestId LoadTarget(string directory) => RequestId.Parse(File.ReadAllText(Path.Join(directory, "load-target.txt")).Trim());

    public static string Ensure(int machines)
    {
        var directory = DirectoryFor(machines);
        if (File.Exists(Path.Join(directory, "seed-complete")))
        {
            return directory;
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        // Let the storage create its layout (directories, storage.json) exactly as it does in production.
        using (var provider = new ServiceCollection().AddJsonFileStorage(o => { o.DataDirectory = directory; o.ProviderWorkDirectory = null; }).BuildServiceProvider())
        {
            provider.GetRequiredService<IRequestStore>().ListUnfinishedAsync(default).GetAwaiter().GetResult();
        }

        var clock = TimeProvider.System;
        RequestId? target = null;
        for (var r = 0; r < machines / MachinesPerRequest; r++)
        {
            var request = Request.CreateAcquire(TemplateId, MachinesPerRequest, TimeSpan.FromHours(1), clock);
            var ids = new List<MachineId>();
            for (var m = 0; m < MachinesPerRequest; m++)
            {
                var machine = Machine.Provision(MachineId.New(), request.Id, TemplateId, "local", new ProvisionedMachine(
                    $"i-{r}-{m}", $"host-{r}-{m}.example", "10.0.0.1", null, clock.GetUtcNow(), MachineStatus.Running,
                    new Dictionary<string, string> { ["pid"] = "1" }), clock);
                if ((r * MachinesPerRequest + m) % 20 != 0)
                {
                    machine.MarkTerminated(clock);
                }

                Write(directory, MachineFiles.Instance, DocumentMapper.ToDocument(machine.ToSnapshot(), 1));
                ids.Add(machine.Id);
            }

            request.AddMachines(ids, clock);
            request.BeginProvisioning(clock);
            var isTarget = r == machines / MachinesPerRequest / 2;
            if (!isTarget && r % 100 != 0)
            {
                request.Complete(clock);
            }

            Write(directory, RequestFiles.Instance, DocumentMapper.ToDocument(request.ToSnapshot(), 1));
            if (isTarget)
            {
                target = request.Id;
            }
        }

        File.WriteAllText(Path.Join(directory, "load-target.txt"), target!.Value.Value);
        File.WriteAllText(Path.Join(directory, "seed-complete"), DateTimeOffset.UtcNow.ToString("O"));
        return directory;
    }

    private static void Write<TDocument>(string directory, DocumentKind<TDocument> kind, TDocument document)
        where TDocument : class, IStoredDocument
    {
        File.WriteAllBytes(Path.Join(directory, kind.Directory, document.Id + ".json"), JsonSerializer.SerializeToUtf8Bytes(document, kind.TypeInfo));
        foreach (var entry in kind.IndexEntries(document))
        {
            var path = Path.Join(directory, entry);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, []);
        }
    }
}
