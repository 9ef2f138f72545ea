using System.CommandLine;
using System.Text;
using System.Text.Json;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Operator;
using HostFactory.Cli.Protocol;
using HostFactory.Configuration;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Scripts;

/// <summary>
/// <c>scripts install DIR</c>: the five <c>&lt;operation&gt;.sh</c> wrappers Host Factory runs, pointing at this
/// installation, and example entries for Host Factory's <c>hostProviderPlugins.json</c> and <c>hostProviders.json</c>.
/// </summary>
internal static class ScriptsVerbs
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static Command Create(VerbRunner runner, GlobalOptions options)
    {
        var group = OperatorVerbs.Group(options, "scripts", "Installs the scripts Host Factory calls.");
        var directory = new Argument<string>("DIR") { Description = "Where to write the scripts: the plugin's scriptPath in hostProviderPlugins.json." };
        var name = new Option<string>("--name")
        {
            Description = "The plugin name in the example entries; the provider instance is <name>inst.",
            DefaultValueFactory = _ => "hostfactory",
        };
        var confDir = new Option<string?>("--conf-dir")
        {
            Description = "Also write a starting configuration for the instance there: <name>instprov_config.json, <name>instprov_templates.json "
                + "and examples/, copied from the configuration in use (existing files are kept).",
            HelpName = "DIR",
        };
        var install = new Command("install", "Writes getAvailableTemplates.sh, requestMachines.sh, requestReturnMachines.sh, getRequestStatus.sh, "
            + "getReturnRequests.sh (mode 755) and example hostProviderPlugins.json / hostProviders.json entries.") { directory, name, confDir };
        install.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "scripts install", (session, format, _) =>
        {
            var view = Install(session, Path.GetFullPath(parseResult.GetValue(directory)!), parseResult.GetValue(name)!, parseResult.GetValue(confDir));
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, view, static c => c.ScriptsInstallView);
            }
            else
            {
                session.Console.Out.WriteLine($"Installed the Host Factory scripts in {view.Directory}, running {view.Launcher}:");
                foreach (var file in view.Files)
                {
                    session.Console.Out.WriteLine($"  {file}");
                }

                session.Console.Out.WriteLine("Merge the example entries into Host Factory's own files; docs/host-factory.md walks through it.");
            }

            return Task.FromResult(ExitCodes.Success);
        }, ct));
        group.Subcommands.Add(install);
        return group;
    }

    private static ScriptsInstallView Install(CliSession session, string directory, string name, string? confDir)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new InputException($"--name '{name}' must be letters, digits, '-' and '_'.");
        }

        try
        {
            Directory.CreateDirectory(directory);
            var launcher = ThisProgram.ScriptLauncher();
            var files = new List<string>();
            foreach (var operation in ProtocolVerbs.Names)
            {
                var path = Path.Combine(directory, $"{operation}.sh");
                File.WriteAllText(path, Script(operation, launcher), new UTF8Encoding(false));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, Executable);
                }

                files.Add(path);
            }

            var instance = $"{name}inst";
            files.Add(WriteJson(Path.Combine(directory, "hostProviderPlugins.json"), writer =>
            {
                writer.WriteNumber("version", 2);
                writer.WriteStartArray("providerplugins");
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteNumber("enabled", 1);
                writer.WriteString("scriptPath", Path.TrimEndingDirectorySeparator(directory) + "/");
                writer.WriteEndObject();
                writer.WriteEndArray();
            }));
            files.Add(WriteJson(Path.Combine(directory, "hostProviders.json"), writer =>
            {
                writer.WriteNumber("version", 2);
                writer.WriteStartArray("providers");
                writer.WriteStartObject();
                writer.WriteString("name", instance);
                writer.WriteNumber("enabled", 1);
                writer.WriteString("plugin", name);
                writer.WriteString("confPath", confDir is null ? $"${{HF_CONFDIR}}/providers/{instance}/" : ConfPath(Path.GetFullPath(confDir)));
                writer.WriteString("workPath", $"${{HF_WORKDIR}}/providers/{instance}/");
                writer.WriteString("logPath", "${HF_LOGDIR}/");
                writer.WriteEndObject();
                writer.WriteEndArray();
            }));

            if (confDir is not null)
            {
                files.AddRange(WriteConfiguration(session.ResolvePaths(), Path.GetFullPath(confDir), instance));
            }

            return new ScriptsInstallView(directory, launcher, files);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"Cannot write to '{directory}': {exception.Message}");
        }
    }

    /// <summary>
    /// The instance's <c>confPath</c> as Host Factory's other paths are written, <c>${HF_CONFDIR}/…</c>, when the conf
    /// directory lies under <c>$HF_CONFDIR</c> (as in <c>--conf-dir "$HF_CONFDIR/providers/…"</c>); else as given.
    /// </summary>
    private static string ConfPath(string confDir)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(confDir);
        if (Environment.GetEnvironmentVariable("HF_CONFDIR") is { Length: > 0 } hostFactoryConfDir
            && Path.GetRelativePath(Path.GetFullPath(hostFactoryConfDir), trimmed) is var relative
            && relative != "." && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
        {
            return $"${{HF_CONFDIR}}/{relative.Replace('\\', '/')}/";
        }

        return trimmed + "/";
    }

    private static string Script(string operation, string launcher) =>
        $"""
        #!/bin/sh
        # Host Factory runs: {operation}.sh -f <input.json>. Written by 'hostfactory scripts install'.
        exec {launcher} {operation} "$@"

        """;

    private static IEnumerable<string> WriteConfiguration(HostFactoryPaths source, string confDir, string instance)
    {
        Directory.CreateDirectory(confDir);
        var written = new List<string>();
        CopyIfAbsent(source.ConfigurationFile, Path.Combine(confDir, $"{instance}prov_config.json"), written);
        CopyIfAbsent(source.TemplatesFile, Path.Combine(confDir, $"{instance}prov_templates.json"), written);
        var examples = Path.Combine(source.ConfigurationDirectory, "examples");
        if (Directory.Exists(examples))
        {
            foreach (var file in Directory.EnumerateFiles(examples))
            {
                CopyIfAbsent(file, Path.Combine(confDir, "examples", Path.GetFileName(file)), written);
            }
        }

        return written;
    }

    private static void CopyIfAbsent(string from, string to, List<string> written)
    {
        if (File.Exists(to))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
        written.Add(to);
    }

    private static string WriteJson(string path, Action<Utf8JsonWriter> body)
    {
        using (var stream = File.Create(path))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        File.AppendAllText(path, "\n");
        return path;
    }
}
