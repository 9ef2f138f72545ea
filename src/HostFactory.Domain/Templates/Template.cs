using HostFactory.Domain.Common;

namespace HostFactory.Domain.Templates;

/// <summary>
/// A kind of machine Host Factory can ask for: which provider makes it, how many may exist,
/// what it looks like, and how long a request for it may take.
/// </summary>
public sealed class Template : AggregateRoot<TemplateId>
{
    /// <summary><see cref="MaxNumber"/> value meaning "no limit".</summary>
    public const int Unlimited = -1;

    /// <summary>The largest limited <see cref="MaxNumber"/> the protocol allows.</summary>
    public const int MaxNumberLimit = 10000;

    /// <summary>The request timeout used when none is given: 30 minutes.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(30);

    private Template(TemplateSnapshot state)
        : base(state.Id, state.Version)
    {
        ProviderName = CheckProviderName(state.ProviderName);
        MaxNumber = CheckMaxNumber(state.MaxNumber);
        Attributes = state.Attributes ?? throw new DomainRuleViolationException($"Template '{state.Id}' has no attributes.");
        ProviderSettings = state.ProviderSettings ?? throw new DomainRuleViolationException($"Template '{state.Id}' has no provider settings.");
        RequestTimeout = CheckRequestTimeout(state.RequestTimeout);
        Enabled = state.Enabled;
        CreatedAt = state.CreatedAt;
        UpdatedAt = state.UpdatedAt;
    }

    /// <summary>The provider instance that makes this template's machines.</summary>
    public string ProviderName { get; private set; }

    /// <summary>How many machines of this template may exist at once; <see cref="Unlimited"/> (-1) for no limit.</summary>
    public int MaxNumber { get; private set; }

    /// <summary>What the machines look like to Host Factory.</summary>
    public TemplateAttributes Attributes { get; private set; }

    /// <summary>Settings only the provider reads.</summary>
    public ProviderSettings ProviderSettings { get; private set; }

    /// <summary>Whether requests for this template are accepted.</summary>
    public bool Enabled { get; private set; }

    /// <summary>How long a request for this template may take before it times out; always positive.</summary>
    public TimeSpan RequestTimeout { get; private set; }

    /// <summary>When the template was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When the template last changed.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Creates an enabled template and raises <see cref="TemplateCreated"/>.</summary>
    /// <param name="id">The template id.</param>
    /// <param name="providerName">The provider instance name: 1–64 chars of <c>0-9 A-Z a-z - _</c>.</param>
    /// <param name="maxNumber">-1 for unlimited, else 0..10000.</param>
    /// <param name="attributes">What the machines look like.</param>
    /// <param name="providerSettings">Settings only the provider reads.</param>
    /// <param name="requestTimeout">How long a request may take; null for <see cref="DefaultRequestTimeout"/>.</param>
    /// <param name="clock">The source of the creation time.</param>
    /// <exception cref="ArgumentNullException">A reference argument is null.</exception>
    /// <exception cref="InvalidIdentifierException">The provider name breaks the rule.</exception>
    /// <exception cref="DomainRuleViolationException">The id is default, maxNumber is out of range or the timeout is not positive.</exception>
    public static Template Create(
        TemplateId id,
        string providerName,
        int maxNumber,
        TemplateAttributes attributes,
        ProviderSettings providerSettings,
        TimeSpan? requestTimeout,
        TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(providerSettings);
        ArgumentNullException.ThrowIfNull(clock);
        CheckId(id);
        var now = clock.GetUtcNow();
        var template = new Template(new TemplateSnapshot(
            id, providerName, maxNumber, attributes, providerSettings, Enabled: true,
            requestTimeout ?? DefaultRequestTimeout, now, now, Version: 0));
        template.Raise(new TemplateCreated(id, template.ProviderName, template.MaxNumber, now));
        return template;
    }

    /// <summary>Rebuilds a template from what a store saved; raises nothing.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is null.</exception>
    /// <exception cref="InvalidIdentifierException">The provider name breaks the rule.</exception>
    /// <exception cref="DomainRuleViolationException">The snapshot breaks a template rule.</exception>
    public static Template FromSnapshot(TemplateSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        CheckId(snapshot.Id);
        if (snapshot.Version < 0 || snapshot.UpdatedAt < snapshot.CreatedAt)
        {
            throw new DomainRuleViolationException($"Template '{snapshot.Id}' snapshot is inconsistent: version {snapshot.Version}, created {snapshot.CreatedAt:O}, updated {snapshot.UpdatedAt:O}.");
        }

        return new Template(snapshot);
    }

    /// <summary>Everything about the template as plain values, for stores and readers.</summary>
    public TemplateSnapshot ToSnapshot() =>
        new(Id, ProviderName, MaxNumber, Attributes, ProviderSettings, Enabled, RequestTimeout, CreatedAt, UpdatedAt, Version);

    /// <summary>Replaces the definition (everything but id, enabled flag and creation time) and raises <see cref="TemplateUpdated"/>.</summary>
    /// <exception cref="ArgumentNullException">A reference argument is null.</exception>
    /// <exception cref="InvalidIdentifierException">The provider name breaks the rule.</exception>
    /// <exception cref="DomainRuleViolationException">maxNumber is out of range or the timeout is not positive.</exception>
    public void Update(
        string providerName,
        int maxNumber,
        TemplateAttributes attributes,
        ProviderSettings providerSettings,
        TimeSpan? requestTimeout,
        TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(providerSettings);
        ArgumentNullException.ThrowIfNull(clock);
        // Check everything before changing anything, so a refused update leaves the template whole.
        var checkedProvider = CheckProviderName(providerName);
        var checkedMax = CheckMaxNumber(maxNumber);
        var checkedTimeout = CheckRequestTimeout(requestTimeout ?? DefaultRequestTimeout);

        ProviderName = checkedProvider;
        MaxNumber = checkedMax;
        Attributes = attributes;
        ProviderSettings = providerSettings;
        RequestTimeout = checkedTimeout;
        Touch(clock, now => new TemplateUpdated(Id, ProviderName, MaxNumber, Enabled, now));
    }

    /// <summary>Accepts requests again; raises <see cref="TemplateUpdated"/> unless already enabled.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    public void Enable(TimeProvider clock) => SetEnabled(true, clock);

    /// <summary>Stops accepting requests; raises <see cref="TemplateUpdated"/> unless already disabled.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    public void Disable(TimeProvider clock) => SetEnabled(false, clock);

    /// <summary>
    /// Records the intent to delete and raises <see cref="TemplateDeleted"/>; the store removes the
    /// template in <see cref="ITemplateStore.DeleteAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    public void MarkDeleted(TimeProvider clock) => Touch(clock, now => new TemplateDeleted(Id, now));

    /// <summary>How many more machines may be provisioned; null when unlimited, never negative.</summary>
    /// <param name="activeMachines">Machines of this template that are still active.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activeMachines"/> is negative.</exception>
    public int? AvailableCapacity(int activeMachines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(activeMachines);
        return MaxNumber == Unlimited ? null : Math.Max(0, MaxNumber - activeMachines);
    }

    private void SetEnabled(bool enabled, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (Enabled == enabled)
        {
            return;
        }

        Enabled = enabled;
        Touch(clock, now => new TemplateUpdated(Id, ProviderName, MaxNumber, Enabled, now));
    }

    private void Touch(TimeProvider clock, Func<DateTimeOffset, IDomainEvent> domainEvent)
    {
        ArgumentNullException.ThrowIfNull(clock);
        UpdatedAt = clock.GetUtcNow();
        Raise(domainEvent(UpdatedAt));
    }

    private static void CheckId(TemplateId id)
    {
        if (id.Value is null)
        {
            throw new DomainRuleViolationException("A template needs an id; default(TemplateId) is not one.");
        }
    }

    private static string CheckProviderName(string providerName) =>
        IdentifierRules.IsValidName(providerName)
            ? providerName
            : throw new InvalidIdentifierException("provider name", providerName, IdentifierRules.NameRule);

    private static int CheckMaxNumber(int maxNumber) =>
        maxNumber is Unlimited or (>= 0 and <= MaxNumberLimit)
            ? maxNumber
            : throw new DomainRuleViolationException($"maxNumber must be -1 (unlimited) or between 0 and {MaxNumberLimit}, was {maxNumber}.");

    private static TimeSpan CheckRequestTimeout(TimeSpan timeout) =>
        timeout > TimeSpan.Zero
            ? timeout
            : throw new DomainRuleViolationException($"The request timeout must be positive, was {timeout}.");
}
