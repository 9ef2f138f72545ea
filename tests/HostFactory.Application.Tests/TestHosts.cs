using HostFactory.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Application.Tests;

/// <summary>The stores a test keeps its state in.</summary>
public enum StoreKind
{
    /// <summary>The test kit's in-memory stores.</summary>
    InMemory,

    /// <summary>The JSON file store (src/HostFactory.Storage.Json) in a temporary directory: what the scripts, the server and an embedding host use.</summary>
    JsonFiles,
}

/// <summary>Test hosts over either store, so the protocol operations are tested on the store production uses too.</summary>
internal static class TestHosts
{
    /// <summary>A host over <paramref name="store"/>; the JSON files' directory is deleted with the host.</summary>
    public static HostFactoryTestHost Create(StoreKind store, Action<HostFactoryTestHostOptions>? configure = null) =>
        HostFactoryTestHost.Create(options =>
        {
            if (store == StoreKind.JsonFiles)
            {
                var directory = Path.Combine(Path.GetTempPath(), $"hf-app-tests-{Guid.NewGuid():N}");
                options.UseStorage(
                    $"JSON files in {directory}",
                    services => services.AddJsonFileStorage(storage =>
                    {
                        // Never the HF_PROVIDER_WORKDIR of the machine running the tests.
                        storage.ProviderWorkDirectory = null;
                        storage.DataDirectory = directory;
                    }),
                    () =>
                    {
                        if (Directory.Exists(directory))
                        {
                            Directory.Delete(directory, recursive: true);
                        }
                    });
            }

            configure?.Invoke(options);
        });
}
