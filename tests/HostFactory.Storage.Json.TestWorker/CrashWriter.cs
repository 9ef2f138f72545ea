using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Storage.Json.TestWorker;

/// <summary>
/// Writes without pause — single saves and batches, with index changes — and reports each completed save as
/// <c>SAVED &lt;kind&gt; &lt;id&gt; &lt;version&gt; END</c>, until the parent kills it.
/// </summary>
internal static class CrashWriter
{
    private const int MachinesPerRequest = 3;

    public static async Task<int> RunAsync(string dataDirectory)
    {
        using var storage = new Storage(dataDirectory);
        var clock = TimeProvider.System;
        var ct = CancellationToken.None;

        // Continue what earlier (killed) runs left: every unfinished request gets one more sync.
        foreach (var id in await storage.Requests.ListUnfinishedAsync(ct))
        {
            var request = (await storage.Requests.FindAsync(id, ct))!;
            request.RecordSync(clock);
            await storage.Requests.SaveAsync(request, ct);
            Report("request", id.Value, request.Version);
        }

        Console.WriteLine("READY END");
        while (true)
        {
            var request = Request.CreateAcquire(Storage.TemplateId, MachinesPerRequest, TimeSpan.FromHours(1), clock);
            await storage.Requests.SaveAsync(request, ct);
            Report("request", request.Id.Value, request.Version);

            var machines = new List<Machine>();
            for (var i = 0; i < MachinesPerRequest; i++)
            {
                var machine = Storage.NewMachine(MachineId.New(), request.Id, string.Empty);
                await storage.Machines.SaveAsync(machine, ct);
                Report("machine", machine.Id.Value, machine.Version);
                machines.Add(machine);

                request.AddMachines([machine.Id], clock);
                await storage.Requests.SaveAsync(request, ct);
                Report("request", request.Id.Value, request.Version);
            }

            // A batch that changes every index entry of its machines: host names appear, then some become inactive.
            foreach (var machine in machines)
            {
                machine.MarkRunning($"host-{machine.Id.Value[2..14]}.example", "10.0.0.2", null, clock);
            }

            await storage.Machines.SaveManyAsync(machines, ct);
            machines.ForEach(m => Report("machine", m.Id.Value, m.Version));

            request.BeginProvisioning(clock);
            request.Complete(clock);
            await storage.Requests.SaveAsync(request, ct);
            Report("request", request.Id.Value, request.Version);

            machines[0].MarkTerminated(clock);
            machines[1].MarkTerminated(clock);
            await storage.Machines.SaveManyAsync(machines[..2], ct);
            machines[..2].ForEach(m => Report("machine", m.Id.Value, m.Version));
        }
    }

    private static void Report(string kind, string id, long version) => Console.WriteLine($"SAVED {kind} {id} {version} END");
}
