namespace HostFactory.Cli.Operator;

/// <summary>How an operator verb prints its answer.</summary>
internal enum OutputFormat
{
    /// <summary>Aligned text for a person.</summary>
    Table,

    /// <summary>One JSON document for a script.</summary>
    Json,
}
