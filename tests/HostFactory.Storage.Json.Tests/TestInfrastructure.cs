using System.Diagnostics;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Storage.Json.Tests;

/// <summary>A fresh directory under the system temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Join(System.IO.Path.GetTempPath(), "hf-storage-tests-" + Guid.NewGuid().ToString("N"));

    public string Combine(params string[] parts) => System.IO.Path.Join([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a test that made part of it read-only cleans that part itself.
        }
    }
}

/// <summary>The stores of one data directory, resolved from a container built the way the hosts build it.</summary>
public sealed class StorageFixture : IDisposable
{
    private readonly ServiceProvider _provider;

    public StorageFixture(string dataDirectory, TimeSpan? lockTimeout = null)
    {
        DataDirectory = dataDirectory;
        _provider = new ServiceCollection()
            .AddJsonFileStorage(o =>
            {
                o.DataDirectory = dataDirectory;
                // Tests never depend on the HF_PROVIDER_WORKDIR of the machine running them.
                o.ProviderWorkDirectory = null;
                o.LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(10);
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public string DataDirectory { get; }

    public ITemplateStore Templates => _provider.GetRequiredService<ITemplateStore>();

    public ITemplateReader TemplateReader => _provider.GetRequiredService<ITemplateReader>();

    public IRequestStore Requests => _provider.GetRequiredService<IRequestStore>();

    public IRequestReader RequestReader => _provider.GetRequiredService<IRequestReader>();

    public IMachineStore Machines => _provider.GetRequiredService<IMachineStore>();

    public IMachineReader MachineReader => _provider.GetRequiredService<IMachineReader>();

    public JsonFileStorageMaintenance Maintenance => _provider.GetRequiredService<JsonFileStorageMaintenance>();

    internal JsonStorage Engine => _provider.GetRequiredService<JsonStorage>();

    public string PathOf(params string[] parts) => Path.Join([DataDirectory, .. parts]);

    public void Dispose() => _provider.Dispose();
}

/// <summary>Valid aggregates the tests vary.</summary>
internal static class TestData
{
    /// <summary>Where the tests' clocks start: 2025-01-01 08:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A clock that moves only when told to, at <see cref="Start"/>.</summary>
    public static FakeTimeProvider Clock() => new(Start);

    public static readonly TemplateId TemplateId = new("OnDemand-Minimal-Template-VM");

    /// <summary>The template the TestWorker's machines are made from.</summary>
    public static readonly TemplateId TemplateIdOfWorker = new("Worker-Template");
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    public static Template NewTemplate(TimeProvider clock, string id = "OnDemand-Minimal-Template-VM") =>
        Template.Create(
            new TemplateId(id), "local", 10,
            new TemplateAttributes("X86_64", nRam: 1024, nCpus: 2, nCores: 1, rank: 3, priceInfo: "0.1/h",
                extras: [new TemplateAttribute("zone", AttributeKind.String, "eu-1"), new TemplateAttribute("gpus", AttributeKind.Numeric, "0")]),
            new ProviderSettings(new Dictionary<string, string?> { ["imageId"] = "\"ami-1\"", ["subnets"] = "[ \"a\", \"b\" ]", ["none"] = null }),
            TimeSpan.FromMinutes(45), clock);

    public static Request NewAcquire(TimeProvider clock, int count = 3, TemplateId? templateId = null) =>
        Request.CreateAcquire(templateId ?? TemplateId, count, Timeout, clock);

    public static Machine NewMachine(TimeProvider clock, RequestId requestId, string hostName = "host-a.example", TemplateId? templateId = null) =>
        Machine.Provision(MachineId.New(), requestId, templateId ?? TemplateId, "local", new ProvisionedMachine(
            "i-" + Guid.NewGuid().ToString("N")[..8], hostName, "10.0.0.5", "34.1.2.3", clock.GetUtcNow(), MachineStatus.Pending,
            new Dictionary<string, string> { ["pid"] = "4242", ["startTime"] = "1734619942" },
            InstanceType: "m5.large", PriceType: "ondemand", CloudHostId: "ch-1",
            Tags: new Dictionary<string, string> { ["team"] = "hpc" }), clock);
}

/// <summary>Runs the TestWorker console app (copied to worker/ by the build) as a real child process.</summary>
internal static class TestWorker
{
    public static string DllPath { get; } = Path.Join(AppContext.BaseDirectory, "worker", "HostFactory.Storage.Json.TestWorker.dll");

    /// <summary>The dotnet host running the tests (dotnet test sets DOTNET_HOST_PATH), else `dotnet` on PATH.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";

    public static RunningWorker Start(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        File.Exists(DllPath).Should().BeTrue($"the build copies the worker to {DllPath}");
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("HF_PROVIDER_WORKDIR");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        return new RunningWorker(Process.Start(start)!);
    }
}

/// <summary>A started worker whose complete output lines (those ending in " END") are collected as they arrive.</summary>
internal sealed class RunningWorker : IDisposable
{
    private readonly List<string> _lines = [];
    private readonly System.Text.StringBuilder _raw = new();
    private readonly System.Text.StringBuilder _errors = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunningWorker(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } data)
            {
                lock (_raw)
                {
                    _raw.AppendLine(data);
                }
            }

            if (e.Data is { } line && line.EndsWith(" END", StringComparison.Ordinal))
            {
                lock (_lines)
                {
                    _lines.Add(line[..^4]);
                }

                if (line == "READY END")
                {
                    _ready.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_errors)
                {
                    _errors.AppendLine(line);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string RawOutput
    {
        get
        {
            lock (_raw)
            {
                return _raw.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_ready.Task, Process.WaitForExitAsync(), Task.Delay(timeout));
        _ready.Task.IsCompleted.Should().BeTrue($"the worker should get ready; stderr:\n{Errors}");
        _ = finished;
    }

    /// <summary>SIGKILL on Linux: no finally blocks, no flush, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        Process.Kill();
        await Process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cts.Token);

        // The parameterless wait also drains the redirected streams, so every output line has been seen.
        await Process.WaitForExitAsync();
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
        }

        Process.Dispose();
    }
}
