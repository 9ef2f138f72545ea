namespace HostFactory.Cli.Protocol;

/// <summary>
/// The protocol verbs' names and the command lines Host Factory's scripts produce: shared by the hostfactory command and
/// its front end (src/HostFactory.Cli.FrontEnd), so both recognise exactly the same calls and name the input alike.
/// </summary>
internal static partial class ProtocolVerbs
{
    public const string GetAvailableTemplates = "getAvailableTemplates";
    public const string RequestMachines = "requestMachines";
    public const string RequestReturnMachines = "requestReturnMachines";
    public const string GetRequestStatus = "getRequestStatus";
    public const string GetReturnRequests = "getReturnRequests";

    /// <summary>The largest input accepted: far above any real call (10000 machines by name fit in a few hundred KiB).</summary>
    public const int MaxInputBytes = 1024 * 1024;

    /// <summary>The global option naming the configuration (the command's <c>GlobalOptions.ConfigOptionName</c>).</summary>
    private const string ConfigOption = "--config";

    /// <summary>The verbs, in the order Host Factory uses them.</summary>
    public static readonly IReadOnlyList<string> Names =
        [GetAvailableTemplates, RequestMachines, RequestReturnMachines, GetRequestStatus, GetReturnRequests];

    /// <summary>
    /// True for the verbs that may run again if a first run was cut short: they only read, or bring the store in line
    /// with the providers. <c>requestMachines</c> and <c>requestReturnMachines</c> are not: a second run would ask twice.
    /// </summary>
    public static bool IsSafeToRepeat(string name) => name is GetAvailableTemplates or GetRequestStatus or GetReturnRequests;

    /// <summary>How messages name the input: <c>'FILE'</c>, or <c>stdin</c> when <paramref name="file"/> is absent or <c>-</c>.</summary>
    public static string SourceOf(string? file) => file is null or "-" ? "stdin" : $"'{file}'";

    /// <summary>
    /// Recognises the command lines Host Factory's scripts produce: <c>VERB</c>, <c>VERB -f FILE</c> or
    /// <c>VERB --file FILE</c>, with an optional <c>--config PATH</c>. They are run without building the command tree,
    /// which each short process would pay for; anything else (help, a typo) goes through System.CommandLine.
    /// </summary>
    public static bool TryParseScriptCall(IReadOnlyList<string> args, out string verb, out string? file, out string? configPath)
    {
        verb = string.Empty;
        file = null;
        configPath = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "-f" or "--file" when file is null && value is not null && verb.Length > 0:
                    file = value;
                    i++;
                    break;
                case ConfigOption when configPath is null && value is not null:
                    configPath = value;
                    i++;
                    break;
                case var word when verb.Length == 0 && Names.Contains(word):
                    verb = word;
                    break;
                default:
                    return false;
            }
        }

        return verb.Length > 0;
    }
}
