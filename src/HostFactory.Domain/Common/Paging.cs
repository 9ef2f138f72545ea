namespace HostFactory.Domain.Common;

/// <summary>The paging rule shared by the read-side filters.</summary>
internal static class Paging
{
    public const int MaxLimit = 1000;

    public static int CheckOffset(int offset) =>
        offset >= 0 ? offset : throw new DomainRuleViolationException($"Offset must be 0 or more, was {offset}.");

    public static int CheckLimit(int limit) =>
        limit is >= 1 and <= MaxLimit
            ? limit
            : throw new DomainRuleViolationException($"Limit must be between 1 and {MaxLimit}, was {limit}.");
}
