using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HostFactory.Application.Templates;
using HostFactory.Common;
using HostFactory.Configuration;
using HostFactory.Cqrs;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace HostFactory.Hosting;

/// <summary>
/// Keeps the template store in step with the templates file an administrator edits. The file is read and imported
/// only when its content changed since the last import (a fingerprint is kept in the work directory), so the calls
/// Host Factory repeats every few seconds pay one small file read.
/// </summary>
/// <remarks>
/// New templates are created, existing ones updated to the file's definition, and templates an earlier import
/// brought in but the file no longer lists are disabled, not deleted: machines may still refer to them. Templates
/// created through the API or CLI are left alone.
/// </remarks>
public sealed class TemplateFileImporter(
    HostFactoryPaths paths,
    IServiceScopeFactory scopes,
    IOptions<MachineProvidersOptions> providers,
    TimeProvider clock,
    ILogger<TemplateFileImporter>? logger = null)
{
    private const string FingerprintFileName = "templates.imported.json";
    private const string ImportLockFileName = "templates.import.lock";
    private static readonly TimeSpan ImportLockTimeout = TimeSpan.FromSeconds(30);
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>The templates file this importer imports.</summary>
    public string TemplatesFile => paths.TemplatesFile;

    /// <summary>Imports the templates file when it changed since the last import.</summary>
    /// <param name="cancellationToken">Cancels the import between templates.</param>
    /// <returns>How many templates were created, updated and disabled; all zero when nothing changed.</returns>
    /// <exception cref="TemplateFileException">The file is missing or invalid; nothing was imported.</exception>
    public async Task<TemplateImportResult> ImportIfChangedAsync(CancellationToken cancellationToken = default)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(paths.TemplatesFile, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TemplateFileException(paths.TemplatesFile, [$"cannot be read: {exception.Message}"], exception);
        }

        var fingerprint = Fingerprint(paths.TemplatesFile, text);
        var previous = ReadImported();
        if (previous?.Fingerprint == fingerprint)
        {
            return TemplateImportResult.Unchanged;
        }

        // Host Factory may start several calls at once after the file changed: one imports, the others wait and then
        // find the import done, instead of racing to create the same templates.
        using var importLock = await LockImportAsync(cancellationToken);
        previous = ReadImported();
        if (previous?.Fingerprint == fingerprint)
        {
            return TemplateImportResult.Unchanged;
        }

        var knownProviders = providers.Value.Instances.Select(i => i.Name).ToArray();
        var templates = TemplateFile.Parse(text, paths.TemplatesFile, clock, knownProviders);
        var result = await ImportAsync(templates, previous?.TemplateIds ?? [], cancellationToken);
        WriteImported(new ImportedTemplates(fingerprint, templates.Select(t => t.Id.Value).ToArray()));
        Log.TemplatesImported(_logger, paths.TemplatesFile, result.Created, result.Updated, result.Disabled);
        return result;
    }

    private async Task<TemplateImportResult> ImportAsync(IReadOnlyList<Template> templates, IReadOnlyList<string> previouslyImported, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var commands = scope.ServiceProvider.GetRequiredService<ICommandBus>();
        var queries = scope.ServiceProvider.GetRequiredService<IQueryBus>();
        int created = 0, updated = 0, disabled = 0;
        foreach (var template in templates)
        {
            var definition = Definition(template.ToSnapshot());
            if (await queries.ExecuteAsync(new GetTemplate(definition.TemplateId), cancellationToken) is null)
            {
                await commands.ExecuteAsync(new CreateTemplate(definition), cancellationToken);
                created++;
            }
            else
            {
                await commands.ExecuteAsync(new UpdateTemplate(definition), cancellationToken);
                updated++;
            }
        }

        var listed = templates.Select(t => t.Id.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var id in previouslyImported.Where(id => !listed.Contains(id)))
        {
            if (await queries.ExecuteAsync(new GetTemplate(id), cancellationToken) is { Template.Enabled: true } summary)
            {
                await commands.ExecuteAsync(new UpdateTemplate(Definition(summary.Template) with { Enabled = false }), cancellationToken);
                disabled++;
            }
        }

        return new TemplateImportResult(created, updated, disabled);
    }

    /// <summary>Takes the work directory's import lock (a <see cref="FileLock"/>, released if the holder dies).</summary>
    /// <exception cref="TimeoutException">Another process held it for longer than any import takes.</exception>
    private async Task<SafeFileHandle> LockImportAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.WorkDirectory);
        var path = Path.Combine(paths.WorkDirectory, ImportLockFileName);
        return await FileLock.AcquireAsync(path, ImportLockTimeout, cancellationToken)
            ?? throw new TimeoutException(
                $"Another process has been importing '{paths.TemplatesFile}' for over {ImportLockTimeout.TotalSeconds:0} s (lock file '{path}'); is one stuck?");
    }

    private static TemplateDefinition Definition(TemplateSnapshot template) => new(
        template.Id.Value,
        template.ProviderName,
        template.MaxNumber,
        template.Attributes,
        template.ProviderSettings,
        template.RequestTimeout,
        template.Enabled);

    private static string Fingerprint(string file, string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(file) + "\n" + text)));

    private string FingerprintPath => Path.Combine(paths.WorkDirectory, FingerprintFileName);

    private ImportedTemplates? ReadImported()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(FingerprintPath), HostingJsonContext.Default.ImportedTemplates);
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
            // No fingerprint, or a damaged one: import again, which is always safe.
            return null;
        }
    }

    private void WriteImported(ImportedTemplates imported)
    {
        Directory.CreateDirectory(paths.WorkDirectory);
        var temporary = $"{FingerprintPath}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(imported, HostingJsonContext.Default.ImportedTemplates));
        File.Move(temporary, FingerprintPath, overwrite: true);
    }
}

/// <summary>What an import of the templates file changed.</summary>
/// <param name="Created">Templates added to the store.</param>
/// <param name="Updated">Templates rewritten from the file.</param>
/// <param name="Disabled">Templates an earlier import brought in that the file no longer lists.</param>
public sealed record TemplateImportResult(int Created, int Updated, int Disabled)
{
    /// <summary>Nothing imported: the file did not change.</summary>
    public static readonly TemplateImportResult Unchanged = new(0, 0, 0);
}

/// <summary>The fingerprint of the last imported templates file, and the ids it listed.</summary>
internal sealed record ImportedTemplates(string Fingerprint, IReadOnlyList<string> TemplateIds);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ImportedTemplates))]
internal sealed partial class HostingJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

internal static partial class Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Imported {TemplatesFile}: {Created} created, {Updated} updated, {Disabled} disabled")]
    public static partial void TemplatesImported(ILogger logger, string templatesFile, int created, int updated, int disabled);
}
