using System.Runtime.Versioning;
using HostFactory.Cli.FrontEnd;

// The resident process, and exec, are Linux only: elsewhere the scripts call the full program itself.
[assembly: SupportedOSPlatform("linux")]

return ProtocolCallForwarder.Run(args);
