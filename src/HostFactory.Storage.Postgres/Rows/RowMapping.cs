using System.Globalization;
using HostFactory.Domain.Common;
using Npgsql;
using NpgsqlTypes;

namespace HostFactory.Storage.Postgres.Rows;

/// <summary>
/// One aggregate's table: its columns after <c>id</c> and <c>version</c>, the SQL that reads and writes them, and the
/// mapping between a row and a snapshot. Rows hold the domain's words for enums and UTC times; PostgreSQL keeps times
/// to the microsecond.
/// </summary>
/// <typeparam name="TSnapshot">The snapshot type of the aggregate.</typeparam>
internal abstract class RowMapping<TSnapshot>
    where TSnapshot : class
{
    private readonly string[] _columns;

    /// <summary>A table; rows outside <paramref name="liveCondition"/> (empty, or e.g. <c> AND deleted_at IS NULL</c>) are never updated.</summary>
    protected RowMapping(string table, string entity, string liveCondition, string[] columns)
    {
        Table = table;
        Entity = entity;
        LiveCondition = liveCondition;
        _columns = columns;
        SelectColumns = "id, version, " + string.Join(", ", columns);
        Insert = $"INSERT INTO {table} (id, version, {string.Join(", ", columns)}) VALUES ({Placeholders(1, columns.Length + 2)})";
        Update = $"UPDATE {table} SET version = $2, {string.Join(", ", columns.Select((c, i) => $"{c} = ${(i + 3).ToString(CultureInfo.InvariantCulture)}"))} WHERE id = $1 AND version = ${(columns.Length + 3).ToString(CultureInfo.InvariantCulture)}{liveCondition}";
    }

    /// <summary>What a row must meet besides its id to be stored (empty, or e.g. <c> AND deleted_at IS NULL</c>).</summary>
    public string LiveCondition { get; }

    /// <summary>The table's name.</summary>
    public string Table { get; }

    /// <summary>The aggregate's name in messages and <see cref="ConcurrencyException"/>: <c>Machine</c>.</summary>
    public string Entity { get; }

    /// <summary><c>id, version, …</c>: the columns <see cref="Read"/> expects, in its order.</summary>
    public string SelectColumns { get; }

    /// <summary>Inserts a row: parameters id, version, then the columns.</summary>
    public string Insert { get; }

    /// <summary>Updates a (live) row if it is at the expected version: parameters id, new version, the columns, the expected version.</summary>
    public string Update { get; }

    /// <summary>The column names after id and version.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The snapshot's id as stored.</summary>
    public abstract string IdOf(TSnapshot snapshot);

    /// <summary>Adds the column values of <paramref name="snapshot"/>, in <see cref="Columns"/> order.</summary>
    public abstract void AddValues(NpgsqlParameterCollection parameters, TSnapshot snapshot);

    /// <summary>The snapshot of the current row, at its stored version.</summary>
    /// <exception cref="PostgresCorruptRowException">The row holds something the domain refuses.</exception>
    public TSnapshot Read(NpgsqlDataReader reader)
    {
        var id = reader.GetString(0);
        try
        {
            return Map(reader, id, reader.GetInt64(1));
        }
        catch (Exception exception) when (exception is DomainException or ArgumentException or FormatException or InvalidCastException or System.Text.Json.JsonException)
        {
            throw new PostgresCorruptRowException(Table, id, exception.Message, exception);
        }
    }

    /// <summary>Adds a command's parameter (null as SQL NULL).</summary>
    public static void Add(NpgsqlParameterCollection parameters, object? value) =>
        parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });

    /// <summary>Adds a UTC time (PostgreSQL takes only offset zero).</summary>
    public static void AddTime(NpgsqlParameterCollection parameters, DateTimeOffset? value) =>
        Add(parameters, value?.ToUniversalTime());

    /// <summary>Adds a <c>json</c> parameter from JSON text (<c>json</c> rather than <c>jsonb</c>: it keeps the text, keys in their order).</summary>
    public static void AddJson(NpgsqlParameterCollection parameters, string json) =>
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Json, Value = json });

    /// <summary>A nullable text column.</summary>
    public static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A nullable integer column.</summary>
    public static int? Int(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>A time column.</summary>
    public static DateTimeOffset Time(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    /// <summary>A nullable time column.</summary>
    public static DateTimeOffset? OptionalTime(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader, ordinal);

    /// <summary>The domain value a stored word names.</summary>
    /// <exception cref="FormatException">The word is not one the domain knows.</exception>
    public static TValue Word<TValue>(string word, string what, TryParse<TValue> parse) =>
        parse(word, out var value) ? value : throw new FormatException($"its {what} '{word}' is not a word this HostFactory knows.");

    /// <summary>A word table's parser.</summary>
    public delegate bool TryParse<TValue>(string? word, out TValue value);

    /// <summary>Reads the columns after id and version (ordinal 2 on).</summary>
    protected abstract TSnapshot Map(NpgsqlDataReader reader, string id, long version);

    private static string Placeholders(int from, int to) =>
        string.Join(", ", Enumerable.Range(from, to - from + 1).Select(i => "$" + i.ToString(CultureInfo.InvariantCulture)));
}
