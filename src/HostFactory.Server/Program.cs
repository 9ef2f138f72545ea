using HostFactory.Server;

var app = HostFactoryServer.Build(args);
await app.RunAsync();

/// <summary>The server's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
