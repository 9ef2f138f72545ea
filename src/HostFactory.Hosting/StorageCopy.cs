using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Hosting;

/// <summary>What <see cref="StorageCopy.CopyAsync"/> copied: as many of each as the source held, checked in the target.</summary>
/// <param name="Templates">Templates copied.</param>
/// <param name="Requests">Requests (acquire and return) copied.</param>
/// <param name="Machines">Machines copied.</param>
public sealed record StorageCopyCounts(int Templates, int Requests, int Machines);

/// <summary>The target of a copy already holds something; nothing was copied.</summary>
/// <param name="message">What the target holds and what to do.</param>
public sealed class StorageCopyRefusedException(string message) : Exception(message);

/// <summary>After a copy, the target does not hold exactly what was read from the source.</summary>
/// <param name="message">What differs.</param>
public sealed class StorageCopyVerificationException(string message) : Exception(message);

/// <summary>
/// Moves a whole store into another, empty one (<c>hostfactory storage copy</c>): every template, request and machine
/// read from the source's <see cref="IStoreExport"/> is inserted through the target's store ports, then the target is
/// read back and must hold exactly the ids read. Every field is copied; the optimistic-concurrency versions start
/// again at 1 in the target. Meant for a stopped installation: changes made meanwhile may be missed.
/// </summary>
public static class StorageCopy
{
    // Machines are saved in batches: one transaction (PostgreSQL) or one journal commit (JSON) for many.
    private const int MachineBatch = 200;

    /// <summary>Copies <paramref name="source"/>'s store into <paramref name="target"/>'s.</summary>
    /// <param name="source">A container whose <see cref="IStoreExport"/> reads the store to copy.</param>
    /// <param name="target">A container with the store ports (and <see cref="IStoreExport"/>) of the empty target.</param>
    /// <param name="cancellationToken">Stops the copy between two saves; what was copied stays.</param>
    /// <returns>How many of each were copied and found in the target.</returns>
    /// <exception cref="StorageCopyRefusedException">The target is not empty; nothing was written.</exception>
    /// <exception cref="StorageCopyVerificationException">The target does not hold what was copied.</exception>
    public static async Task<StorageCopyCounts> CopyAsync(IServiceProvider source, IServiceProvider target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var from = source.GetRequiredService<IStoreExport>();
        var into = target.GetRequiredService<IStoreExport>();
        var already = await CountAsync(into, cancellationToken);
        if (already.Templates.Count + already.Requests.Count + already.Machines.Count > 0)
        {
            throw new StorageCopyRefusedException(
                $"The target store is not empty: it holds {already.Templates.Count} template(s), {already.Requests.Count} request(s) and {already.Machines.Count} machine(s). Copy only into an empty store (a new PostgreSQL database or schema, or an empty JSON data directory); nothing was copied.");
        }

        var templates = target.GetRequiredService<ITemplateStore>();
        var copiedTemplates = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var snapshot in from.ReadTemplatesAsync(cancellationToken))
        {
            await templates.SaveAsync(Template.FromSnapshot(snapshot with { Version = 0 }), cancellationToken);
            copiedTemplates.Add(snapshot.Id.Value);
        }

        var requests = target.GetRequiredService<IRequestStore>();
        var copiedRequests = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var snapshot in from.ReadRequestsAsync(cancellationToken))
        {
            await requests.SaveAsync(Request.FromSnapshot(snapshot with { Version = 0 }), cancellationToken);
            copiedRequests.Add(snapshot.Id.Value);
        }

        var machines = target.GetRequiredService<IMachineStore>();
        var copiedMachines = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<Machine>(MachineBatch);
        await foreach (var snapshot in from.ReadMachinesAsync(cancellationToken))
        {
            batch.Add(Machine.FromSnapshot(snapshot with { Version = 0 }));
            copiedMachines.Add(snapshot.Id.Value);
            if (batch.Count == MachineBatch)
            {
                await machines.SaveManyAsync(batch, cancellationToken);
                batch = new List<Machine>(MachineBatch);
            }
        }

        await machines.SaveManyAsync(batch, cancellationToken);

        var stored = await CountAsync(into, cancellationToken);
        Verify("template", copiedTemplates, stored.Templates);
        Verify("request", copiedRequests, stored.Requests);
        Verify("machine", copiedMachines, stored.Machines);
        return new StorageCopyCounts(stored.Templates.Count, stored.Requests.Count, stored.Machines.Count);
    }

    private static async Task<(HashSet<string> Templates, HashSet<string> Requests, HashSet<string> Machines)> CountAsync(IStoreExport store, CancellationToken cancellationToken)
    {
        var templates = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var template in store.ReadTemplatesAsync(cancellationToken))
        {
            templates.Add(template.Id.Value);
        }

        var requests = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var request in store.ReadRequestsAsync(cancellationToken))
        {
            requests.Add(request.Id.Value);
        }

        var machines = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var machine in store.ReadMachinesAsync(cancellationToken))
        {
            machines.Add(machine.Id.Value);
        }

        return (templates, requests, machines);
    }

    private static void Verify(string kind, HashSet<string> copied, HashSet<string> stored)
    {
        if (!copied.SetEquals(stored))
        {
            var missing = copied.Except(stored, StringComparer.Ordinal).Take(5).ToList();
            var extra = stored.Except(copied, StringComparer.Ordinal).Take(5).ToList();
            throw new StorageCopyVerificationException(
                $"After the copy the target holds {stored.Count} {kind}(s) where {copied.Count} were copied"
                + (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : string.Empty)
                + (extra.Count > 0 ? $"; not copied: {string.Join(", ", extra)}" : string.Empty) + ".");
        }
    }
}
