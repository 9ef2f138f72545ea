using System.Globalization;

namespace HostFactory.Storage.Postgres.Rows;

/// <summary>A <c>WHERE</c> clause built from optional criteria, each a positional parameter; <c>true</c> when none is set.</summary>
internal sealed class SqlFilter
{
    private readonly List<string> _conditions = [];
    private readonly List<object?> _arguments = [];

    /// <summary>The clause, without <c>WHERE</c>.</summary>
    public string Text => _conditions.Count == 0 ? "true" : string.Join(" AND ", _conditions);

    /// <summary>The parameters' values, <c>$1</c> first.</summary>
    public IReadOnlyList<object?> Arguments => _arguments;

    /// <summary>Adds <c>column = value</c> unless <paramref name="value"/> is null.</summary>
    public void Equal(string column, string? value)
    {
        if (value is not null)
        {
            _arguments.Add(value);
            _conditions.Add($"{column} = ${_arguments.Count.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
