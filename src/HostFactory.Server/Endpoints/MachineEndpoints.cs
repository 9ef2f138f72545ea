using HostFactory.Application.Common;
using HostFactory.Application.Machines;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Server.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HostFactory.Server.Endpoints;

/// <summary><c>/api/v1/machines</c>: list, get, and the machines the providers are taking back.</summary>
internal static class MachineEndpoints
{
    public static RouteGroupBuilder MapMachines(this RouteGroupBuilder api)
    {
        var machines = api.MapGroup("/machines").WithTags("Machines");
        machines.MapGet("/", ListAsync).WithName("ListMachines").WithSummary("One page of machines, oldest first, filtered by request, status and template.")
            .ProducesValidationProblem();
        machines.MapGet("/reclaimed", ReclaimedAsync).WithName("GetReturnRequests")
            .WithSummary("The machines Host Factory should give back because their provider is taking them (getReturnRequests); all active machines, or those named by ?machine=host.")
            .ProducesValidationProblem();
        machines.MapGet("/{machineId}", GetAsync).WithName("GetMachine").WithSummary("One machine.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<PageDto<MachineDto>>> ListAsync(
        IQueryBus queries, CancellationToken cancellationToken, string? requestId = null, string? status = null, string? templateId = null, int offset = 0, int limit = 100)
    {
        MachineStatus? parsed = null;
        var errors = new List<ValidationError>();
        if (status is not null)
        {
            if (MachineStatusWords.TryParse(status, out var word))
            {
                parsed = word;
            }
            else
            {
                errors.Add(new ValidationError("status", $"'{status}' is not a machine status: {string.Join(", ", Enum.GetValues<MachineStatus>().Select(MachineStatusWords.ToWord))}."));
            }
        }

        var query = new ListMachines(requestId, parsed, templateId, offset, limit);
        errors.AddRange(query.Validate());
        if (errors.Count > 0)
        {
            throw new ValidationException(typeof(ListMachines), errors);
        }

        var page = await queries.ExecuteAsync(query, cancellationToken);
        return TypedResults.Ok(Mapping.ToDto(page, Mapping.ToDto));
    }

    private static async Task<Ok<MachineDto>> GetAsync(string machineId, IQueryBus queries, CancellationToken cancellationToken) =>
        await queries.ExecuteAsync(new GetMachine(machineId), cancellationToken) is { } machine
            ? TypedResults.Ok(Mapping.ToDto(machine))
            : throw new MachineNotFoundException(machineId);

    private static async Task<Ok<ReclaimedMachinesDto>> ReclaimedAsync(IQueryBus queries, CancellationToken cancellationToken, string[]? machine = null)
    {
        var named = machine is { Length: > 0 } ? machine.Select(name => new MachineReference(name)).ToArray() : null;
        var result = await queries.ExecuteAsync(new GetReturnRequests(named), cancellationToken);
        return TypedResults.Ok(Mapping.ToDto(result));
    }
}
