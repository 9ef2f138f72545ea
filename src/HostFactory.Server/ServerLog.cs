namespace HostFactory.Server;

/// <summary>Source-generated log records of the server (event ids 2000–2099).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
    public static partial void CallFailed(ILogger logger, Exception exception, string method, string path, int status);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "HostFactory server: configuration {ConfigurationFile}, state in {WorkDirectory}, listening on {Urls}, bearer token {TokenState}")]
    public static partial void Listening(ILogger logger, string configurationFile, string workDirectory, string urls, string tokenState);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "The templates file could not be imported; the templates already stored are served")]
    public static partial void TemplateImportFailed(ILogger logger, Exception exception);

}
