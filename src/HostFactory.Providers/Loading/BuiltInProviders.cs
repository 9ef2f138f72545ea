using System.Reflection;
using System.Runtime.CompilerServices;
using HostFactory.Configuration;
using Microsoft.Extensions.Configuration;

namespace HostFactory.Providers.Loading;

/// <summary>
/// The provider types that ship with HostFactory. They are plugins like any other, loaded from
/// <c>providers/HostFactory.Providers.&lt;Name&gt;.dll</c>, so an instance of one of these types may omit <c>assembly</c>.
/// A Native AOT build of a host (<c>hostfactory-native</c>) cannot load assemblies at run time: it is compiled with
/// these four inside it, and serves only configurations that name no other (<see cref="AreAllConfigured"/>).
/// </summary>
public static class BuiltInProviders
{
    /// <summary>Machines are local OS processes (the quick start and end-to-end tests).</summary>
    public const string LocalProcess = "local-process";

    /// <summary>Machines are leased from an inventory of existing hosts.</summary>
    public const string StaticPool = "static-pool";

    /// <summary>Machines are made by an external program speaking JSON on stdin and stdout.</summary>
    public const string Exec = "exec";

    /// <summary>Machines are EC2 instances, made through the AWS SDK (which only this plugin's load context holds).</summary>
    public const string AwsEc2 = "aws-ec2";

    private static readonly Dictionary<string, string> AssemblyFiles = new(StringComparer.Ordinal)
    {
        [LocalProcess] = "HostFactory.Providers.LocalProcess.dll",
        [StaticPool] = "HostFactory.Providers.StaticPool.dll",
        [Exec] = "HostFactory.Providers.Exec.dll",
        [AwsEc2] = "HostFactory.Providers.Aws.dll",
    };

    /// <summary>The built-in type names.</summary>
    public static IReadOnlyCollection<string> TypeNames => AssemblyFiles.Keys;

    /// <summary>The assembly file of a built-in type, or null when <paramref name="typeName"/> is not built in.</summary>
    public static string? AssemblyFileName(string typeName) =>
        AssemblyFiles.TryGetValue(typeName, out var file) ? file : null;

    /// <summary>True in a process that cannot load plugin assemblies: a Native AOT build, with the built-in providers compiled in.</summary>
    public static bool AreCompiledIn => !RuntimeFeature.IsDynamicCodeSupported;

    /// <summary>
    /// True when every provider instance of <paramref name="configuration"/> is of a built-in type: none names a plugin
    /// <c>assembly</c> (enabled or not, since a disabled instance is checked too).
    /// </summary>
    public static bool AreAllConfigured(IConfiguration configuration) =>
        configuration.GetSection(HostFactoryConfiguration.ProvidersSection).GetChildren()
            .All(static instance => string.IsNullOrWhiteSpace(instance["assembly"]));

    /// <summary>
    /// The compiled-in assembly of the built-in provider file <paramref name="path"/> in a process where they are
    /// compiled in (<see cref="AreCompiledIn"/>); null for any other file.
    /// </summary>
    public static Assembly? CompiledIn(string path) =>
        AssemblyFiles.ContainsValue(Path.GetFileName(path))
            ? Assembly.Load(new AssemblyName(Path.GetFileNameWithoutExtension(path)))
            : null;
}
