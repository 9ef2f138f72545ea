using System.Globalization;
using HostFactory.Cli.Infrastructure;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Demo;

/// <summary>
/// Where <c>hostfactory demo</c> works. The demo runs as whoever installed or cloned HostFactory, often a user who
/// cannot write into the installation, so it never insists on a directory it cannot write unless told to use it.
/// </summary>
internal static class DemoWorkDirectory
{
    /// <summary>
    /// Makes the demo's fresh directory, <c>demo-&lt;time&gt;</c>, in the first of: <paramref name="workDirOption"/>
    /// (<c>--work-dir</c>), <c>HF_PROVIDER_WORKDIR</c>, <paramref name="configurationWorkDirectory"/> (the
    /// configuration's own work directory), the user's state directory (<c>$XDG_STATE_HOME/hostfactory</c>, by default
    /// <c>$HOME/.local/state/hostfactory</c>; none when neither variable is an absolute path, rather than a directory
    /// relative to wherever the demo was started). The last two are tried in turn; a directory given by the first two
    /// must work.
    /// </summary>
    /// <returns>The full path of the directory made.</returns>
    /// <exception cref="CommandFailedException">No directory could be made (exit code 5); the message says where it tried and how to choose another.</exception>
    public static string Create(string? workDirOption, Func<string, string?> environment, string configurationWorkDirectory)
    {
        var name = $"demo-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}";
        var given = !string.IsNullOrWhiteSpace(workDirOption) ? ("--work-dir", workDirOption)
            : environment("HF_PROVIDER_WORKDIR") is { } variable && !string.IsNullOrWhiteSpace(variable) ? ("HF_PROVIDER_WORKDIR", variable)
            : default((string Source, string Directory)?);
        var candidates = given is { } chosen
            ? [(chosen.Source, chosen.Directory)]
            : new[] { ("the configuration's work directory", configurationWorkDirectory), ("your state directory", UserStateDirectory(environment)) };

        var problems = new List<string>();
        foreach (var (source, directory) in candidates)
        {
            if (directory is null)
            {
                problems.Add($"{source}: none, neither XDG_STATE_HOME nor HOME is an absolute path");
                continue;
            }

            var path = Path.GetFullPath(Path.Combine(directory, name));
            try
            {
                Directory.CreateDirectory(path);
                return path;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                problems.Add($"'{path}' ({source}): {exception.Message.TrimEnd('.')}");
            }
        }

        throw new CommandFailedException(
            ExitCodes.ConfigurationError,
            $"The demo could not make its work directory: {string.Join("; ", problems)}. Pass --work-dir <a directory you can write> (or set HF_PROVIDER_WORKDIR).");
    }

    /// <summary>
    /// <c>$XDG_STATE_HOME/hostfactory</c>, else <c>$HOME/.local/state/hostfactory</c>; null when neither is an absolute
    /// path. Read from the variables, not <see cref="Environment.SpecialFolder.UserProfile"/>, which answers an empty
    /// string when the home directory does not exist (a service account's <c>/nonexistent</c>), and an empty string
    /// would put the state in the current directory.
    /// </summary>
    private static string? UserStateDirectory(Func<string, string?> environment) =>
        environment("XDG_STATE_HOME") is { Length: > 0 } state && Path.IsPathRooted(state) ? Path.Combine(state, "hostfactory")
            : environment("HOME") is { Length: > 0 } home && Path.IsPathRooted(home) ? Path.Combine(home, ".local", "state", "hostfactory")
            : null;
}
