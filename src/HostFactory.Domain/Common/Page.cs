namespace HostFactory.Domain.Common;

/// <summary>One page of a listing returned by a read-side port.</summary>
/// <typeparam name="T">The snapshot type listed.</typeparam>
/// <param name="Items">The items of this page, in the listing's order.</param>
/// <param name="Total">How many items match the filter across all pages.</param>
/// <param name="Offset">How many matching items precede this page.</param>
/// <param name="Limit">The largest number of items a page may hold.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Offset, int Limit);
