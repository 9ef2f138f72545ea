namespace HostFactory.Storage.Postgres.Testing;

/// <summary>
/// Where the tests find PostgreSQL: the connection string in <see cref="Variable"/> (set by <c>.ci/run</c>, or by hand
/// from <c>.ci/postgres start DIR</c>), to a server where the user may create databases.
/// </summary>
public static class TestPostgres
{
    /// <summary>The environment variable holding the connection string.</summary>
    public const string Variable = "HOSTFACTORY_TEST_POSTGRES";

    /// <summary>The connection string, or null when none is given.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>
    /// Why a test that needs PostgreSQL does not run here, or null when it runs. Under <c>CI=true</c> it always runs
    /// (and fails without a server): CI must never skip these silently.
    /// </summary>
    public static string? SkipReason =>
        ConnectionString is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? $"No PostgreSQL: set {Variable} to a connection string (.ci/run starts a cluster; by hand: .ci/postgres start DIR)."
            : null;

    /// <summary>The connection string, or a failure saying how to provide one.</summary>
    public static string Require() =>
        ConnectionString ?? throw new InvalidOperationException($"{Variable} is not set: the tests need a PostgreSQL server (see .ci/postgres).");
}

/// <summary>A fact that needs PostgreSQL: reported skipped, with the reason, when <see cref="TestPostgres"/> has none.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = TestPostgres.SkipReason;
}

/// <summary>A theory that needs PostgreSQL: reported skipped, with the reason, when <see cref="TestPostgres"/> has none.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute() => Skip = TestPostgres.SkipReason;
}
