using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Logging;

namespace HostFactory.Application.Templates;

/// <summary>
/// Checks a template definition without saving it: the domain's rules (id, provider name, <c>maxNumber</c>, timeout),
/// that the provider is configured, and the provider's own check of its settings. Returns every problem found.
/// </summary>
/// <param name="Definition">The definition to check.</param>
public sealed record ValidateTemplate(TemplateDefinition Definition) : IQuery<TemplateValidationResult>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        if (Definition is null)
        {
            yield return new ValidationError(nameof(Definition), "a template definition is required.");
        }
        else if (Definition.Attributes is null)
        {
            yield return new ValidationError($"{nameof(Definition)}.{nameof(TemplateDefinition.Attributes)}", "attributes are required (type, ncpus, nram).");
        }
    }
}

/// <summary>The outcome of <see cref="ValidateTemplate"/>.</summary>
/// <param name="Problems">One sentence per problem; empty when the template is valid.</param>
public sealed record TemplateValidationResult(IReadOnlyList<string> Problems)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// Answers <see cref="ValidateTemplate"/>. It reads no store: it needs only the provider registry, because the
/// provider's own settings check is part of the answer.
/// </summary>
[QueryHandler]
internal sealed class ValidateTemplateHandler(IMachineProviderRegistry providers, TimeProvider clock, ILogger<ValidateTemplateHandler> logger)
    : IQueryHandler<ValidateTemplate, TemplateValidationResult>
{
    // A stand-in for a broken id, so the other fields are still checked.
    private static readonly TemplateId ProbeId = new("validation-probe");

    public async ValueTask<TemplateValidationResult> HandleAsync(ValidateTemplate query, CancellationToken cancellationToken)
    {
        var definition = query.Definition;
        var problems = new List<string>();
        var idIsValid = TemplateId.TryCreate(definition.TemplateId, out var id, out var idError);
        if (!idIsValid)
        {
            problems.Add(idError);
        }

        // Each field is checked alone against otherwise valid values, so one broken field does not hide another and
        // the rules themselves stay in the domain.
        var settings = definition.ProviderSettings ?? ProviderSettings.Empty;
        var fieldProblems = new[]
        {
            Check(() => Template.Create(ProbeId, definition.ProviderName, Template.Unlimited, definition.Attributes, settings, null, clock)),
            Check(() => Template.Create(ProbeId, "probe", definition.MaxNumber, definition.Attributes, settings, null, clock)),
            Check(() => Template.Create(ProbeId, "probe", Template.Unlimited, definition.Attributes, settings, definition.RequestTimeout, clock)),
        }.OfType<string>().ToList();
        problems.AddRange(fieldProblems);

        if (!providers.TryGet(definition.ProviderName ?? string.Empty, out _))
        {
            problems.Add(new UnknownProviderException(definition.ProviderName ?? string.Empty, providers.ProviderNames).Message);
        }
        else if (idIsValid && fieldProblems.Count == 0)
        {
            var template = Template.Create(id, definition.ProviderName!, definition.MaxNumber, definition.Attributes, settings, definition.RequestTimeout, clock);
            var answer = await ProviderCall.TryAsync(
                providers, definition.ProviderName!, "check the template", (p, token) => p.ValidateTemplateAsync(template.ToSnapshot(), token), logger, cancellationToken);
            problems.AddRange(answer.Problem is { } problem ? [problem] : answer.Value!);
        }

        return new TemplateValidationResult(problems);
    }

    private static string? Check(Action create)
    {
        try
        {
            create();
            return null;
        }
        catch (DomainException exception)
        {
            return exception.Message;
        }
    }
}
