using HostFactory.Application.Common;
using HostFactory.Application.Requests.Common;
using HostFactory.Application.Templates;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Requests;

/// <summary>
/// Asks for <paramref name="Count"/> machines of a template (<c>requestMachines</c>). Before anything is saved it is
/// refused with <see cref="TemplateNotFoundException"/>, <see cref="TemplateDisabledException"/>,
/// <see cref="UnknownProviderException"/> or <see cref="CapacityExceededException"/>. Capacity counts the template's
/// active machines and the machines its pending requests asked for and do not have yet; the count and the new request's
/// save happen under the template's capacity lock, so concurrent requests, from any process, never overfill it. After that the request exists, whatever the provider does: a provider error
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
    IMachineReader machines,
    IRequestReader requests,
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

        var provider = providers.Get(template.ProviderName);
        var request = Request.CreateAcquire(templateId, command.Count, template.RequestTimeout, clock);
        using (await templates.LockCapacityAsync(templateId, cancellationToken))
        {
            await EnsureRoomAsync(template, command.Count, cancellationToken);

            // Saved before the provider is called, so machines made are never unaccounted for.
            await writer.InsertAsync(request, cancellationToken);
        }

        var outcome = await provisioner.ProvisionAsync(provider, request, template, command.Count, new HashSet<string>(), cancellationToken);
        var (saved, _) = await provisioner.TakeAsync(request, [], outcome.Made, command.Count, outcome.Problem, "the provider", null, cancellationToken);
        return new RequestMachinesResult(saved.Id, saved.Status, outcome.Made.Count, Describe(saved, outcome.Made.Count, command.Count, outcome.Error));
    }

    /// <exception cref="CapacityExceededException">The template's active and pending machines leave less room than <paramref name="count"/>.</exception>
    private async Task EnsureRoomAsync(Template template, int count, CancellationToken cancellationToken)
    {
        if (template.MaxNumber == Template.Unlimited)
        {
            return;
        }

        var (active, pending) = await TemplateCapacity.UseOfAsync(template.Id, requests, machines, cancellationToken);
        if (count > template.AvailableCapacity(active + pending))
        {
            throw new CapacityExceededException(template.Id, count, template.MaxNumber, active, pending);
        }
    }

    private static string Describe(Request request, int made, int asked, string? error) => request.Status switch
    {
        RequestStatus.Failed => request.Message,
        RequestStatus.Provisioning when error is not null => $"Only {Math.Min(made, asked)} of {asked} machine(s) could be made: {error}",
        RequestStatus.Provisioning => $"Request for {asked} machine(s) accepted.",
        RequestStatus.Pending => "The request was taken for interrupted and is being recovered by another process, which adopts the machines this call made.",
        _ => $"The request was {RequestStatusWords.ToWord(request.Status)} while the machines were being made; they are being released.",
    };
}
