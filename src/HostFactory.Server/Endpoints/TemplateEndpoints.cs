using HostFactory.Application.Common;
using HostFactory.Application.Templates;
using HostFactory.Configuration;
using HostFactory.Cqrs;
using HostFactory.Domain.Templates;
using HostFactory.Hosting;
using HostFactory.Server.Contracts;
using HostFactory.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HostFactory.Server.Endpoints;

/// <summary><c>/api/v1/templates</c>: list, get, create, update, delete, validate.</summary>
internal static class TemplateEndpoints
{
    public static RouteGroupBuilder MapTemplates(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/templates").WithTags("Templates");

        templates.MapGet("/", ListAsync).WithName("ListTemplates").WithSummary("Lists templates with their live numbers (getAvailableTemplates).");
        templates.MapGet("/{templateId}", GetAsync).WithName("GetTemplate").WithSummary("One template.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        templates.MapPost("/", CreateAsync).WithName("CreateTemplate").WithSummary("Creates a template; the body is one templates.json entry.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapPut("/{templateId}", UpdateAsync).WithName("UpdateTemplate").WithSummary("Replaces a template's definition.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        templates.MapDelete("/{templateId}", DeleteAsync).WithName("DeleteTemplate").WithSummary("Deletes a template that no active machine uses.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapPost("/validate", ValidateAsync).WithName("ValidateTemplate").WithSummary("Checks a template without saving it, the provider's own checks included.")
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<Ok<IReadOnlyList<TemplateDto>>> ListAsync(
        IQueryBus queries, TemplateFileImporter importer, ILogger<TemplateFileImporter> logger, CancellationToken cancellationToken, bool enabledOnly = false)
    {
        await TemplateImport.TryImportAsync(importer, logger, cancellationToken);
        var summaries = await queries.ExecuteAsync(new ListTemplates(enabledOnly), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TemplateDto>>([.. summaries.Select(Mapping.ToDto)]);
    }

    private static async Task<Ok<TemplateDto>> GetAsync(string templateId, IQueryBus queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(Mapping.ToDto(await FindAsync(templateId, queries, cancellationToken)));

    private static async Task<Created<TemplateDto>> CreateAsync(
        TemplateBody body, ICommandBus commands, IQueryBus queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        var saved = await commands.ExecuteAsync(new CreateTemplate(Mapping.ToDefinition(body, clock)), cancellationToken);
        return TypedResults.Created($"/api/v1/templates/{saved.Id}", Mapping.ToDto(await FindAsync(saved.Id.Value, queries, cancellationToken)));
    }

    private static async Task<Ok<TemplateDto>> UpdateAsync(
        string templateId, TemplateBody body, ICommandBus commands, IQueryBus queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        // The path names the template; a body that names another is a mistake, not a rename.
        if (body.TemplateId is { } named && !string.Equals(named, templateId, StringComparison.Ordinal))
        {
            throw new ValidationException(typeof(UpdateTemplate), [new ValidationError("templateId", $"the body names '{named}' but the path names '{templateId}'.")]);
        }

        var saved = await commands.ExecuteAsync(new UpdateTemplate(Mapping.ToDefinition(body with { TemplateId = templateId }, clock)), cancellationToken);
        return TypedResults.Ok(Mapping.ToDto(await FindAsync(saved.Id.Value, queries, cancellationToken)));
    }

    private static async Task<NoContent> DeleteAsync(string templateId, ICommandBus commands, CancellationToken cancellationToken)
    {
        await commands.ExecuteAsync(new DeleteTemplate(templateId), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TemplateValidationDto>> ValidateAsync(TemplateBody body, IQueryBus queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        TemplateDefinition definition;
        try
        {
            definition = Mapping.ToDefinition(body, clock);
        }
        catch (InvalidTemplateBodyException invalid)
        {
            // Asking whether a template is valid is answered, not refused: the problems are the answer.
            return TypedResults.Ok(new TemplateValidationDto(false, invalid.Problems));
        }

        var result = await queries.ExecuteAsync(new ValidateTemplate(definition), cancellationToken);
        return TypedResults.Ok(new TemplateValidationDto(result.IsValid, result.Problems));
    }

    private static async Task<TemplateSummary> FindAsync(string templateId, IQueryBus queries, CancellationToken cancellationToken) =>
        await queries.ExecuteAsync(new GetTemplate(templateId), cancellationToken) ?? throw new TemplateNotFoundException(new TemplateId(templateId));
}
