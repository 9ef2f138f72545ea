using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Storage.Json.Benchmarks;

/// <summary>
/// The two operations every Host Factory poll and request performs, at 100, 10 000 and 100 000 stored machines:
/// loading one request with its machines, and creating one request durably. The raw "write temp + fsync + rename"
/// loop on the same file system is the baseline of the create category. It does not make its rename durable; the
/// same loop with the directory fsync the store's protocol requires (<see cref="RawWriteTempFsyncRenameFsyncDirectory"/>)
/// is the floor any store with that guarantee pays: two journal commits per write instead of one.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class StorageBenchmarks
{
    private readonly List<RequestId> _created = [];
    private ServiceProvider _provider = null!;
    private IRequestStore _requests = null!;
    private IMachineStore _machines = null!;
    private RequestId _target;
    private string _rawDirectory = null!;
    private byte[] _rawContent = null!;
    private int _rawCounter;

    [Params(100, 10_000, 100_000)]
    public int StoredMachines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var directory = SeededStore.Ensure(StoredMachines);
        _provider = new ServiceCollection()
            .AddJsonFileStorage(o => { o.DataDirectory = directory; o.ProviderWorkDirectory = null; })
            .BuildServiceProvider();
        _requests = _provider.GetRequiredService<IRequestStore>();
        _machines = _provider.GetRequiredService<IMachineStore>();
        _target = SeededStore.LoadTarget(directory);

        // The raw loop writes what a create writes (a request document of the same size) beside the store.
        _rawDirectory = Path.Join(directory, $"raw-{Environment.ProcessId}");
        Directory.CreateDirectory(_rawDirectory);
        _rawContent = File.ReadAllBytes(Path.Join(directory, "requests", _target.Value + ".json"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Leave the cached seed as it was, so every run and every size measures the same store.
        var directory = SeededStore.DirectoryFor(StoredMachines);
        foreach (var id in _created)
        {
            File.Delete(Path.Join(directory, "requests", id.Value + ".json"));
            File.Delete(Path.Join(directory, "indexes", "unfinished-requests", id.Value));
        }

        Directory.Delete(_rawDirectory, recursive: true);
        _provider.Dispose();
    }

    [Benchmark]
    [BenchmarkCategory("load")]
    public async Task<int> LoadRequestWithMachines()
    {
        var request = await _requests.FindAsync(_target, default);
        var machines = await _machines.ListByRequestAsync(_target, default);
        return request!.MachineIds.Count + machines.Count;
    }

    [Benchmark]
    [BenchmarkCategory("create")]
    public async Task CreateRequest()
    {
        var request = Request.CreateAcquire(SeededStore.TemplateId, 3, TimeSpan.FromMinutes(30), TimeProvider.System);
        await _requests.SaveAsync(request, default);
        _created.Add(request.Id);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("create")]
    public void RawWriteTempFsyncRename()
    {
        var target = Path.Join(_rawDirectory, $"{_rawCounter++}.json");
        var temp = target + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            stream.Write(_rawContent);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, target, overwrite: true);
    }

    [Benchmark]
    [BenchmarkCategory("create")]
    public void RawWriteTempFsyncRenameFsyncDirectory()
    {
        RawWriteTempFsyncRename();
        DurableFile.SyncDirectory(_rawDirectory);
    }
}
