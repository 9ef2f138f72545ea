using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Storage.Json.TestWorker;

/// <summary>
/// One of several processes racing on the same requests, as concurrent Host Factory calls do. Every change is a
/// whole "load, change, save" re-run on <see cref="ConcurrencyException"/>, as the application's commands do.
/// Reports <c>SYNC &lt;request&gt;</c>, <c>ADDED &lt;request&gt; &lt;machine&gt;</c>, <c>INSERTED|CONFLICT &lt;machine&gt;</c>.
/// </summary>
internal static class Contender
{
    private const int MaxAttempts = 500;

    public static async Task<int> RunAsync(string dataDirectory, string goFile, int worker, int iterations, string[] requestIds, string contestedMachineId)
    {
        using var storage = new Storage(dataDirectory);
        var clock = TimeProvider.System;
        var ct = CancellationToken.None;
        var requests = requestIds.Select(RequestId.Parse).ToArray();
        Console.WriteLine("READY END");
        while (!File.Exists(goFile))
        {
            await Task.Delay(2, ct);
        }

        // Everyone inserts the same machine id at once: exactly one insert may win.
        var contested = Storage.NewMachine(MachineId.Parse(contestedMachineId), requests[0], "contested.example");
        try
        {
            await storage.Machines.SaveAsync(contested, ct);
            Console.WriteLine($"INSERTED {contestedMachineId} END");
        }
        catch (ConcurrencyException)
        {
            Console.WriteLine($"CONFLICT {contestedMachineId} END");
        }

        var own = new List<Machine>();
        for (var i = 0; i < iterations; i++)
        {
            var requestId = requests[(i + worker) % requests.Length];
            await RetryAsync(async () =>
            {
                var request = (await storage.Requests.FindAsync(requestId, ct))!;
                request.RecordSync(clock);
                await storage.Requests.SaveAsync(request, ct);
            });
            Console.WriteLine($"SYNC {requestId} END");

            var machine = Storage.NewMachine(MachineId.New(), requestId, $"w{worker}-{i}.example");
            await storage.Machines.SaveAsync(machine, ct);
            await RetryAsync(async () =>
            {
                var request = (await storage.Requests.FindAsync(requestId, ct))!;
                request.AddMachines([machine.Id], clock);
                await storage.Requests.SaveAsync(request, ct);
            });
            Console.WriteLine($"ADDED {requestId} {machine.Id} END");
            own.Add(machine);

            if (own.Count == 2)
            {
                // A batch on this worker's own machines; terminating them also moves their index entries.
                own.ForEach(m => m.MarkTerminated(clock));
                await storage.Machines.SaveManyAsync(own, ct);
                own.Clear();
            }
        }

        return 0;
    }

    private static async Task RetryAsync(Func<Task> operation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await operation();
                return;
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                await Task.Delay(Random.Shared.Next(1, 5));
            }
        }
    }
}
