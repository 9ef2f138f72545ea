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
    /// The shape of <c>hostfactory.json</c>: each section <c>hostFactory</c> may hold, with the settings it may hold.
    /// <c>storage</c> (<c>kind</c> and both stores' settings, side by side) and <c>application</c> are read by every
    /// host; <c>providers</c>, <c>reconciler</c>, <c>logging</c> and <c>resident</c> by the CLI; <c>server</c> by the
    /// REST server. <c>providers</c> maps to null: it is a list whose instances check their own fields and settings when
    /// they are loaded. Keys are matched without regard to case, as the configuration system reads them.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>?> Settings { get; } =
        new Dictionary<string, IReadOnlyList<string>?>(StringComparer.OrdinalIgnoreCase)
        {
            ["storage"] =
            [
                "kind", "dataDirectory", "lockTimeout",
                "connectionString", "password", "environmentVariable", "schema", "autoMigrate", "commandTimeout", "retries", "retryDelay",
            ],
            ["application"] = ["defaultRequestTimeout", "concurrencyRetryCount", "concurrencyRetryBaseDelay", "interruptedCallGrace"],
            ["providers"] = null,
            ["reconciler"] = ["enabled", "interval", "provisionStaleAfter", "maxProvisionRetries", "recordReclaimed", "reportOrphans"],
            ["logging"] = ["minimumLevel"],
            ["resident"] = ["enabled", "idleSeconds"],
            ["server"] = ["urls", "bearerToken"],
        };

    /// <summary>
    /// The keys of <paramref name="configuration"/>'s <c>hostFactory</c> section that <see cref="Settings"/> does not
    /// know, each as a sentence naming it and the keys known where it sits. The configuration system ignores such a key
    /// without a word: a misspelt <c>storag</c> would leave one host on its own JSON files while the others share
    /// PostgreSQL.
    /// </summary>
    /// <param name="configuration">A configuration holding the <c>hostFactory</c> section.</param>
    /// <returns>One sentence per unknown key; empty when every key is known.</returns>
    public static IReadOnlyList<string> UnknownSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var root = configuration.GetSection(RootSection);
        var unknown = new List<string>();
        foreach (var section in root.GetChildren())
        {
            if (!Settings.TryGetValue(section.Key, out var keys))
            {
                unknown.Add(NotASetting(section, root, Settings.Keys));
            }
            else if (keys is not null)
            {
                unknown.AddRange(section.GetChildren()
                    .Where(setting => !keys.Contains(setting.Key, StringComparer.OrdinalIgnoreCase))
                    .Select(setting => NotASetting(setting, section, keys)));
            }
        }

        return unknown;
    }

    private static string NotASetting(IConfigurationSection key, IConfigurationSection parent, IEnumerable<string> known) =>
        $"{key.Path} is not a Host Factory setting (known under {parent.Path}: {string.Join(", ", known)}).";

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
    /// What loading a configuration file that is not JSON threw, in one message: Microsoft.Extensions.Configuration.Json's
    /// message names only the file, and its inner exceptions say where the JSON breaks (line and position). Each host
    /// puts its messages on one line itself.
    /// </summary>
    /// <param name="exception">What <see cref="Load"/>, or any <c>AddJsonFile</c> of the file, threw.</param>
    /// <returns>The messages of the exception and its causes, each once, joined by spaces.</returns>
    public static string DescribeNotJson(InvalidDataException exception)
    {
        var messages = new List<string>();
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            messages.Add(cause.Message);
        }

        return string.Join(' ', messages.Distinct());
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
