using Microsoft.Extensions.Logging;

namespace HostFactory.Storage.Postgres;

/// <summary>The PostgreSQL storage's log records; ids 4200–4299 belong to this adapter. None carries the connection string.</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Debug, Message = "PostgreSQL storage ready: {Database}, schema {Schema} at version {Version}")]
    public static partial void Ready(ILogger logger, string database, string schema, int version);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Migrated the schema {Schema} of {Database} from version {From} to {To}")]
    public static partial void Migrated(ILogger logger, string schema, string database, int from, int to);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Retrying {Operation} on {Database} (attempt {Attempt}) after a transient failure: {Reason}")]
    public static partial void Retrying(ILogger logger, string operation, string database, int attempt, string reason);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Releasing a capacity lock on {Database} failed ({Reason}); the database released it when the connection ended")]
    public static partial void CapacityReleaseFailed(ILogger logger, string database, string reason);
}
