using System.Net.Http.Headers;
using System.Text.Json;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Testing;
using HostFactory.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Server.Tests;

/// <summary>
/// The server over the real JSON storage in a temp directory, with the test kit's fake provider in place of the
/// configured ones (it is called <c>fake</c>, as the configuration and the imported template say), served by Kestrel on
/// <c>127.0.0.1</c> and a port the system picks: <see cref="Client"/> calls it over real HTTP on loopback. The reconciler
/// is off unless a manual clock is given.
/// </summary>
internal sealed class ServerFactory : WebApplicationFactory<Program>
{
    public const string TemplateId = "fake-small";
    public const string Token = "s3cret-token-for-tests-0123456789";

    private readonly TempDirectory _directory = new();
    private readonly string? _token;
    private readonly Action<IServiceCollection>? _services;
    private readonly FakeTimeProvider? _clock;

    public ServerFactory(string? token = null, Action<IServiceCollection>? services = null, FakeTimeProvider? clock = null)
    {
        _token = token;
        _services = services;
        _clock = clock;
        ConfigurationFile = _directory.File("config/hostfactory.json", """
            {
              "hostFactory": {
                "storage": { "dataDirectory": "data" },
                "reconciler": { "enabled": false },
                "providers": [ { "name": "fake", "type": "fake" } ]
              }
            }
            """);
        _directory.File("config/templates.json", $$"""
            {
              "templates": [
                { "templateId": "{{TemplateId}}", "maxNumber": 3, "providerName": "fake",
                  "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "1024"] },
                  "imageId": "img-1" }
              ]
            }
            """);
        Provider = new FakeMachineProvider();
        Registry = new FakeMachineProviderRegistry().Add(FakeMachineProvider.DefaultName, Provider);

        // Kestrel on http://127.0.0.1:0 instead of the in-memory test server: every call crosses a real socket.
        UseKestrel(0);
    }

    public string ConfigurationFile { get; }

    public string Directory => _directory.Path;

    public FakeMachineProvider Provider { get; }

    public FakeMachineProviderRegistry Registry { get; }

    /// <summary>A client of the server's loopback address; with the token unless <paramref name="authenticated"/> is false.</summary>
    public HttpClient Client(bool authenticated = true)
    {
        var client = CreateClient();
        if (authenticated && _token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("config", ConfigurationFile);
        builder.UseSetting("hostFactory:server:bearerToken", _token ?? string.Empty);

        // A token in the test machine's environment must not switch authentication on for the tests without one.
        builder.UseSetting("HF_SERVER_TOKEN", string.Empty);

        if (_clock is not null)
        {
            // A test that drives the clock wants the reconciler too.
            builder.UseSetting("hostFactory:reconciler:enabled", "true");
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IMachineProviderRegistry>(Registry);
            if (_clock is not null)
            {
                services.AddSingleton<TimeProvider>(_clock);
            }

            _services?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _directory.Dispose();
        }
    }
}

/// <summary>Reading answers in tests.</summary>
internal static class Http
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The response, after checking its status (the body is in the failure message when it is not).</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(status, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Checks an RFC 9457 answer: its content type, status, and that its detail says something.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this HttpResponseMessage response, int status)
    {
        var problem = await response.ExpectAsync(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem.GetProperty("status").GetInt32().Should().Be(status);
        problem.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        return problem;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string uri, string json) =>
        client.PostAsync(uri, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string uri, string json) =>
        client.PutAsync(uri, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

}
