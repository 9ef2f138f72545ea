using HostFactory.Storage.Postgres.Testing;
using Npgsql;

namespace HostFactory.Cli.Tests.Support;

/// <summary>
/// Installations of their own (each a Host Factory host: its own work, log and script directories) on one test
/// database: the configuration names the server without a password, which comes from
/// <c>HOSTFACTORY_STORAGE_CONNECTION</c> as an administrator would give it.
/// </summary>
public static class PostgresInstallations
{
    /// <summary>The <c>storage</c> section's members selecting <paramref name="database"/>.</summary>
    public static string StorageSettings(TestDatabase database) =>
        $$"""
        "kind": "postgres", "connectionString": "{{database.WithoutPassword}}", "dataDirectory": "data"
        """;

    /// <summary>The variables that give the password.</summary>
    public static IReadOnlyDictionary<string, string?> Environment(TestDatabase database) =>
        new Dictionary<string, string?> { ["HOSTFACTORY_STORAGE_CONNECTION"] = new NpgsqlConnectionStringBuilder(database.ConnectionString).Password };

    /// <summary>An installation on <paramref name="database"/>.</summary>
    public static Task<HostFactoryInstallation> CreateAsync(TestDatabase database, IEnumerable<string>? templates = null) =>
        HostFactoryInstallation.CreateAsync(templates, storage: StorageSettings(database), environment: Environment(database));
}
