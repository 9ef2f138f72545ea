// What a cold getRequestStatus needs from the libraries hostfactory uses, and nothing of Host Factory's own: the
// protocol input parsed (System.Text.Json's document model), the configuration file loaded
// (Microsoft.Extensions.Configuration.Json, with environment variables over it), a container with logging and bound
// options (Microsoft.Extensions.DependencyInjection, Logging, Options), the request documents and their machines read
// from the data directory with a source-generated System.Text.Json context, and the answer written as indented JSON.
//
//   SameLibraries INPUT.json CONFIG.json DATA_DIRECTORY
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using var input = JsonDocument.Parse(File.ReadAllBytes(args[0]));
var requestIds = input.RootElement.GetProperty("requests").EnumerateArray()
    .Select(request => request.GetProperty("requestId").GetString()!)
    .ToList();

var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(args[1])).AddEnvironmentVariables("HF_").Build();
var services = new ServiceCollection();
services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Information));
services.AddOptions<StorageSettings>().Bind(configuration.GetSection("hostFactory:storage"));
services.Configure<StorageSettings>(settings => settings.DataDirectory = Path.GetFullPath(args[2]));
services.AddSingleton<DocumentStore>();
services.AddScoped<StatusHandler>();

using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
using var scope = provider.CreateScope();
var answer = scope.ServiceProvider.GetRequiredService<StatusHandler>().Handle(requestIds);

var stdout = Console.OpenStandardOutput();
using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
{
    JsonSerializer.Serialize(writer, answer, DocumentsContext.Default.StatusAnswer);
}

stdout.Write("\n"u8);

internal sealed class StorageSettings
{
    public string DataDirectory { get; set; } = "data";
}

internal sealed class DocumentStore(IOptions<StorageSettings> settings, ILogger<DocumentStore> logger)
{
    private static readonly DocumentsContext Files =
        new(new JsonSerializerOptions(DocumentsContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public RequestDocument Request(string id) => Read(Path.Combine("requests", id + ".json"), Files.RequestDocument);

    public MachineDocument Machine(string id) => Read(Path.Combine("machines", id + ".json"), Files.MachineDocument);

    private T Read<T>(string relativePath, JsonTypeInfo<T> typeInfo)
    {
        var path = Path.Combine(settings.Value.DataDirectory, relativePath);
        logger.LogDebug("Reading {Path}", path);
        return JsonSerializer.Deserialize(File.ReadAllBytes(path), typeInfo) ?? throw new InvalidDataException($"{path} holds null.");
    }
}

internal sealed class StatusHandler(DocumentStore store, ILogger<StatusHandler> logger)
{
    public StatusAnswer Handle(IReadOnlyList<string> requestIds)
    {
        var requests = requestIds.Select(store.Request)
            .Select(request => new RequestStatus(
                request.Id,
                request.Status,
                request.MachineIds.Select(store.Machine).Select(machine => new MachineStatus(machine.Id, machine.HostName, machine.Status, machine.LaunchTime)).ToList()))
            .ToList();
        logger.LogInformation("Answered {Count} requests", requests.Count);
        return new StatusAnswer(requests);
    }
}

internal sealed record RequestDocument(string Id, string Status, IReadOnlyList<string> MachineIds, DateTimeOffset CreatedAt);

internal sealed record MachineDocument(string Id, string HostName, string Status, DateTimeOffset LaunchTime);

internal sealed record MachineStatus(string MachineId, string Name, string Status, DateTimeOffset LaunchTime);

internal sealed record RequestStatus(string RequestId, string Status, IReadOnlyList<MachineStatus> Machines);

internal sealed record StatusAnswer(IReadOnlyList<RequestStatus> Requests);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(RequestDocument))]
[JsonSerializable(typeof(MachineDocument))]
[JsonSerializable(typeof(StatusAnswer))]
internal sealed partial class DocumentsContext : JsonSerializerContext;
