using System.Buffers;
using System.Text;
using System.Text.Json;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.Exec;

/// <summary>Writes the JSON documents the program reads on stdin (docs/providers.md has the schema).</summary>
internal static class ExecRequests
{
    public static string Provision(ProviderContext context, ProvisionRequest request) =>
        Write(context, ExecOperations.Provision, writer =>
        {
            writer.WriteString("requestId", request.RequestId.ToString());
            writer.WriteString("key", request.Key.Value);
            writer.WriteNumber("count", request.Count);
            WriteTemplate(writer, request.Template);
        });

    public static string Machines(ProviderContext context, string operation, IReadOnlyList<ProviderMachine> machines) =>
        Write(context, operation, writer =>
        {
            writer.WriteStartArray("machines");
            foreach (var machine in machines)
            {
                writer.WriteStartObject();
                writer.WriteString("machineId", machine.ProviderMachineId);
                writer.WriteString("name", machine.HostName);
                writer.WriteStartObject("data");
                foreach (var (key, value) in machine.ProviderData)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });

    public static string Held(ProviderContext context, RequestId? requestId) =>
        Write(context, ExecOperations.Held, writer =>
        {
            if (requestId is { } id)
            {
                writer.WriteString("requestId", id.ToString());
            }
            else
            {
                writer.WriteNull("requestId");
            }
        });

    public static string Validate(ProviderContext context, TemplateSnapshot template) =>
        Write(context, ExecOperations.Validate, writer => WriteTemplate(writer, template));

    private static string Write(ProviderContext context, string operation, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("operation", operation);
            writer.WriteStartObject("provider");
            writer.WriteString("name", context.InstanceName);
            writer.WriteString("stateDirectory", context.StateDirectory);
            writer.WriteEndObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteTemplate(Utf8JsonWriter writer, TemplateSnapshot template)
    {
        writer.WriteStartObject("template");
        writer.WriteString("templateId", template.Id.Value);
        writer.WriteNumber("maxNumber", template.MaxNumber);
        writer.WriteStartObject("attributes");
        foreach (var attribute in template.Attributes.ToHostFactoryAttributes())
        {
            writer.WriteStartArray(attribute.Name);
            writer.WriteStringValue(AttributeKindWords.ToWord(attribute.Kind));
            writer.WriteStringValue(attribute.Value);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("settings");
        foreach (var (key, raw) in template.ProviderSettings.Values)
        {
            writer.WritePropertyName(key);
            if (raw is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(raw);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary>The operation names, passed as the last argument and as <c>operation</c> on stdin.</summary>
internal static class ExecOperations
{
    public const string Provision = "provision";
    public const string Describe = "describe";
    public const string Release = "release";
    public const string Reclaimed = "reclaimed";
    public const string Validate = "validate";
    public const string Held = "held";
}
