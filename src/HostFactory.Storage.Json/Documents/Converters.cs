using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace HostFactory.Storage.Json.Documents;

/// <summary>
/// Writes every time as ISO-8601 in UTC with all seven fraction digits (<c>2025-01-01T08:00:00.0000000Z</c>), so a
/// time read back equals the one written to the tick; reads any ISO-8601 time with an offset, and assumes UTC without one.
/// </summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    private const string Pattern = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Format(value));
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value.ToUniversalTime()
            : throw new JsonException($"'{text}' is not an ISO-8601 time.");
}

/// <summary>The nullable form of <see cref="UtcTimestampConverter"/>.</summary>
internal sealed class NullableUtcTimestampConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : UtcTimestampConverter.Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } time)
        {
            writer.WriteStringValue(UtcTimestampConverter.Format(time));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Durations as ISO-8601 (<c>PT30M</c>, <c>PT1H30M0.5S</c>) instead of .NET's <c>00:30:00</c>.</summary>
internal sealed class IsoDurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        try
        {
            return XmlConvert.ToTimeSpan(text ?? string.Empty);
        }
        catch (FormatException exception)
        {
            throw new JsonException($"'{text}' is not an ISO-8601 duration such as PT30M.", exception);
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(XmlConvert.ToString(value));
    }
}
