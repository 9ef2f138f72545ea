using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace HostFactory.Providers.Loading;

/// <summary>
/// The load context of one plugin assembly. The contract assemblies (the domain, the provider
/// abstractions) and Microsoft.Extensions.* come from the host's context, so a plugin's
/// <c>IMachineProvider</c> is the host's <c>IMachineProvider</c>; everything else the plugin brings
/// (its own dependencies) resolves from its own folder and stays private to it.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private static readonly string[] SharedNames = ["HostFactory.Domain", "HostFactory.Providers.Abstractions"];
    // Framework assemblies (System.*) need no entry: the plugin's resolver never maps them to its folder.
    private static readonly string[] SharedPrefixes = ["Microsoft.Extensions."];

    // One context per plugin path for the life of the process: loading the same file twice would
    // create two copies of its types, and several instances of one plugin are common.
    private static readonly ConcurrentDictionary<string, Lazy<Assembly>> Loaded = new(StringComparer.Ordinal);

    private readonly AssemblyDependencyResolver _resolver;

    private PluginLoadContext(string assemblyPath)
        : base($"HostFactory plugin {Path.GetFileName(assemblyPath)}", isCollectible: false) =>
        _resolver = new AssemblyDependencyResolver(assemblyPath);

    /// <summary>
    /// Loads the plugin at <paramref name="assemblyPath"/> (absolute) into its own context, once per path. A process
    /// that cannot load assemblies (a Native AOT build, <see cref="BuiltInProviders.AreCompiledIn"/>) has the built-in
    /// providers compiled in: a built-in provider's file is its compiled-in assembly, and any other file is refused.
    /// </summary>
    /// <exception cref="FileLoadException">A Native AOT build was asked for a file that is not a built-in provider's.</exception>
    public static Assembly LoadPlugin(string assemblyPath) =>
        BuiltInProviders.AreCompiledIn
            ? BuiltInProviders.CompiledIn(assemblyPath) ?? throw new FileLoadException(
                "this Native AOT build runs the built-in providers only; the plugin-capable build (hostfactory) loads other assemblies.", assemblyPath)
            : Loaded.GetOrAdd(
                assemblyPath,
                static path => new Lazy<Assembly>(() => new PluginLoadContext(path).LoadFromAssemblyPath(path))).Value;

    /// <summary>True when <paramref name="assemblyName"/> must be the host's copy for type identity.</summary>
    public static bool IsShared(AssemblyName assemblyName)
    {
        var name = assemblyName.Name ?? string.Empty;
        return SharedNames.Contains(name, StringComparer.Ordinal)
            || SharedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            // Null defers to the default context: the host's copy.
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
