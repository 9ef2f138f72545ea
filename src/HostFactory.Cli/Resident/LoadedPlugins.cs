using System.Reflection;
using System.Runtime.Loader;

namespace HostFactory.Cli.Resident;

/// <summary>
/// The provider plugin assemblies this process loads (those of a load context other than the default one, from a
/// file), each with its stamp when loaded: <c>hostfactory resident status</c> compares them with the files now, since a
/// plugin replaced in place goes unseen by a resident process that loaded the old one.
/// </summary>
internal sealed class LoadedPlugins : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<LoadedFile> _files = [];

    private LoadedPlugins() => AppDomain.CurrentDomain.AssemblyLoad += OnLoad;

    /// <summary>Starts noting loads; before the container is built, so the plugins it loads are seen.</summary>
    public static LoadedPlugins Watch() => new();

    /// <summary>The plugins loaded so far, in load order.</summary>
    public IReadOnlyList<LoadedFile> Snapshot()
    {
        lock (_gate)
        {
            return [.. _files];
        }
    }

    public void Dispose() => AppDomain.CurrentDomain.AssemblyLoad -= OnLoad;

    private void OnLoad(object? sender, AssemblyLoadEventArgs args)
    {
        var assembly = args.LoadedAssembly;
        if (AssemblyLoadContext.GetLoadContext(assembly) == AssemblyLoadContext.Default || assembly.IsDynamic || assembly.Location is not { Length: > 0 } path)
        {
            return;
        }

        var file = new LoadedFile(path, ResidentEndpoint.Stamp(new FileInfo(path)));
        lock (_gate)
        {
            _files.Add(file);
        }
    }
}
