using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Logging;

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
    MachineReturner returner,
    TimeProvider clock,
    ILogger<RequestMachinesHandler> logger)
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

        var result = await ProvisionAsync(provider, new ProvisionRequest(request.Id, template.ToSnapshot(), command.Count), template.ProviderName, cancellationToken);
        var made = Record(result.Machines, request, template);
        await writer.InsertAsync(made, cancellationToken);

        var wanted = made.Take(command.Count).ToList();
        var saved = await writer.UpdateAsync(request, r => Apply(r, wanted, result.Error), cancellationToken) ?? request;
        if (saved.Status is not (RequestStatus.Provisioning or RequestStatus.Failed) || !wanted.TrueForAll(m => saved.MachineIds.Contains(m.Id)))
        {
            // Cancelled (or failed as stale) by another process while the provider worked: nobody wants these machines.
            await DiscardAsync(made, $"The request was {RequestStatusWords.ToWord(saved.Status)} while the provider made this machine; it was released.", saved, cancellationToken);
        }
        else if (made.Count > command.Count)
        {
            await DiscardAsync(made.Skip(command.Count).ToList(), "The provider made more machines than asked for; this one was released.", saved, cancellationToken);
        }

        return new RequestMachinesResult(saved.Id, saved.Status, made.Count, Describe(saved, made.Count, command.Count, result.Error));
    }

    private async Task DiscardAsync(List<Machine> unwanted, string reason, Request request, CancellationToken cancellationToken)
    {
        Log.DiscardingUnwantedMachines(logger, unwanted.Count, request.Id.ToString(), reason);
        await returner.DiscardAsync(unwanted, reason, cancellationToken);
    }

    private async Task<ProvisionResult> ProvisionAsync(IMachineProvider provider, ProvisionRequest provision, string providerName, CancellationToken cancellationToken)
    {
        try
        {
            var result = await provider.ProvisionAsync(provision, cancellationToken);
            if (result.Error is { } error)
            {
                Log.ProvisionFailed(logger, providerName, provision.RequestId.ToString(), error);
            }

            return result;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The request is saved: record the failure on it instead of leaving it pending behind a crash.
            Log.ProvisionThrew(logger, exception, providerName, provision.RequestId.ToString());
            return ProvisionResult.Failure($"Provider '{providerName}' failed: {(string.IsNullOrWhiteSpace(exception.Message) ? exception.GetType().Name : exception.Message)}");
        }
    }

    private List<Machine> Record(IReadOnlyList<ProvisionedMachine> provisioned, Request request, Template template)
    {
        var made = new List<Machine>(provisioned.Count);
        foreach (var machine in provisioned)
        {
            try
            {
                made.Add(Machine.Provision(MachineId.New(), request.Id, template.Id, template.ProviderName, machine, clock));
            }
            catch (Exception exception) when (exception is DomainException or ArgumentException)
            {
                // A report we cannot record (no provider id…) is a provider bug; there is nothing we could return later.
                Log.ProvisionedMachineRejected(logger, template.ProviderName, request.Id.ToString(), exception.Message);
            }
        }

        return made;
    }

    private bool Apply(Request request, List<Machine> made, string? error)
    {
        if (request.Status != RequestStatus.Pending)
        {
            return false;
        }

        if (made.Count == 0)
        {
            request.Fail(error ?? "The provider made no machine.", clock);
            return true;
        }

        request.AddMachines(made.Select(m => m.Id).Where(id => !request.MachineIds.Contains(id)), clock);
        request.BeginProvisioning(clock);
        return true;
    }

    private static string Describe(Request request, int made, int asked, string? error) => request.Status switch
    {
        RequestStatus.Failed => request.Message,
        RequestStatus.Provisioning when error is not null => $"Only {Math.Min(made, asked)} of {asked} machine(s) could be made: {error}",
        RequestStatus.Provisioning => $"Request for {asked} machine(s) accepted.",
        _ => $"The request was {RequestStatusWords.ToWord(request.Status)} while the machines were being made; they are being released.",
    };
}
