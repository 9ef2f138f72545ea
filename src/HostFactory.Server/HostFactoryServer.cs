using HostFactory.Configuration;
using HostFactory.Server.Contracts;
using HostFactory.Server.Endpoints;
using HostFactory.Server.Errors;
using HostFactory.Server.Health;
using HostFactory.Server.Security;
using HostFactory.Server.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace HostFactory.Server;

/// <summary>Builds the server: configuration, services, middleware and endpoints, in one place for Program and tests.</summary>
internal static class HostFactoryServer
{
    /// <summary>
    /// Builds the application. The configuration file is found like the CLI finds it (<c>--config</c>, else
    /// <c>HF_PROVIDER_CONFDIR</c>, else the repository's <c>config/</c> for a build run from the repository, else
    /// <c>config/</c> beside the server) and layered under the environment and the command line, so
    /// <c>HostFactory__Server__BearerToken</c> or <c>--hostFactory:reconciler:interval=00:00:10</c> override it.
    /// Nothing is checked or started yet: <see cref="ServerStartup"/> runs the start-up checks, and the server logs where
    /// it listens once it does.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <returns>The application, not started.</returns>
    /// <exception cref="ConfigurationFileNotFoundException">The configuration file does not exist; the message names every file looked for.</exception>
    /// <exception cref="InvalidDataException">The configuration file is not valid JSON.</exception>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var paths = HostFactoryPathResolver.Resolve(
            Environment.GetEnvironmentVariable,
            builder.Configuration["config"],
            HostFactoryPathResolver.DefaultConfigDirectory(AppContext.BaseDirectory));
        if (!File.Exists(paths.ConfigurationFile))
        {
            throw new ConfigurationFileNotFoundException(
                HostFactoryPathResolver.ConfigurationNotFoundMessage(paths, Environment.GetEnvironmentVariable),
                paths.ConfigurationFile);
        }

        // Under the environment and the command line, which are added again so they keep the last word.
        builder.Configuration.AddJsonFile(paths.ConfigurationFile, optional: false, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);

        var urls = builder.Configuration["urls"] ?? builder.Configuration[$"{ServerOptions.SectionName}:urls"] ?? ServerOptions.DefaultUrls;
        builder.WebHost.UseUrls(urls);

        var services = builder.Services;
        services.AddHostFactory(builder.Configuration, paths);
        services.AddHostFactoryReconciler(builder.Configuration);
        services.AddHostedService<TemplateImport>();

        services.AddOptions<ServerOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.Urls = urls;
                options.BearerToken = BearerToken(configuration);
                foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
                {
                    options.OtherEndpoints.Add(endpoint["Url"] ?? endpoint.Path);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.AddSingleton<BearerTokenMiddleware>();

        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        services.AddSingleton<ProviderProbe>();
        services.AddServerTelemetry(builder.Configuration);
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage")
            .AddCheck<ReconcilerHealthCheck>("reconciler");

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HostFactoryServer));
        var tokenState = BearerToken(app.Configuration) is null ? "not set" : "required";

        // Once Kestrel is bound, after every start-up check passed: the addresses really listened on (port 0 resolved).
        app.Lifetime.ApplicationStarted.Register(() =>
            ServerLog.Listening(logger, paths.ConfigurationFile, paths.WorkDirectory, string.Join(", ", app.Urls), tokenState));

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<BearerTokenMiddleware>();

        app.MapOpenApi();
        app.MapPrometheusScrapingEndpoint(ServerTelemetry.ScrapePath);
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        app.MapGroup("/api/v1")
            .MapTemplates()
            .MapRequests()
            .MapMachines()
            .MapProviders();
        return app;
    }

    /// <summary><c>hostFactory:server:bearerToken</c>, else <c>HF_SERVER_TOKEN</c>; null when neither is set.</summary>
    private static string? BearerToken(IConfiguration configuration) =>
        configuration[$"{ServerOptions.SectionName}:bearerToken"] is { Length: > 0 } token ? token
            : configuration[ServerOptions.TokenVariable] is { Length: > 0 } variable ? variable
            : null;
}
