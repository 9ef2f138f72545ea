using HostFactory.Application.Common;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Requests;
using HostFactory.Server.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HostFactory.Server.Endpoints;

/// <summary><c>/api/v1/requests</c> and <c>/api/v1/returns</c>: acquire, return, status, list, cancel, sync.</summary>
internal static class RequestEndpoints
{
    public static RouteGroupBuilder MapRequests(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("/requests").WithTags("Requests");
        requests.MapPost("/", RequestMachinesAsync).WithName("RequestMachines").WithSummary("Asks for machines of a template (requestMachines).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        requests.MapGet("/", ListAsync).WithName("ListRequests").WithSummary("One page of requests, oldest first, filtered by kind, status and template.")
            .ProducesValidationProblem();
        requests.MapGet("/{requestId}", GetStatusAsync).WithName("GetRequest").WithSummary("The status of one request, synced with its provider first unless sync=false.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        requests.MapPost("/status", GetStatusesAsync).WithName("GetRequestStatus").WithSummary("The status of many requests (getRequestStatus); unknown ids get an answer of their own.")
            .ProducesValidationProblem();
        requests.MapPost("/{requestId}/cancel", CancelAsync).WithName("CancelRequest").WithSummary("Cancels an unfinished acquire request and returns its machines.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        requests.MapPost("/sync", SyncAsync).WithName("SyncRequests").WithSummary("Syncs requests with their providers now; every unfinished one when none is named.")
            .ProducesValidationProblem();

        api.MapPost("/returns", ReturnMachinesAsync).WithTags("Requests").WithName("ReturnMachines").WithSummary("Gives machines back (requestReturnMachines).")
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<Created<RequestMachinesDto>> RequestMachinesAsync(RequestMachinesBody body, ICommandBus commands, CancellationToken cancellationToken)
    {
        var result = await commands.ExecuteAsync(new RequestMachines(body.TemplateId ?? string.Empty, body.MachineCount), cancellationToken);
        return TypedResults.Created($"/api/v1/requests/{result.RequestId}", Mapping.ToDto(result));
    }

    private static async Task<Created<ReturnMachinesDto>> ReturnMachinesAsync(ReturnMachinesBody body, ICommandBus commands, CancellationToken cancellationToken)
    {
        var references = body.Machines?.Select(m => m is null ? null! : new MachineReference(m.Name, m.MachineId)).ToArray();
        var result = await commands.ExecuteAsync(new ReturnMachines(references!), cancellationToken);
        return TypedResults.Created($"/api/v1/requests/{result.RequestId}", Mapping.ToDto(result));
    }

    private static async Task<Ok<PageDto<RequestDto>>> ListAsync(
        IQueryBus queries, CancellationToken cancellationToken, string? kind = null, string? status = null, string? templateId = null, int offset = 0, int limit = 100)
    {
        var errors = new List<ValidationError>();
        RequestKind? parsedKind = kind switch
        {
            null => null,
            "acquire" => RequestKind.Acquire,
            "return" => RequestKind.Return,
            _ => Invalid<RequestKind>(errors, "kind", $"'{kind}' is not a request kind: acquire or return."),
        };
        RequestStatus? parsedStatus = status is null ? null
            : RequestStatusWords.TryParse(status, out var word) ? word
            : Invalid<RequestStatus>(errors, "status", $"'{status}' is not a request status: {string.Join(", ", Enum.GetValues<RequestStatus>().Select(RequestStatusWords.ToWord))}.");
        var query = new ListRequests(parsedKind, parsedStatus, templateId, offset, limit);
        ThrowIfAny(errors, query);
        var page = await queries.ExecuteAsync(query, cancellationToken);
        return TypedResults.Ok(Mapping.ToDto(page, Mapping.ToDto));
    }

    private static async Task<Ok<RequestStatusDto>> GetStatusAsync(
        string requestId, ICommandBus commands, IQueryBus queries, CancellationToken cancellationToken, bool sync = true)
    {
        if (!RequestId.TryParse(requestId, out var id))
        {
            throw new ValidationException(typeof(GetRequestStatus),
                [new ValidationError("requestId", $"'{requestId}' is not a request id ('req-' or 'ret-' followed by a lowercase UUID).")]);
        }

        var entry = (await StatusAsync([requestId], sync, commands, queries, cancellationToken)).Single();
        return entry.Found ? TypedResults.Ok(Mapping.ToDto(entry)) : throw new RequestNotFoundException(id);
    }

    private static async Task<Ok<RequestStatusListDto>> GetStatusesAsync(
        RequestStatusBody body, ICommandBus commands, IQueryBus queries, CancellationToken cancellationToken, bool sync = true)
    {
        var entries = await StatusAsync(body.RequestIds ?? [], sync, commands, queries, cancellationToken);
        return TypedResults.Ok(new RequestStatusListDto([.. entries.Select(Mapping.ToDto)]));
    }

    private static async Task<Ok<CancelRequestDto>> CancelAsync(string requestId, CancelRequestBody body, ICommandBus commands, CancellationToken cancellationToken)
    {
        var result = await commands.ExecuteAsync(new CancelRequest(requestId, body.Reason ?? string.Empty), cancellationToken);
        return TypedResults.Ok(Mapping.ToDto(result));
    }

    private static async Task<Ok<SyncSummaryDto>> SyncAsync(SyncRequestsBody? body, ICommandBus commands, CancellationToken cancellationToken)
    {
        var summary = await commands.ExecuteAsync(new SyncRequests(body?.RequestIds), cancellationToken);
        return TypedResults.Ok(Mapping.ToDto(summary));
    }

    /// <summary>
    /// Like Host Factory's <c>getRequestStatus</c>: the well-formed ids are first brought up to date with their
    /// providers (unless <paramref name="sync"/> is false: the reconciler keeps them fresh too), then every id is answered.
    /// </summary>
    private static async Task<IReadOnlyList<RequestStatusEntry>> StatusAsync(
        IReadOnlyList<string> ids, bool sync, ICommandBus commands, IQueryBus queries, CancellationToken cancellationToken)
    {
        var query = new GetRequestStatus(ids);
        var wellFormed = ids.Where(id => RequestId.TryParse(id, out _)).Distinct(StringComparer.Ordinal).ToArray();
        if (sync && wellFormed.Length > 0 && !query.Validate().Any())
        {
            await commands.ExecuteAsync(new SyncRequests(wellFormed), cancellationToken);
        }

        return await queries.ExecuteAsync(query, cancellationToken);
    }

    private static T? Invalid<T>(List<ValidationError> errors, string member, string message)
        where T : struct
    {
        errors.Add(new ValidationError(member, message));
        return null;
    }

    private static void ThrowIfAny<TMessage>(List<ValidationError> errors, TMessage message)
        where TMessage : IValidatable
    {
        // The edge's own parsing errors and the message's are reported together, as one 400.
        errors.AddRange(message.Validate());
        if (errors.Count > 0)
        {
            throw new ValidationException(typeof(TMessage), errors);
        }
    }
}
