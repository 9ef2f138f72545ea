using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Requests;

/// <summary>
/// Asks for <paramref name="Count"/> machines of a template (<c>requestMachines</c>). Before anything is saved it is
/// refused with <see cref="TemplateNotFoundException"/>, <see cref="TemplateDisabledException"/>,
/// <see cref="CapacityExceededException"/> (counting the template's active machines) or
/// <see cref="UnknownProviderException"/>. After that the request exists, whatever the provider does: a provider error
/// or exception with no machine made ends it failed with the provider's message; machines made before an error are
/// all recorded. The provider is called once per request, never again.
/// </summary>
/// <param name="TemplateId">The template to provision from.</param>
/// <param name="Count">How many machines; 1 to 10000.</param>
public sealed record RequestMachines(string TemplateId, int Count) : ICommand<RequestMachinesResult>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.TemplateId(nameof(TemplateId), TemplateId))
        {
            yield return error;
        }

        if (Count is < 1 or > InputRules.MaxMachinesPerCall)
        {
            yield return new ValidationError(nameof(Count), $"must be between 1 and {InputRules.MaxMachinesPerCall}, was {Count}.");
        }
    }
}

/// <summary>What <see cref="RequestMachines"/> did.</summary>
/// <param name="RequestId">The new acquire request; Host Factory polls it with <c>getRequestStatus</c>.</param>
/// <param name="Status">Its status now: Provisioning, or Failed when the provider made nothing.</param>
/// <param name="MachineCount">How many machines the provider made.</param>
/// <param name="Message">What happened, for the protocol's <c>message</c>.</param>
public sealed record RequestMachinesResult(RequestId RequestId, RequestStatus Status, int MachineCount, string Message);

/// <summary>Handles <see cref="RequestMachines"/>.</summary>
[CommandHandler]
internal sealed class RequestMachinesHandler(
    ITemplateStore templates,
    IMachineStore machines,
    IMachineProviderRegistry providers,
    AggregateWriter writer,
    Provisioner provisioner,
    TimeProvider clock)
    : ICommandHandler<RequestMachines, RequestMachinesResult>
{
    public async ValueTask<RequestMachinesResult> HandleAsync(RequestMachines command, CancellationToken cancellationToken)
    {
        var templateId = new TemplateId(command.TemplateId);
        var template = await templates.FindAsync(templateId, cancellationToken) ?? throw new TemplateNotFoundException(templateId);
        if (!template.Enabled)
        {
            throw new TemplateDisabledException(templateId);
        }

        var active = await machines.CountActiveByTemplateAsync(templateId, cancellationToken);
        if (template.AvailableCapacity(active) is { } available && command.Count > available)
        {
            throw new CapacityExceededException(templateId, command.Count, template.MaxNumber, active);
        }

        var provider = providers.Get(template.ProviderName);

        // Saved before the provider is called, so machines made are never unaccounted for.
        var request = Request.CreateAcquire(templateId, command.Count, template.RequestTimeout, clock);
        await writer.InsertAsync(request, cancellationToken);

        var outcome = await provisioner.ProvisionAsync(provider, request, template, command.Count, cancellationToken);
        var (saved, _) = await provisioner.TakeAsync(request, [], outcome.Made, command.Count, outcome.Problem, "the provider", cancellationToken);
        return new RequestMachinesResult(saved.Id, saved.Status, outcome.Made.Count, Describe(saved, outcome.Made.Count, command.Count, outcome.Error));
    }

    private static string Describe(Request request, int made, int asked, string? error) => request.Status switch
    {
        RequestStatus.Failed => request.Message,
        RequestStatus.Provisioning when error is not null => $"Only {Math.Min(made, asked)} of {asked} machine(s) could be made: {error}",
        RequestStatus.Provisioning => $"Request for {asked} machine(s) accepted.",
        _ => $"The request was {RequestStatusWords.ToWord(request.Status)} while the machines were being made; they are being released.",
    };
}
