using HostFactory.Server;

return await ServerStartup.RunAsync(args, Console.Error);

/// <summary>The server's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
