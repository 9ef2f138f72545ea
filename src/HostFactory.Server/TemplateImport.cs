using HostFactory.Hosting;

namespace HostFactory.Server;

/// <summary>
/// Keeps the store in step with the templates file: at start, and before templates are listed (a fingerprint check
/// when nothing changed). A broken file (or any failure to import it) is logged, not fatal: the templates already stored are served.
/// </summary>
internal sealed class TemplateImport(TemplateFileImporter importer, ILogger<TemplateFileImporter> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => TryImportAsync(importer, logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task TryImportAsync(TemplateFileImporter importer, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            // The importer logs what it imported.
            await importer.ImportIfChangedAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ServerLog.TemplateImportFailed(logger, exception);
        }
    }
}
