namespace HostFactory.Providers.Loading;

/// <summary>
/// The provider types that ship with HostFactory. They are plugins like any other, loaded from
/// <c>providers/HostFactory.Providers.&lt;Name&gt;.dll</c>, so an instance of one of these types may omit <c>assembly</c>.
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
}
