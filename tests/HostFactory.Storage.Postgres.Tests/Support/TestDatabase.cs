using Npgsql;

namespace HostFactory.Storage.Postgres.Testing;

/// <summary>
/// A database of its own for one test (or one class of tests): created with a unique name on the server of
/// <see cref="TestPostgres"/>, dropped (with any connection still open to it) on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString, string serverConnectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        ServerConnectionString = serverConnectionString;
    }

    /// <summary>The database's name: <c>hf_test_…</c>.</summary>
    public string Name { get; }

    /// <summary>A connection string to this database (it holds the test server's password).</summary>
    public string ConnectionString { get; }

    /// <summary>The connection string given to the tests (the server's maintenance database).</summary>
    public string ServerConnectionString { get; }

    /// <summary>The password of the test server's connection string, for checks that it never leaks.</summary>
    public string? Password => new NpgsqlConnectionStringBuilder(ConnectionString).Password;

    /// <summary>The same connection string without its password.</summary>
    public string WithoutPassword => new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString;

    /// <summary>Creates the database.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        var server = TestPostgres.Require();
        var name = "hf_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(name, builder.ConnectionString, server);
    }

    /// <summary>Runs SQL on the database (as the test server's user) and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
