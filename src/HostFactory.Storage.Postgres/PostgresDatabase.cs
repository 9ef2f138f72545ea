using HostFactory.Storage.Postgres.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace HostFactory.Storage.Postgres;

/// <summary>
/// The engine under the three stores: one pooled <see cref="NpgsqlDataSource"/> (Npgsql's pooling), the schema checked
/// (and migrated) on first use, every call run through a Polly retry of transient failures, and every driver error
/// turned into a <see cref="PostgresStorageException"/> that names the database, never the connection string.
/// </summary>
/// <remarks>
/// A write runs in one transaction that is committed last, so a connection lost before the commit leaves nothing
/// behind and is retried on a new connection; a connection lost during the commit is not retried (it may have been
/// applied) and fails saying so.
/// </remarks>
internal sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    private static readonly ResiliencePropertyKey<string> OperationKey = new("hostfactory.storage.operation");

    private readonly NpgsqlDataSource _dataSource;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private volatile bool _ready;

    public PostgresDatabase(IOptions<PostgresStorageOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        var connection = new NpgsqlConnectionStringBuilder(Options.BuildConnectionString());
        Name = $"PostgreSQL at {connection.Host}:{connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}, database '{connection.Database ?? connection.Username}'";
        _logger = loggerFactory?.CreateLogger("HostFactory.Storage.Postgres") ?? NullLogger.Instance;

        // No logger factory is handed to Npgsql: what it logs is its business, and this adapter logs through its own records.
        _dataSource = NpgsqlDataSource.Create(connection);
        var pipeline = new ResiliencePipelineBuilder();
        if (Options.Retries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Options.Retries,
                Delay = Options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is NpgsqlException { IsTransient: true }),
                OnRetry = args =>
                {
                    // A server restart breaks every pooled connection at once: drop the idle ones rather than meet each.
                    _dataSource.Clear();
                    var operation = args.Context.Properties.GetValue(OperationKey, "a call");
                    PostgresLog.Retrying(_logger, operation, Name, args.AttemptNumber + 1, Reason(args.Outcome.Exception!));
                    return ValueTask.CompletedTask;
                },
            });
        }

        _pipeline = pipeline.Build();
    }

    /// <summary>The options in force.</summary>
    public PostgresStorageOptions Options { get; }

    /// <summary>How messages name the database: host, port and database name (never the connection string).</summary>
    public string Name { get; }

    /// <summary>Runs a read on a pooled connection, retrying transient failures.</summary>
    /// <param name="operation">What is done, for messages: e.g. <c>read request 'req-…'</c>.</param>
    /// <param name="read">The read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="PostgresStorageUnavailableException">The database could not answer.</exception>
    public Task<T> ReadAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        RunAsync(operation, async token =>
        {
            await using var connection = await OpenAsync(token);
            return await read(connection, token);
        }, cancellationToken);

    /// <summary>
    /// Runs a change in one transaction, committed after <paramref name="write"/> returns; anything
    /// <paramref name="write"/> throws rolls it all back. Transient failures before the commit are retried whole.
    /// </summary>
    /// <exception cref="PostgresStorageUnavailableException">The database could not take the change (nothing was written), or the connection broke during the commit (the message says the outcome is unknown).</exception>
    public Task<T> WriteAsync<T>(string operation, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken) =>
        RunAsync(operation, async token =>
        {
            await using var connection = await OpenAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            var result = await write(connection, transaction, token);
            try
            {
                // Once the commit is sent it is finished, whatever the caller's token says.
                await transaction.CommitAsync(CancellationToken.None);
            }
            catch (NpgsqlException exception) when (exception is not PostgresException)
            {
                // The server may have committed before the connection broke: retrying could apply the change twice.
                throw new PostgresStorageUnavailableException(
                    $"The connection to {Name} broke while committing ({operation}): {Reason(exception)}. Whether the change was saved is unknown; the next call sees the stored state.", exception);
            }

            return result;
        }, cancellationToken);

    /// <summary>
    /// Takes the advisory lock (<paramref name="namespaceKey"/>, <paramref name="key"/>) in a transaction of its own
    /// connection and holds it until the result is disposed; a process that dies releases it with its connection.
    /// </summary>
    /// <exception cref="PostgresLockTimeoutException">Another holder kept it past <see cref="PostgresStorageOptions.LockTimeout"/>.</exception>
    /// <exception cref="PostgresStorageUnavailableException">The database could not be reached.</exception>
    public Task<IDisposable> HoldAdvisoryLockAsync(int namespaceKey, int key, string subject, CancellationToken cancellationToken) =>
        RunAsync<IDisposable>($"take the lock guarding {subject}", async token =>
        {
            var connection = await OpenAsync(token);
            try
            {
                var transaction = await connection.BeginTransactionAsync(token);
                await using (var timeout = new NpgsqlCommand(SchemaMigrator.LockTimeoutStatement(Options.LockTimeout), connection, transaction))
                {
                    await timeout.ExecuteNonQueryAsync(token);
                }

                await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, $2)", connection, transaction))
                {
                    take.Parameters.Add(new NpgsqlParameter { Value = namespaceKey });
                    take.Parameters.Add(new NpgsqlParameter { Value = key });
                    await take.ExecuteNonQueryAsync(token);
                }

                return new HeldLock(this, connection, transaction);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                await connection.DisposeAsync();
                throw new PostgresLockTimeoutException(subject, Options.LockTimeout, exception);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }, cancellationToken);

    /// <summary>Brings the schema to this build's version (what <c>hostfactory storage migrate</c> runs).</summary>
    /// <returns>The version before and after.</returns>
    /// <exception cref="PostgresSchemaVersionException">The schema is newer than this build knows.</exception>
    public Task<(int From, int To)> MigrateAsync(CancellationToken cancellationToken) =>
        RunAsync("migrate the schema", async token =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(token);
            var (from, to) = await SchemaMigrator.MigrateAsync(connection, Options.Schema, Name, Options.LockTimeout, token);
            if (from != to)
            {
                PostgresLog.Migrated(_logger, Options.Schema, Name, from, to);
            }

            _ready = true;
            return (from, to);
        }, cancellationToken);

    /// <summary>The schema's version now (0: never created); creates and migrates nothing.</summary>
    public Task<int> SchemaVersionAsync(CancellationToken cancellationToken) =>
        RunAsync("read the schema version", async token =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(token);
            return await SchemaMigrator.CurrentVersionAsync(connection, null, Options.Schema, token);
        }, cancellationToken);

    public void Dispose() => _dataSource.Dispose();

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>What went wrong, in one line, from the driver's error and its causes.</summary>
    internal static string Reason(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null && parts.Count < 3; current = current.InnerException)
        {
            var text = current is PostgresException postgres ? $"{postgres.MessageText} (SQLSTATE {postgres.SqlState})" : current.Message;
            if (!parts.Any(p => p.Contains(text, StringComparison.Ordinal)))
            {
                parts.Add(text.TrimEnd('.'));
            }
        }

        return string.Join(": ", parts);
    }

    private async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OperationKey, operation);
        try
        {
            return await _pipeline.ExecuteAsync(static async (ctx, run) => await run(ctx.CancellationToken), context, attempt);
        }
        catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PostgresStorageUnavailableException($"{Name} could not {operation}: {Reason(exception)}. Nothing was changed.", exception);
        }
        catch (TimeoutException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PostgresStorageUnavailableException($"{Name} could not {operation}: {Reason(exception)}. Nothing was changed.", exception);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>A pooled connection, after the schema was checked (and migrated) once in this process.</summary>
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (_ready)
        {
            return connection;
        }

        try
        {
            await EnsureSchemaAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await _readyGate.WaitAsync(cancellationToken);
        try
        {
            if (_ready)
            {
                return;
            }

            var version = await SchemaMigrator.CurrentVersionAsync(connection, null, Options.Schema, cancellationToken);
            if (version > Migrations.Latest)
            {
                throw SchemaMigrator.Newer(Name, Options.Schema, version);
            }

            if (version < Migrations.Latest)
            {
                if (!Options.AutoMigrate)
                {
                    throw SchemaMigrator.Older(Name, Options.Schema, version, Options.SettingsPath);
                }

                var (from, to) = await SchemaMigrator.MigrateAsync(connection, Options.Schema, Name, Options.LockTimeout, cancellationToken);
                if (from != to)
                {
                    PostgresLog.Migrated(_logger, Options.Schema, Name, from, to);
                }
            }

            PostgresLog.Ready(_logger, Name, Options.Schema, Migrations.Latest);
            _ready = true;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            throw new PostgresLockTimeoutException($"the schema '{Options.Schema}' (another host is migrating it)", Options.LockTimeout, exception);
        }
        finally
        {
            _readyGate.Release();
        }
    }

    /// <summary>An advisory lock held in an open transaction; disposing ends the transaction, which releases it.</summary>
    private sealed class HeldLock(PostgresDatabase database, NpgsqlConnection connection, NpgsqlTransaction transaction) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                transaction.Commit();
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
                // A broken connection ended the transaction, and with it the lock.
                PostgresLog.CapacityReleaseFailed(database._logger, database.Name, Reason(exception));
            }
            finally
            {
                transaction.Dispose();
                connection.Dispose();
            }
        }
    }
}
