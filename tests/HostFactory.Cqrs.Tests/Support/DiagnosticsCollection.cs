namespace HostFactory.Cqrs.Tests.Support;

/// <summary>
/// The bus's <c>ActivitySource</c> and <c>Meter</c> are process-wide: the tests that listen to them run alone, so a
/// listener never counts another test's dispatches (and they filter on message types of their own besides).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DiagnosticsCollection
{
    public const string Name = "Process-wide diagnostics";
}
