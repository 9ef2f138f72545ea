using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Logging;
using HostFactory.Domain.Requests;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Protocol;

/// <summary>What a protocol operation answered.</summary>
/// <param name="Document">The one JSON document for stdout.</param>
internal sealed record ProtocolOutcome(object Document);

/// <summary>
/// The five operations Host Factory calls, over the application's buses. Shared by the protocol verbs and the demo,
/// so the demo shows exactly what Host Factory would see.
/// </summary>
internal sealed class ProtocolOperations(HostFactoryRuntime runtime)
{
    public const string TemplatesMessage = "Get available templates success.";
    public const string ReturnRequestsMessage = "Machines marked for return retrieved successfully.";

    // The most pending requests one status call takes up (oldest first); any beyond wait for the next call.
    private const int PendingSweepLimit = 1000;

    /// <summary><c>getAvailableTemplates</c>: imports the templates file when it changed, then lists the enabled templates.</summary>
    public async Task<TemplatesAnswer> GetAvailableTemplatesAsync(CancellationToken cancellationToken)
    {
        await runtime.ImportTemplatesAsync(cancellationToken);
        var templates = await runtime.Queries.ExecuteAsync(new ListTemplates(EnabledOnly: true), cancellationToken);
        return new TemplatesAnswer(TemplatesMessage, templates.Select(ProtocolMapper.Template).ToList());
    }

    /// <summary>
    /// <c>requestMachines</c>: imports the templates file when it changed, then asks for the machines. A request the
    /// provider could not serve at all is a failure (exit code 4): its answer is the message only, with no
    /// <c>requestId</c>, as the protocol says.
    /// </summary>
    /// <exception cref="CommandFailedException">The provider made no machine.</exception>
    public async Task<ProtocolOutcome> RequestMachinesAsync(string templateId, int machineCount, CancellationToken cancellationToken)
    {
        await runtime.ImportTemplatesAsync(cancellationToken);
        var result = await runtime.Commands.ExecuteAsync(new RequestMachines(templateId, machineCount), cancellationToken);
        CliLog.MachinesRequested(runtime.Logger, machineCount, templateId, result.RequestId.ToString(), RequestStatusWords.ToWord(result.Status));
        return result.Status == RequestStatus.Failed
            ? throw new CommandFailedException(ExitCodes.ProviderOrStorageFailure, $"Request {result.RequestId} failed: {result.Message}")
            : new ProtocolOutcome(new RequestAnswer(result.RequestId.ToString(), result.Message));
    }

    /// <summary><c>requestReturnMachines</c>: always a return request, even when nothing is left to release.</summary>
    public async Task<RequestAnswer> RequestReturnMachinesAsync(IReadOnlyList<MachineReference> machines, CancellationToken cancellationToken)
    {
        var result = await runtime.Commands.ExecuteAsync(new ReturnMachines(machines), cancellationToken);
        CliLog.ReturnRequested(runtime.Logger, result.RequestId.ToString(), machines.Count, result.Message);
        return new RequestAnswer(result.RequestId.ToString(), result.Message);
    }

    /// <summary>
    /// <c>getRequestStatus</c>: the asked requests that are unfinished, and every pending request in the store, are
    /// synced with their providers first, then every asked id is answered from the store. When there is none of either
    /// no provider is loaded at all.
    /// </summary>
    public async Task<RequestStatusAnswer> GetRequestStatusAsync(IReadOnlyList<string> requestIds, CancellationToken cancellationToken) =>
        new((await SyncAndGetStatusAsync(requestIds, cancellationToken)).Select(ProtocolMapper.Request).ToList());

    /// <summary>The work of <see cref="GetRequestStatusAsync"/>, answering with the application's entries.</summary>
    public async Task<IReadOnlyList<RequestStatusEntry>> SyncAndGetStatusAsync(IReadOnlyList<string> requestIds, CancellationToken cancellationToken)
    {
        var entries = await runtime.Queries.ExecuteAsync(new GetRequestStatus(requestIds), cancellationToken);
        var unfinished = entries.Where(e => e.Found && e.Status == HostFactoryWords.Running).Select(e => e.RequestId).ToList();

        // A call killed before it answered leaves a pending request whose id Host Factory never got, so it never asks
        // about it: every status call takes those up too. The sync leaves one alone while its call can still be running,
        // and recovers it (adopting what the provider made, or resuming a return) once it cannot.
        var pending = await runtime.Queries.ExecuteAsync(new ListRequests(Status: RequestStatus.Pending, Limit: PendingSweepLimit), cancellationToken);
        unfinished.AddRange(pending.Items.Select(r => r.Id.Value).Where(id => !unfinished.Contains(id, StringComparer.Ordinal)));
        if (unfinished.Count > 0)
        {
            var summary = await runtime.Commands.ExecuteAsync(new SyncRequests(unfinished), cancellationToken);
            CliLog.Synced(runtime.Logger, summary.Requests.Count, summary.Changed);
            foreach (var synced in summary.Requests)
            {
                foreach (var problem in synced.Problems)
                {
                    CliLog.SyncProblem(runtime.Logger, synced.RequestId.ToString(), problem);
                }
            }

            entries = await runtime.Queries.ExecuteAsync(new GetRequestStatus(requestIds), cancellationToken);
        }

        return entries;
    }

    /// <summary><c>getReturnRequests</c>: the machines the providers are taking back on their own.</summary>
    public async Task<ReturnRequestsAnswer> GetReturnRequestsAsync(IReadOnlyList<MachineReference> machines, CancellationToken cancellationToken)
    {
        var result = await runtime.Queries.ExecuteAsync(new GetReturnRequests(machines.Count == 0 ? null : machines), cancellationToken);
        foreach (var problem in result.Problems)
        {
            CliLog.ReturnRequestsProblem(runtime.Logger, problem);
        }

        var message = result.Problems.Count == 0 ? ReturnRequestsMessage : $"{ReturnRequestsMessage} {string.Join(" ", result.Problems)}";
        return new ReturnRequestsAnswer(
            HostFactoryWords.Complete,
            message,
            result.Machines.Select(m => new ReturnRequestDocument(m.HostName, m.GracePeriodSeconds)).ToList());
    }
}
