using HostFactory.Cli;
using HostFactory.Cli.Infrastructure;

return await CliApplication.RunAsync(args, CliConsole.ForProcess());
