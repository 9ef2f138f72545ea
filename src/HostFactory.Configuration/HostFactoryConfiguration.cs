using Microsoft.Extensions.Configuration;

namespace HostFactory.Configuration;

/// <summary>
/// Reads <c>hostfactory.json</c> through Microsoft.Extensions.Configuration. Its shape:
/// <code>
/// { "hostFactory": {
///     "storage":   { "dataDirectory": "data" },          // or { "kind": "postgres", "connectionString": "Host=db;…" }
///     "logging":   { "minimumLevel": "Information" },
///     "providers": [ { "name": "local", "type": "local-process", ... } ] } }
/// </code>
/// </summary>
public static class HostFactoryConfiguration
{
    /// <summary>The root section of every HostFactory setting.</summary>
    public const string RootSection = "hostFactory";

    /// <summary>The section holding the provider instances (an array).</summary>
    public const string ProvidersSection = RootSection + ":providers";

    /// <summary>
    /// The sections <c>hostFactory</c> may hold, each read by a part of Host Factory: <c>storage</c> and
    /// <c>application</c> (every host), <c>providers</c>, <c>reconciler</c>, <c>logging</c> and <c>resident</c> (the CLI),
    /// <c>server</c> (the REST server). Anything else under <c>hostFactory</c> is a misspelt or misplaced section, which
    /// the configuration system would otherwise ignore without a word.
    /// </summary>
    public static IReadOnlyList<string> Sections { get; } = ["storage", "application", "providers", "reconciler", "logging", "resident", "server"];

    /// <summary>Loads the configuration file (no reload on change: each Host Factory call is a new process).</summary>
    /// <param name="configurationFile">The absolute path of the file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist; the message names it.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON; the message names it, <see cref="DescribeNotJson"/> also says where it breaks.</exception>
    public static IConfigurationRoot Load(string configurationFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationFile);
        var fullPath = Path.GetFullPath(configurationFile);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The HostFactory configuration file '{fullPath}' does not exist.", fullPath);
        }

        return new ConfigurationBuilder()
            .AddJsonFile(fullPath, optional: false, reloadOnChange: false)
            .Build();
    }

    /// <summary>
    /// What loading a configuration file that is not JSON threw, on one line: Microsoft.Extensions.Configuration.Json's
    /// message names only the file, and its inner exceptions say where the JSON breaks (line and position).
    /// </summary>
    /// <param name="exception">What <see cref="Load"/>, or any <c>AddJsonFile</c> of the file, threw.</param>
    /// <returns>The messages of the exception and its causes, each once, on one line.</returns>
    public static string DescribeNotJson(InvalidDataException exception)
    {
        var messages = new List<string>();
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (!messages.Contains(cause.Message))
            {
                messages.Add(cause.Message);
            }
        }

        return string.Join(' ', string.Join(' ', messages).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is the configuration binder refusing a value it cannot convert to its
    /// setting's type (<c>"interval": "abc"</c>, <c>"enabled": "maybe"</c>): an <see cref="InvalidOperationException"/>
    /// thrown by Microsoft.Extensions.Configuration.Binder, or by the binding code its source generator wrote into the
    /// calling assembly (HostFactory.Hosting binds that way), whose message names the setting, the value and the type.
    /// It surfaces when the options are first read, so a host treats it as a refused configuration, like an
    /// <c>OptionsValidationException</c>, and not as a crash.
    /// </summary>
    /// <param name="exception">What reading the options threw.</param>
    /// <returns>True for a value the binder could not convert.</returns>
    public static bool IsUnconvertibleValue(Exception exception) =>
        exception is InvalidOperationException invalid
        && (invalid.Source == BinderAssembly || invalid.TargetSite?.DeclaringType?.Namespace == GeneratedBinderNamespace);

    private const string BinderAssembly = "Microsoft.Extensions.Configuration.Binder";

    // The namespace of the binding code the configuration binder's source generator writes (EnableConfigurationBindingGenerator).
    private const string GeneratedBinderNamespace = "Microsoft.Extensions.Configuration.Binder.SourceGeneration";
}
