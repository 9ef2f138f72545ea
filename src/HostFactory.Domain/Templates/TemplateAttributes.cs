using System.Globalization;
using HostFactory.Domain.Common;

namespace HostFactory.Domain.Templates;

/// <summary>
/// What a template's machines look like to Host Factory: the well-known attributes
/// (<c>type</c>, <c>ncpus</c>, <c>ncores</c>, <c>nram</c>, <c>rank</c>, <c>priceInfo</c>) plus any
/// extra named attributes. Immutable; equal when every value and every extra (in order) is equal.
/// </summary>
public sealed record TemplateAttributes
{
    private static readonly string[] WellKnownNames = ["type", "ncpus", "ncores", "nram", "rank", "priceInfo"];

    private readonly TemplateAttribute[] _extras;

    /// <summary>Creates the attributes.</summary>
    /// <param name="type">The machine type, e.g. <c>X86_64</c>; mandatory.</param>
    /// <param name="nRam">Memory in MB; at least 1.</param>
    /// <param name="nCpus">CPUs, at least 1 when given.</param>
    /// <param name="nCores">Cores, at least 1 when given.</param>
    /// <param name="rank">Host Factory's preference rank, when given.</param>
    /// <param name="priceInfo">Free-form price information, when given.</param>
    /// <param name="extras">Further named attributes; names unique and none of the well-known ones.</param>
    /// <exception cref="DomainRuleViolationException">Any of the rules above is broken.</exception>
    public TemplateAttributes(
        string type,
        int nRam,
        int? nCpus = null,
        int? nCores = null,
        int? rank = null,
        string? priceInfo = null,
        IEnumerable<TemplateAttribute>? extras = null)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new DomainRuleViolationException("Template attribute 'type' is mandatory.");
        }

        RequirePositive("nram", nRam);
        if (nCpus is { } cpus)
        {
            RequirePositive("ncpus", cpus);
        }

        if (nCores is { } cores)
        {
            RequirePositive("ncores", cores);
        }

        _extras = extras?.ToArray() ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var extra in _extras)
        {
            ArgumentNullException.ThrowIfNull(extra, nameof(extras));
            if (WellKnownNames.Contains(extra.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new DomainRuleViolationException($"Extra template attribute '{extra.Name}' clashes with a well-known attribute.");
            }

            if (!seen.Add(extra.Name))
            {
                throw new DomainRuleViolationException($"Template attribute '{extra.Name}' is given more than once.");
            }
        }

        Type = type;
        NRam = nRam;
        NCpus = nCpus;
        NCores = nCores;
        Rank = rank;
        PriceInfo = priceInfo;
    }

    /// <summary>The machine type, e.g. <c>X86_64</c>.</summary>
    public string Type { get; }

    /// <summary>CPUs per machine, when known.</summary>
    public int? NCpus { get; }

    /// <summary>Cores per machine, when known.</summary>
    public int? NCores { get; }

    /// <summary>Memory per machine in MB.</summary>
    public int NRam { get; }

    /// <summary>Host Factory's preference rank, when given.</summary>
    public int? Rank { get; }

    /// <summary>Free-form price information, when given.</summary>
    public string? PriceInfo { get; }

    /// <summary>The extra named attributes, in the order given.</summary>
    public IReadOnlyList<TemplateAttribute> Extras => _extras;

    /// <summary>
    /// All attributes in Host Factory form, as <c>getAvailableTemplates</c> prints them:
    /// <c>type</c>, <c>ncpus</c>, <c>ncores</c>, <c>nram</c>, <c>rank</c>, <c>priceInfo</c> (each only
    /// when set), then the extras. Never throws.
    /// </summary>
    public IReadOnlyList<TemplateAttribute> ToHostFactoryAttributes()
    {
        var attributes = new List<TemplateAttribute>(WellKnownNames.Length + _extras.Length)
        {
            new("type", AttributeKind.String, Type),
        };
        AddNumber(attributes, "ncpus", NCpus);
        AddNumber(attributes, "ncores", NCores);
        AddNumber(attributes, "nram", NRam);
        AddNumber(attributes, "rank", Rank);
        if (PriceInfo is not null)
        {
            attributes.Add(new("priceInfo", AttributeKind.String, PriceInfo));
        }

        attributes.AddRange(_extras);
        return attributes;
    }

    /// <summary>True when both hold the same values and the same extras in the same order.</summary>
    public bool Equals(TemplateAttributes? other) =>
        other is not null
        && Type == other.Type && NCpus == other.NCpus && NCores == other.NCores && NRam == other.NRam
        && Rank == other.Rank && PriceInfo == other.PriceInfo
        && _extras.SequenceEqual(other._extras);

    /// <summary>A hash consistent with <see cref="Equals(TemplateAttributes?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Type, NCpus, NCores, NRam, Rank, PriceInfo, _extras.Length);

    private static void RequirePositive(string name, int value)
    {
        if (value < 1)
        {
            throw new DomainRuleViolationException($"Template attribute '{name}' must be at least 1, was {value}.");
        }
    }

    private static void AddNumber(List<TemplateAttribute> attributes, string name, int? value)
    {
        if (value is { } number)
        {
            attributes.Add(new(name, AttributeKind.Numeric, number.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
