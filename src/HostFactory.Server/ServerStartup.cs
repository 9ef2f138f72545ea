using HostFactory.Configuration;
using HostFactory.Providers.Loading;
using Microsoft.Extensions.Options;

namespace HostFactory.Server;

/// <summary>
/// The server's run from its entry point: build it, make the start-up checks the host would make (every setting,
/// every provider loaded) before anything listens, then serve until stopped. A configuration the checks refuse ends
/// the process with one line on stderr and <see cref="ConfigurationError"/>, as the <c>hostfactory</c> command ends on
/// a configuration error: never a stack trace or an abort, which a service manager would report as a crash.
/// </summary>
internal static class ServerStartup
{
    /// <summary>The exit code of a refused configuration, the same as the <c>hostfactory</c> command's (docs/cli.md).</summary>
    public const int ConfigurationError = 5;

    /// <summary>Runs the server; returns the process exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="stderr">Where a refusal is written.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        WebApplication app;
        try
        {
            app = HostFactoryServer.Build(args);
        }
        catch (Exception exception) when (ConfigurationProblem(exception) is { } problem)
        {
            return await RefuseAsync(stderr, problem);
        }

        await using (app)
        {
            try
            {
                // The host makes these checks again when it starts; made here first, a refusal logs nothing else.
                app.Services.GetRequiredService<IStartupValidator>().Validate();
            }
            catch (Exception exception) when (ConfigurationProblem(exception) is { } problem)
            {
                return await RefuseAsync(stderr, problem);
            }

            await app.RunAsync();
            return 0;
        }
    }

    /// <summary>What is wrong with the configuration, on one line; null when <paramref name="exception"/> is not a configuration refusal.</summary>
    /// <param name="exception">What building or checking the server threw.</param>
    public static string? ConfigurationProblem(Exception exception)
    {
        var problem = exception switch
        {
            OptionsValidationException options => string.Join(" ", options.Failures),
            AggregateException aggregate when aggregate.InnerExceptions.All(e => ConfigurationProblem(e) is not null)
                => string.Join(" ", aggregate.InnerExceptions.Select(ConfigurationProblem)),
            ProviderLoadException or ConfigurationFileNotFoundException => exception.Message,
            _ when HostFactoryConfiguration.IsUnconvertibleValue(exception) => exception.Message,

            InvalidDataException notJson => HostFactoryConfiguration.DescribeNotJson(notJson),
            _ => null,
        };
        return problem is null ? null : string.Join(' ', problem.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static async Task<int> RefuseAsync(TextWriter stderr, string problem)
    {
        await stderr.WriteLineAsync($"hostfactory server: {problem}");
        await stderr.FlushAsync();
        return ConfigurationError;
    }
}

/// <summary>The configuration file the server was pointed at (or found by default) does not exist.</summary>
/// <param name="message">Which files were looked for, and how to point the server at one.</param>
/// <param name="fileName">The file that was chosen.</param>
internal sealed class ConfigurationFileNotFoundException(string message, string fileName) : FileNotFoundException(message, fileName);
