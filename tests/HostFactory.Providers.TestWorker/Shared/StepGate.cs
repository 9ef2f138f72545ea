using System.Diagnostics;
using System.Globalization;

namespace HostFactory.Providers.Testing;

/// <summary>
/// Holds a call at a chosen step of a provider's work, so a test can kill it there instead of racing it. Three sites
/// pass through the gate's script, <c>hf-gate</c>: <c>setsid</c> (a shim put first on the worker's PATH, run by each
/// local-process launcher once the machine's record is written and before the machine starts; it then runs the real
/// setsid), <c>sleep</c> (every <c>time.sleep</c> of a Python program, through a <c>sitecustomize</c> put on
/// PYTHONPATH: the example cloud sleeps before each instance and before it answers) and <c>answered</c> (the test worker,
/// once the provider answered, before it prints the answer). The script counts the passes of each site; at the one
/// named by <see cref="HoldAt"/> it SIGSTOPs the processes whose timeouts would run out while it waits (the worker and a
/// launcher), writes <c>reached</c>, and waits for <see cref="Release"/>. Nothing can move past the step until then.
/// </summary>
public sealed class StepGate : IDisposable
{
    private const string Script = """
        #!/bin/sh
        # hf-gate SITE [PID...]: counts this pass of SITE; at the pass named in hold, stops the PIDs (processes that
        # would time out while this waits), lists them in reached and waits for go (2 minutes at most, not to be left
        # behind by a failed test).
        gate=$(dirname "$0")
        site=$1; shift
        echo >> "$gate/passes-$site"
        [ "$site-$(wc -l < "$gate/passes-$site" | tr -d ' ')" = "$(cat "$gate/hold")" ] || exit 0
        [ $# -eq 0 ] || kill -STOP "$@"
        echo "$@" > "$gate/reached.tmp" && mv "$gate/reached.tmp" "$gate/reached"
        i=0; while [ ! -e "$gate/go" ] && [ $i -lt 12000 ]; do sleep 0.01; i=$((i+1)); done
        """;

    // The launcher runs `setsid /bin/sh -c ...` in the background; this stands in for it, holding its parent (the
    // launcher, which gives up on a machine that has not written its pid within 5 s) and the worker (the launcher's
    // parent, which kills a launcher that outlives 10 s).
    private const string SetsidShim = """
        #!/bin/sh
        read -r stat < /proc/$PPID/stat
        rest=${stat##*) }
        worker=$(echo "$rest" | cut -d ' ' -f 2)
        "$(dirname "$0")/hf-gate" setsid "$worker" "$PPID"
        exec {0} "$@"
        """;

    // Holds the program's parent (the worker, which kills a program that outlives its timeout).
    private const string SiteCustomize = """
        import os
        import subprocess
        import time

        _gate = os.environ.get("HOSTFACTORY_TEST_GATE")
        if _gate:
            _sleep = time.sleep

            def _gated_sleep(seconds):
                subprocess.run([os.path.join(_gate, "hf-gate"), "sleep", str(os.getppid())], check=True)
                _sleep(seconds)

            time.sleep = _gated_sleep
        """;

    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private StepGate(string directory, string holdAt)
    {
        Directory = directory;
        HoldAt = holdAt;
    }

    /// <summary>The gate's folder: its script, the setsid shim, the sitecustomize, and the files of the handshake.</summary>
    public string Directory { get; }

    /// <summary>The pass the call is held at: <c>setsid-N</c>, <c>sleep-N</c> or <c>answered-1</c> (N counts from 1).</summary>
    public string HoldAt { get; }

    /// <summary>What the worker's environment needs for the sites to pass through the gate.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["HOSTFACTORY_TEST_GATE"] = Directory,
        ["PATH"] = $"{Directory}:{System.Environment.GetEnvironmentVariable("PATH")}",
        ["PYTHONPATH"] = Directory,
    };

    /// <summary>True once the call is held at <see cref="HoldAt"/>.</summary>
    public bool Reached => File.Exists(Path.Combine(Directory, "reached"));

    /// <summary>A gate in a new folder of <paramref name="parent"/> that holds the call at <paramref name="holdAt"/>.</summary>
    public static StepGate Create(string parent, string holdAt)
    {
        var directory = Path.Combine(parent, "gate");
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "hold"), holdAt + "\n");
        Write(Path.Combine(directory, "hf-gate"), Script);
        Write(Path.Combine(directory, "setsid"), SetsidShim.Replace("{0}", RealSetsid(), StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(directory, "sitecustomize.py"), SiteCustomize + "\n");
        return new StepGate(directory, holdAt);
    }

    /// <summary>Lets the held call go on: what was not killed (a launcher, a program) finishes its step.</summary>
    public void Release()
    {
        File.WriteAllText(Path.Combine(Directory, "go"), "go");
        var reached = Path.Combine(Directory, "reached");
        var stopped = File.Exists(reached) ? File.ReadAllText(reached).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        foreach (var pid in stopped.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Where(Processes.IsRunning))
        {
            using var resume = Process.Start("kill", ["-s", "CONT", pid.ToString(CultureInfo.InvariantCulture)]);
            resume.WaitForExit(5000);
        }
    }

    /// <summary>Releases a call still held (a test that failed before it killed), so no gate waits on.</summary>
    public void Dispose()
    {
        if (!File.Exists(Path.Combine(Directory, "go")))
        {
            Release();
        }
    }

    private static void Write(string path, string text)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("A step gate stops processes found in /proc: Linux only.");
        }

        File.WriteAllText(path, text + "\n");
        File.SetUnixFileMode(path, Executable);
    }

    private static string RealSetsid() =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "setsid"))
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("setsid is not on PATH.");
}
