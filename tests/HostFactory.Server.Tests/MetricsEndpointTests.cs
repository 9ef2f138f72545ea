using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Server.Tests;

/// <summary>
/// The Prometheus scrape endpoint, over real HTTP on loopback (Kestrel, a port the system picks): every line of the
/// answer parses as Prometheus text format, and the provisioning metrics of a call made just before are in it.
/// Servers of other tests run alongside and report on the same meters, so counts are checked as at least.
/// </summary>
public sealed partial class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_WhenScrapedAfterARequestCompletes_AnswersPrometheusTextWithTheProvisioningMetrics()
    {
        using var server = new ServerFactory(services: static s => s.AddHostFactoryProviderInstrumentation());
        var client = server.Client();
        var response = await client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": 2 }""");
        await response.ExpectAsync(201);
        (await (await client.GetAsync(response.Headers.Location)).ExpectAsync(200)).GetProperty("status").GetString().Should().Be("complete");

        var scrape = await client.GetAsync("/metrics");

        scrape.StatusCode.Should().Be(HttpStatusCode.OK);
        scrape.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var samples = Parse(await scrape.Content.ReadAsStringAsync());
        Value(samples, "hostfactory_requests_finished_total", ("hostfactory_request_kind", "acquire"), ("hostfactory_request_outcome", "complete"), ("hostfactory_template_id", ServerFactory.TemplateId))
            .Should().BeGreaterThanOrEqualTo(1);
        Value(samples, "hostfactory_provider_call_duration_seconds_count", ("hostfactory_provider_name", "fake"), ("hostfactory_provider_operation", "provision"))
            .Should().BeGreaterThanOrEqualTo(1);
        Value(samples, "hostfactory_provider_call_duration_seconds_count", ("hostfactory_provider_name", "fake"), ("hostfactory_provider_operation", "describe"))
            .Should().BeGreaterThanOrEqualTo(1, "the status call asked the provider");
        Value(samples, "hostfactory_machine_provision_duration_seconds_count", ("hostfactory_template_id", ServerFactory.TemplateId))
            .Should().BeGreaterThanOrEqualTo(2);
        Value(samples, "hostfactory_cqrs_dispatch_duration_seconds_count", ("hostfactory_cqrs_message_type", "RequestMachines"))
            .Should().BeGreaterThanOrEqualTo(1);
        Value(samples, "http_server_request_duration_seconds_count", ("http_route", "/api/v1/requests/"), ("http_request_method", "POST"))
            .Should().BeGreaterThanOrEqualTo(1, "ASP.NET Core's own metrics are exported too");
    }

    [Fact]
    public async Task Metrics_WhenTheServerHasABearerToken_RefusesAScrapeWithoutIt()
    {
        using var server = new ServerFactory(ServerFactory.Token);

        (await server.Client(authenticated: false).GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await server.Client().GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>
    /// Parses Prometheus text exposition format 0.0.4: comments (<c># HELP</c>, <c># TYPE</c> with a known type) and
    /// samples <c>name{label="value",…} value [timestamp]</c>; any other line fails the test.
    /// </summary>
    private static List<(string Name, Dictionary<string, string> Labels, double Value)> Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith('#'))
            {
                line.Should().MatchRegex(@"^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)|EOF)$");
                continue;
            }

            var match = SampleLine().Match(line);
            match.Success.Should().BeTrue($"'{line}' is a Prometheus sample");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["key"].Value, m => Regex.Unescape(m.Groups["value"].Value));
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add((match.Groups["name"].Value, labels, value));
        }

        samples.Should().NotBeEmpty();
        return samples;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every one of <paramref name="labels"/>.</summary>
    private static double Value(List<(string Name, Dictionary<string, string> Labels, double Value)> samples, string name, params (string Key, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).ToList();
        matching.Should().NotBeEmpty($"a sample {name} with {string.Join(", ", labels)} is exported");
        return matching.Sum(s => s.Value);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>[-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|Inf|NaN))( -?\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>([^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
