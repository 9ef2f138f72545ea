using System.Text.RegularExpressions;
using Npgsql;

namespace HostFactory.Storage.Postgres;

/// <summary>
/// Settings of the PostgreSQL storage, bound from configuration (in <c>hostfactory.json</c>: <c>hostFactory:storage</c>
/// with <c>"kind": "postgres"</c>) or set in code, and validated at start-up. The connection string (or only its
/// password) can come from <c>HOSTFACTORY_STORAGE_CONNECTION</c> instead, so no secret has to sit in a file.
/// </summary>
public sealed partial class PostgresStorageOptions
{
    /// <summary>The configuration section <c>AddPostgresStorage(IConfiguration)</c> is usually given.</summary>
    public const string SectionName = "PostgresStorage";

    /// <summary>
    /// The environment variable that supplies the whole connection string (when its value names a <c>Host</c>) or else
    /// the password alone; it wins over <see cref="ConnectionString"/> and <see cref="Password"/>.
    /// </summary>
    public const string ConnectionVariable = "HOSTFACTORY_STORAGE_CONNECTION";

    /// <summary>The schema used when none is set.</summary>
    public const string DefaultSchema = "hostfactory";

    /// <summary>
    /// The Npgsql connection string, e.g. <c>Host=db;Database=hostfactory;Username=hf</c>. Pooling is Npgsql's own
    /// (its <c>Maximum Pool Size</c> and other keywords apply). Never logged and never part of an error message.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The password, when it is not in <see cref="ConnectionString"/>; usually from <see cref="ConnectionVariable"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The environment variable read for the connection string or password (default <see cref="ConnectionVariable"/>);
    /// null to ignore the environment.
    /// </summary>
    public string? EnvironmentVariable { get; set; } = ConnectionVariable;

    /// <summary>The PostgreSQL schema holding HostFactory's tables (created when missing): a lower-case identifier. Default <c>hostfactory</c>.</summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>Create or migrate the schema on first use (default true); when false, an older schema is refused until <c>hostfactory storage migrate</c> runs.</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>How long a caller waits for a template's capacity lock (or the migration lock) held by another process; more than zero. Default 10 s.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one SQL command may run; at least one second. Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a call that met a transient failure (connection lost, database restarting) is tried again; 0 to 10. Default 3.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>The pause before the first retry, doubled (with jitter) for each next one; zero to one minute. Default 0.2 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How error messages name these settings, e.g. <c>hostFactory:storage</c>. Default <see cref="SectionName"/>.</summary>
    public string SettingsPath { get; set; } = SectionName;

    /// <summary>
    /// The connection string these options select: <see cref="ConnectionString"/> or the environment's whole string,
    /// with the password applied, the schema as search path and the command timeout set.
    /// </summary>
    /// <exception cref="InvalidOperationException">No usable connection string is set; the message names the setting, never the value.</exception>
    public string BuildConnectionString() =>
        TryBuildConnectionString(out var connectionString, out var error) ? connectionString : throw new InvalidOperationException(error);

    internal bool TryBuildConnectionString(out string connectionString, out string error)
    {
        connectionString = string.Empty;
        var (source, sourceName) = (ConnectionString, $"{SettingsPath}:connectionString");
        var password = Password;
        if (EnvironmentVariable is { Length: > 0 } variable && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
        {
            if (NamesHost(value))
            {
                (source, sourceName) = (value, variable);
            }
            else
            {
                password = value;
            }
        }

        if (string.IsNullOrWhiteSpace(source))
        {
            error = $"{SettingsPath}:connectionString is required for the PostgreSQL store (e.g. \"Host=db;Database=hostfactory;Username=hf\"), or set {ConnectionVariable} to the whole connection string.";
            return false;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(source);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The driver's message may quote the value it could not read, which may be the password: name the keyword only.
            var keyword = KeywordInMessage().Match(exception.Message);
            error = $"{sourceName} is not a valid PostgreSQL connection string: " + (keyword.Success
                ? $"keyword '{keyword.Groups[1].Value}' is unknown or has a value it cannot take (the value is not shown, the string may hold a password)."
                : "it must be Key=Value pairs separated by ';' (the text is not shown, it may hold a password).");
            return false;
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            error = $"{sourceName} names no Host: add Host=<server>.";
            return false;
        }

        if (password is not null)
        {
            builder.Password = password;
        }

        builder.SearchPath = Schema;
        builder.CommandTimeout = (int)Math.Ceiling(CommandTimeout.TotalSeconds);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "hostfactory";
        }

        connectionString = builder.ConnectionString;
        error = string.Empty;
        return true;
    }

    internal static bool IsValidSchema(string? schema) => schema is not null && SchemaName().IsMatch(schema);

    private static bool NamesHost(string value)
    {
        try
        {
            return !string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(value).Host);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();

    [GeneratedRegex(@"^Couldn't set ([A-Za-z][A-Za-z ]{0,63}) \(Parameter", RegexOptions.CultureInvariant)]
    private static partial Regex KeywordInMessage();
}
