using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HostFactory.Cli.Tests.Support;

/// <summary>
/// A provider instance installed the way a Host Factory administrator installs it, in a temporary directory: the
/// scripts written by <c>hostfactory scripts install</c>, a conf directory with <c>e2einstprov_config.json</c> and
/// <c>e2einstprov_templates.json</c> (local-process provider), and work and log directories. Scripts run with the
/// <c>HF_PROVIDER_*</c> variables Host Factory sets. Disposing kills every machine process still running and deletes
/// the directory.
/// </summary>
public sealed class HostFactoryInstallation : IAsyncDisposable
{
    public const string InstanceName = "e2einst";

    /// <summary>A machine process that stops at once on SIGTERM.</summary>
    public const string MachineCommand = "[\"/bin/sh\", \"-c\", \"trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done\"]";

    /// <summary>The templates every installation has.</summary>
    public static readonly string[] StandardTemplates =
    [
        Template("e2e-vm", 8, extra: "\"priceType\": \"ondemand\""),
        Template("e2e-small", 2),
        Template("e2e-off", 4, extra: "\"enabled\": false"),
    ];

    /// <summary>How long a resident process gets to end on SIGTERM when the installation is disposed.</summary>
    private static readonly TimeSpan ResidentStopDeadline = TimeSpan.FromSeconds(30);

    private int _inputs;

    private HostFactoryInstallation(string root, bool resident, IReadOnlyDictionary<string, string?>? environment)
    {
        Root = root;
        ScriptsDirectory = Path.Combine(root, "scripts");
        ConfigurationDirectory = Path.Combine(root, "conf");
        WorkDirectory = Path.Combine(root, "work");
        LogDirectory = Path.Combine(root, "logs");
        var variables = new Dictionary<string, string?>
        {
            ["HF_PROVIDER_NAME"] = InstanceName,
            ["HF_PROVIDER_CONFDIR"] = ConfigurationDirectory,
            ["HF_PROVIDER_WORKDIR"] = WorkDirectory,
            ["HF_PROVIDER_LOGDIR"] = LogDirectory,
            ["HOSTFACTORY_RESIDENT"] = resident ? "1" : "0",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        Environment = variables;
    }

    public string Root { get; }

    public string ScriptsDirectory { get; }

    public string ConfigurationDirectory { get; }

    public string WorkDirectory { get; }

    public string LogDirectory { get; }

    /// <summary>The variables Host Factory sets for this instance, and those the test added.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>The log file every call appends to.</summary>
    public string LogFile => Path.Combine(LogDirectory, "hostfactory.log");

    /// <summary>A templates-file entry for another provider instance, one whose templates need no fields of its own (an exec provider).</summary>
    public static string ProviderTemplate(string id, int maxNumber, string providerName) =>
        $$"""
        { "templateId": "{{id}}", "maxNumber": {{maxNumber.ToString(CultureInfo.InvariantCulture)}}, "providerName": "{{providerName}}",
          "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "ncores": ["Numeric", "1"], "nram": ["Numeric", "1024"] } }
        """;

    /// <summary>A templates-file entry for the local-process provider.</summary>
    public static string Template(string id, int maxNumber, string command = MachineCommand, string? extra = null) =>
        $$"""
        { "templateId": "{{id}}", "maxNumber": {{maxNumber.ToString(CultureInfo.InvariantCulture)}}, "providerName": "local",
          "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "2"], "ncores": ["Numeric", "1"], "nram": ["Numeric", "2048"] },
          "command": {{command}}{{(extra is null ? string.Empty : ", " + extra)}} }
        """;

    /// <summary>Writes the configuration and installs the scripts with <c>hostfactory scripts install</c>.</summary>
    /// <param name="templates">The templates file's entries; <see cref="StandardTemplates"/> when null.</param>
    /// <param name="resident">Let protocol calls be served by a resident process (stopped by <see cref="DisposeAsync"/>).</param>
    /// <param name="residentSettings">The <c>resident</c> section's members, e.g. <c>"idleSeconds": 1</c>.</param>
    /// <param name="extraProviders">More provider instances (JSON objects, comma-separated) after the <c>local</c> one.</param>
    /// <param name="providerTimeoutSeconds">The <c>local</c> instance's <c>timeoutSeconds</c> (it has no retries): its longest call.</param>
    /// <param name="extraSettings">More members of the <c>hostFactory</c> section, e.g. <c>"application": { … }</c>.</param>
    /// <param name="storage">The members of the <c>storage</c> section; the JSON store in <c>data</c> by default.</param>
    /// <param name="environment">More variables for every call (null removes one), e.g. a cloud SDK's settings or <c>HOSTFACTORY_STORAGE_CONNECTION</c>.</param>
    public static async Task<HostFactoryInstallation> CreateAsync(
        IEnumerable<string>? templates = null,
        bool resident = false,
        string residentSettings = "\"idleSeconds\": 120",
        string? extraProviders = null,
        int providerTimeoutSeconds = 30,
        string? extraSettings = null,
        string storage = "\"dataDirectory\": \"data\"",
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var root = Path.Combine(Path.GetTempPath(), $"hf-cli-{Guid.NewGuid():N}"[..20]);
        var installation = new HostFactoryInstallation(root, resident, environment);
        Directory.CreateDirectory(installation.ConfigurationDirectory);
        await File.WriteAllTextAsync(Path.Combine(installation.ConfigurationDirectory, $"{InstanceName}prov_config.json"), $$"""
            { "hostFactory": {
                "resident": { {{residentSettings}} },
                "storage": { {{storage}} },
                "logging": { "minimumLevel": "Debug" },{{(extraSettings is null ? string.Empty : extraSettings + ",")}}
                "providers": [ { "name": "local", "type": "local-process", "timeoutSeconds": {{providerTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}}, "retries": 0,
                                 "settings": { "graceSeconds": 2, "ipAddress": "10.0.0.7", "hostName": "e2e" } }{{(extraProviders is null ? string.Empty : ", " + extraProviders)}} ] } }
            """);
        await installation.WriteTemplatesAsync(templates ?? StandardTemplates);

        var install = await CliProcess.RunAsync(installation.Environment, "scripts", "install", installation.ScriptsDirectory, "--format", "json");
        install.ExitCode.Should().Be(0, install.ToString());
        return installation;
    }

    /// <summary>Replaces the templates file.</summary>
    public Task WriteTemplatesAsync(IEnumerable<string> templates) =>
        File.WriteAllTextAsync(Path.Combine(ConfigurationDirectory, $"{InstanceName}prov_templates.json"),
            $"{{ \"templates\": [\n{string.Join(",\n", templates)}\n] }}");

    /// <summary>
    /// Runs <c>&lt;scripts&gt;/&lt;operation&gt;.sh -f &lt;input file&gt;</c>, as Host Factory does; with
    /// <paramref name="killAfter"/>, kills it (SIGKILL to the script and the processes under it) if it runs that long;
    /// with <paramref name="killWhen"/>, as soon as that holds. <paramref name="environment"/> adds variables to this
    /// call's alone (a test's <c>StepGate</c>).
    /// </summary>
    public async Task<CliResult> RunScriptAsync(
        string operation,
        string input,
        TimeSpan? killAfter = null,
        Func<bool>? killWhen = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var inputs = Path.Combine(Root, "inputs");
        Directory.CreateDirectory(inputs);
        var file = Path.Combine(inputs, $"{operation}-{Interlocked.Increment(ref _inputs).ToString(CultureInfo.InvariantCulture)}.json");
        await File.WriteAllTextAsync(file, input);
        var variables = environment is null ? Environment : new Dictionary<string, string?>(Environment.Concat(environment));
        return await CliProcess.StartAsync(Path.Combine(ScriptsDirectory, $"{operation}.sh"), ["-f", file], variables, standardInput: null, killAfter, killWhen);
    }

    /// <summary>Runs a script and parses its answer, asserting it succeeded.</summary>
    public async Task<JsonElement> AnswerAsync(string operation, string input)
    {
        var result = await RunScriptAsync(operation, input);
        result.ExitCode.Should().Be(0, result.ToString());
        return Json.Parse(result.StandardOutput);
    }

    /// <summary>Runs <c>dotnet hostfactory.dll ARGS</c> with this instance's variables.</summary>
    public Task<CliResult> RunCliAsync(params string[] arguments) => CliProcess.RunAsync(Environment, arguments);

    /// <summary>Polls <c>getRequestStatus</c> every 200 ms until the request is not running; returns its entry.</summary>
    public async Task<JsonElement> WaitForRequestAsync(string requestId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var answer = await AnswerAsync("getRequestStatus", $$"""{"requests": [{"requestId": "{{requestId}}"}]}""");
            var entry = answer.GetProperty("requests")[0];
            if (entry.GetProperty("status").GetString() != "running")
            {
                return entry;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"request {requestId} should finish; last answer: {entry}");
            await Task.Delay(200);
        }
    }

    /// <summary>Every file of the work directory with its hash, except logs and lock files (which say nothing about the state).</summary>
    public IReadOnlyDictionary<string, string> StoreSnapshot()
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(WorkDirectory))
        {
            return snapshot;
        }

        foreach (var file in Directory.EnumerateFiles(WorkDirectory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(WorkDirectory, file).Replace('\\', '/');
            if (relative.StartsWith("data/locks/", StringComparison.Ordinal) || relative.StartsWith("logs/", StringComparison.Ordinal)
                || relative.StartsWith("resident/", StringComparison.Ordinal))
            {
                continue;
            }

            snapshot[relative] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return snapshot;
    }

    /// <summary>The machine processes of the local-process provider that still run: (pid, folder).</summary>
    public IReadOnlyList<int> LiveMachineProcesses()
    {
        var machines = Path.Combine(WorkDirectory, "providers", "local", "machines");
        if (!Directory.Exists(machines))
        {
            return [];
        }

        var live = new List<int>();
        foreach (var pidFile in Directory.EnumerateFiles(machines, "pid", SearchOption.AllDirectories))
        {
            // "<pid> <start time>", as the machine's launcher writes it.
            if (int.TryParse(File.ReadAllText(pidFile).Split(' ')[0].Trim(), CultureInfo.InvariantCulture, out var pid) && IsMachineProcess(pid, Path.GetDirectoryName(pidFile)!))
            {
                live.Add(pid);
            }
        }

        return live;
    }

    /// <summary>The resident processes' socket files.</summary>
    public string[] ResidentSockets()
    {
        var directory = Path.Combine(WorkDirectory, "resident");
        return Directory.Exists(directory) ? Directory.GetFiles(directory, "*.sock") : [];
    }

    /// <summary>Waits until exactly one resident process lives and its socket is in place; its process id.</summary>
    public async Task<int> WaitForResidentAsync()
    {
        await Eventually.UntilAsync(() => LiveResidentProcesses().Count == 1 && ResidentSockets().Length == 1, "the first call starts a resident process");
        return LiveResidentProcesses().Single();
    }

    /// <summary>The resident processes' ids, from their pid files (live ones only).</summary>
    public IReadOnlyList<int> LiveResidentProcesses()
    {
        var directory = Path.Combine(WorkDirectory, "resident");
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var live = new List<int>();
        foreach (var pidFile in Directory.EnumerateFiles(directory, "*.pid"))
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && IsRunning(pid))
            {
                live.Add(pid);
            }
        }

        return live;
    }

    /// <summary>
    /// The live processes started with this installation's <c>HF_PROVIDER_WORKDIR</c>: what its calls started and left
    /// running (a resident process, from the moment the call that launches it forks it: before that call ends).
    /// </summary>
    public IReadOnlyList<int> ProcessesStartedByCalls()
    {
        var marker = $"\0HF_PROVIDER_WORKDIR={WorkDirectory}\0";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) || pid == System.Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if (("\0" + ReadEnvironment(directory)).Contains(marker, StringComparison.Ordinal) && IsRunning(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or another user's.
            }
        }

        return found;
    }

    /// <summary>
    /// A process's environment as <c>/proc/PID/environ</c> gives it, read again while it reads empty: a process inside
    /// <c>execve</c> (the resident process passes through two, <c>setsid</c> and the program) has its new name but not
    /// yet its environment, and reads empty for that moment. Scanning once right after a <c>sh -c 'setsid … &amp;'</c>
    /// returned missed its child in 108 of 300 launches (a probe on this machine, 2026-12-07), reading again while empty
    /// in none. A kernel thread or a zombie fails the read instead (no memory to read), so only a live process without
    /// any variable at all waits the bound out.
    /// </summary>
    private static string ReadEnvironment(string processDirectory)
    {
        var path = Path.Combine(processDirectory, "environ");
        var environment = File.ReadAllText(path);
        for (var attempt = 0; environment.Length == 0 && attempt < 50; attempt++)
        {
            Thread.Sleep(10);
            environment = File.ReadAllText(path);
        }

        return environment;
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM first, as a service manager stops it: the resident process removes its socket and the runtime removes
        // its diagnostic pipes from the temp directory (clr-debug-pipe-*, dotnet-diagnostic-*), which a SIGKILL leaves
        // behind, one set per test. SIGKILL only for one that outlives the deadline.
        foreach (var pid in LiveResidentProcesses())
        {
            await TerminateAsync(pid);
        }

        foreach (var pid in LiveMachineProcesses())
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited in between.
            }
        }

        // What a call forked and is not yet known by a pid file: a resident process still starting when the test ended
        // would otherwise go on, and recreate the log directory after the installation is deleted.
        foreach (var pid in ProcessesStartedByCalls())
        {
            await TerminateAsync(pid);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A machine's last output may still be flushing; the temp directory is cleaned by the OS later.
        }
    }

    /// <summary>SIGTERM, then SIGKILL if it still runs after <see cref="ResidentStopDeadline"/>; nothing if it has already ended.</summary>
    private static async Task TerminateAsync(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var deadline = new CancellationTokenSource(ResidentStopDeadline);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Exited in between.
        }
    }

    /// <summary>True when the process runs and is the machine whose folder is given (its stdout is that folder's log).</summary>
    private static bool IsMachineProcess(int pid, string machineDirectory)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return false;
            }

            var stdout = new FileInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd/1").LinkTarget;
            return stdout is not null && stdout.StartsWith(machineDirectory, StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>Parses answers, insisting on exactly one JSON document.</summary>
public static class Json
{
    public static JsonElement Parse(string text)
    {
        // JsonDocument refuses trailing content, so a second document or any stray text on stdout fails here.
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
