using System.Security.Cryptography;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.StaticPool;

/// <summary>
/// Machines are existing hosts leased from an inventory. Provisioning leases free hosts (those matching the
/// template's <c>hostAttributes</c>, if set) and runs the optional lease command for each; releasing runs the
/// optional release command and frees the lease. Leases live in the instance's state directory, changed
/// only under an OS file lock, so concurrent Host Factory processes never lease one host twice.
/// The provider machine id is <c>&lt;lease id&gt;@&lt;host&gt;</c>: a host leased again gets a new id.
/// Provisioning is idempotent by key: each lease carries the key of the call that made it, and calls with one key run
/// one at a time across processes (<see cref="ProvisionKeyLock"/>); a repeat answers with the key's leases, first
/// running the lease command of those a dead call left preparing, and leases nothing more. A lease stays preparing
/// until its lease command succeeded; describing one that no call is preparing runs its lease command.
/// <see cref="ListHeldAsync"/> lists the leases.
/// </summary>
[MachineProvider(BuiltInTypeName, OptionsType = typeof(StaticPoolProviderOptions))]
public sealed class StaticPoolMachineProvider : IMachineProvider
{
    /// <summary>The provider type name.</summary>
    public const string BuiltInTypeName = "static-pool";

    private readonly ProviderContext _context;
    private readonly StaticPoolProviderOptions _options;
    private readonly PoolInventory _inventory;
    private readonly LeaseStore _leases;
    private readonly ILogger _logger;

    /// <summary>Creates the provider for one configured instance.</summary>
    /// <exception cref="FileNotFoundException">The inventory file does not exist.</exception>
    public StaticPoolMachineProvider(ProviderContext context, StaticPoolProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var inventoryFile = options.InventoryFile is null ? null : context.ResolvePath(options.InventoryFile);
        if (inventoryFile is not null && !File.Exists(inventoryFile))
        {
            throw new FileNotFoundException($"The pool inventory file '{inventoryFile}' does not exist.", inventoryFile);
        }

        _context = context;
        _options = options;
        _inventory = new PoolInventory(options.Hosts, inventoryFile);
        _leases = new LeaseStore(context.StateDirectory, TimeSpan.FromSeconds(options.LockTimeoutSeconds));
        _logger = context.LoggerFactory.CreateLogger<StaticPoolMachineProvider>();
    }

    /// <inheritdoc/>
    public async Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyDictionary<string, string> wanted;
        try
        {
            wanted = TemplateSettings.Of(request.Template).GetStringMap("hostAttributes") ?? new Dictionary<string, string>();
        }
        catch (ProviderSettingException exception)
        {
            return ProvisionResult.Failure(exception.Message);
        }

        // One call per key at a time, across processes: a repeat waits for the first, then finds what it leased.
        using var keyLock = await ProvisionKeyLock.AcquireAsync(_context, request.Key, cancellationToken);
        var earlier = _leases.Read().Leases.Where(l => l.Key == request.Key.Value).ToArray();
        if (earlier.Length > 0)
        {
            // A call under this key leased these hosts and died, or its answer was lost: finish it, lease no more.
            var (prepared, problems) = await PrepareAsync(earlier.Where(static l => l.Preparing).ToArray(), cancellationToken);
            var held = earlier.Where(static l => !l.Preparing).Select(l => ToMachine(l)).Concat(prepared).ToArray();
            return held.Length >= request.Count && problems.Count == 0
                ? ProvisionResult.Success(held)
                : ProvisionResult.Partial(held, Explain([$"key {request.Key} already leased {earlier.Length} host(s), of which {held.Length} are held; no more are leased under it", .. problems]));
        }

        var hosts = _inventory.Load();
        var matching = hosts.Where(h => wanted.All(w => h.Attributes.TryGetValue(w.Key, out var v) && v == w.Value)).ToArray();
        var now = _context.TimeProvider.GetUtcNow();
        var preparing = _options.LeaseCommand is not null;
        var taken = await _leases.UpdateAsync(
            current =>
            {
                var busy = current.Leases.Select(static l => l.Host).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var fresh = matching
                    .Where(h => !busy.Contains(h.Name))
                    .Take(request.Count)
                    .Select(h => new Lease(NewLeaseId(), h.Name, h.IpAddress, request.RequestId.ToString(), request.Template.Id.Value, now, request.Key.Value, preparing))
                    .ToArray();
                return (current with { Leases = [.. current.Leases, .. fresh] }, fresh);
            },
            cancellationToken);

        var (made, failures) = await PrepareAsync(taken, cancellationToken);
        if (taken.Length < request.Count)
        {
            failures.Insert(0, $"only {taken.Length} of {request.Count} hosts were free ({matching.Length} of {hosts.Count} hosts match the template{(wanted.Count > 0 ? $"'s hostAttributes {string.Join(", ", wanted.Select(static w => $"{w.Key}={w.Value}"))}" : string.Empty)})");
        }

        if (failures.Count == 0)
        {
            return ProvisionResult.Success(made);
        }

        var message = Explain(failures);
        return made.Count == 0 ? ProvisionResult.Failure(message) : ProvisionResult.Partial(made, message);
    }

    /// <inheritdoc/>
    public Task<HeldMachines> ListHeldAsync(RequestId? requestId, CancellationToken cancellationToken)
    {
        IReadOnlyList<HeldMachine> held = _leases.Read().Leases
            .Select(l => (Lease: l, Parsed: ProvisionKey.TryParse(l.Key, out var key), Key: key))
            .Where(l => l.Parsed && (requestId is not { } wanted || l.Key.RequestId == wanted))
            .Select(l => new HeldMachine(l.Key, ToMachine(l.Lease)))
            .ToArray();
        return Task.FromResult(HeldMachines.Found(held));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MachineObservation>> DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var leases = _leases.Read().Leases.ToDictionary(static l => l.LeaseId, StringComparer.Ordinal);
        var observations = new List<MachineObservation>(machines.Count);
        foreach (var machine in machines)
        {
            observations.Add(LeaseIdOf(machine.ProviderMachineId) is { } id && leases.TryGetValue(id, out var lease)
                ? lease.Preparing
                    ? await FinishPreparingAsync(machine.ProviderMachineId, lease, cancellationToken)
                    : new MachineObservation(machine.ProviderMachineId, MachineStatus.Running, null, lease.Host, lease.IpAddress)
                : new MachineObservation(machine.ProviderMachineId, MachineStatus.Terminated, "The lease has ended; the host is back in the pool."));
        }

        return observations;
    }

    /// <inheritdoc/>
    public async Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var leases = _leases.Read().Leases.ToDictionary(static l => l.LeaseId, StringComparer.Ordinal);
        var outcomes = new List<MachineReleaseOutcome>(machines.Count);
        var freed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var machine in machines)
        {
            if (LeaseIdOf(machine.ProviderMachineId) is not { } id || !leases.TryGetValue(id, out var lease))
            {
                outcomes.Add(new MachineReleaseOutcome(machine.ProviderMachineId, ReleaseOutcome.AlreadyGone, "No such lease; the host is already back in the pool."));
                continue;
            }

            // The host stays leased when its release command fails: it may still run the agent.
            if (await RunOperatorCommandAsync(_options.ReleaseCommand, lease, cancellationToken) is { } problem)
            {
                outcomes.Add(new MachineReleaseOutcome(machine.ProviderMachineId, ReleaseOutcome.Failed, $"Release command for host '{lease.Host}' failed: {problem}"));
                continue;
            }

            freed.Add(id);
            outcomes.Add(new MachineReleaseOutcome(machine.ProviderMachineId, ReleaseOutcome.Released, $"Host '{lease.Host}' is back in the pool."));
        }

        if (freed.Count > 0)
        {
            await _leases.UpdateAsync(current => (current with { Leases = current.Leases.Where(l => !freed.Contains(l.LeaseId)).ToList() }, 0), cancellationToken);
            foreach (var lease in freed.Select(id => leases[id]))
            {
                StaticPoolLog.Released(_logger, lease.Host, lease.LeaseId);
            }
        }

        return new ReleaseResult(outcomes);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReclaimedMachine>> ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var leases = _leases.Read().Leases.ToDictionary(static l => l.LeaseId, StringComparer.Ordinal);
        var inventory = _inventory.Load().Select(static h => h.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Taken back: a lease an operator removed by hand, or a host taken out of the inventory while leased.
        IReadOnlyList<ReclaimedMachine> reclaimed = machines
            .Where(m => LeaseIdOf(m.ProviderMachineId) is not { } id || !leases.TryGetValue(id, out var lease) || !inventory.Contains(lease.Host))
            .Select(static m => new ReclaimedMachine(m.ProviderMachineId, m.HostName, 0))
            .ToArray();
        return Task.FromResult(reclaimed);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var problems = new List<string>();
        try
        {
            var wanted = TemplateSettings.Of(template).GetStringMap("hostAttributes");
            var hosts = _inventory.Load();
            if (wanted is not null && !hosts.Any(h => wanted.All(w => h.Attributes.TryGetValue(w.Key, out var v) && v == w.Value)))
            {
                problems.Add($"Template '{template.Id}' setting 'hostAttributes' matches none of the pool's {hosts.Count} hosts.");
            }
        }
        catch (MachineProviderException exception)
        {
            problems.Add(exception.Message);
        }

        return Task.FromResult<IReadOnlyList<string>>(problems);
    }

    /// <summary>
    /// Runs the lease command of each lease still preparing (fresh ones, or those of a call that died) and records each
    /// outcome as it comes, so a command that succeeded is never run again: the lease is prepared; one whose command
    /// failed or was cut short is given back to the pool (the host may be half set up; the problem says why).
    /// </summary>
    private async Task<(List<ProvisionedMachine> Made, List<string> Problems)> PrepareAsync(IReadOnlyList<Lease> leases, CancellationToken cancellationToken)
    {
        var made = new List<ProvisionedMachine>(leases.Count);
        var problems = new List<string>();
        foreach (var lease in leases)
        {
            string? problem;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                problem = await RunOperatorCommandAsync(lease.Preparing ? _options.LeaseCommand : null, lease, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                problem = "cancelled before it finished";
            }

            if (lease.Preparing || problem is not null)
            {
                await _leases.UpdateAsync(
                    current => (current with
                    {
                        Leases = problem is null
                            ? current.Leases.ConvertAll(l => l.LeaseId == lease.LeaseId ? l with { Preparing = false } : l)
                            : current.Leases.Where(l => l.LeaseId != lease.LeaseId).ToList(),
                    }, 0),
                    CancellationToken.None);
            }

            if (problem is not null)
            {
                problems.Add($"lease command for host '{lease.Host}' failed: {problem}");
                continue;
            }

            StaticPoolLog.Leased(_logger, lease.Host, lease.LeaseId, lease.RequestId);
            made.Add(ToMachine(lease with { Preparing = false }));
        }

        return (made, problems);
    }

    /// <summary>
    /// A lease still preparing whose call died: when no call holds its key, its lease command is run now (the host is
    /// running once it succeeds, back in the pool if it fails); while a call holds the key, the host is pending.
    /// </summary>
    private async Task<MachineObservation> FinishPreparingAsync(string providerMachineId, Lease lease, CancellationToken cancellationToken)
    {
        using var keyLock = ProvisionKey.TryParse(lease.Key, out var key) ? ProvisionKeyLock.TryAcquire(_context, key) : null;
        if (keyLock is null)
        {
            return new MachineObservation(providerMachineId, MachineStatus.Pending, "The lease command is running.");
        }

        // Read again under the key's lock: the call that held it may have just finished.
        var current = _leases.Read().Leases.FirstOrDefault(l => l.LeaseId == lease.LeaseId);
        if (current is null)
        {
            return new MachineObservation(providerMachineId, MachineStatus.Terminated, "The lease has ended; the host is back in the pool.");
        }

        var (made, problems) = await PrepareAsync([current], cancellationToken);
        return made.Count == 1
            ? new MachineObservation(providerMachineId, MachineStatus.Running, "The lease command of an interrupted call was run again.", current.Host, current.IpAddress)
            : new MachineObservation(providerMachineId, MachineStatus.Failed, $"The host went back to the pool: {string.Join("; ", problems)}.");
    }

    private string Explain(IEnumerable<string> failures) =>
        $"Pool '{_context.InstanceName}': {string.Join("; ", failures.Select(static f => f.TrimEnd('.')))}.";

    private async Task<string?> RunOperatorCommandAsync(List<string>? command, Lease lease, CancellationToken cancellationToken)
    {
        if (command is null)
        {
            return null;
        }

        var argv = command.Select(a => a.Replace("{host}", lease.Host, StringComparison.Ordinal).Replace("{ip}", lease.IpAddress, StringComparison.Ordinal)).ToArray();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOSTFACTORY_MACHINE_NAME"] = lease.Host,
            ["HOSTFACTORY_MACHINE_IP"] = lease.IpAddress,
            ["HOSTFACTORY_REQUEST_ID"] = lease.RequestId,
            ["HOSTFACTORY_TEMPLATE_ID"] = lease.TemplateId,
        };
        string? problem;
        try
        {
            var result = await ExternalCommand.RunAsync(argv, null, TimeSpan.FromSeconds(_options.CommandTimeoutSeconds), cancellationToken, environment: environment);
            problem = result.ExitCode == 0 ? null : $"'{argv[0]}' exited with code {result.ExitCode}: {result.StandardErrorTail(500)}";
        }
        catch (Exception exception) when (exception is TimeoutException or MachineProviderException)
        {
            problem = exception.Message;
        }

        if (problem is not null)
        {
            StaticPoolLog.CommandFailed(_logger, lease.Host, problem);
        }

        return problem;
    }

    private ProvisionedMachine ToMachine(Lease lease) => new(
        $"{lease.LeaseId}@{lease.Host}",
        lease.Host,
        lease.IpAddress,
        PublicIpAddress: null,
        lease.LeasedAt,
        lease.Preparing ? MachineStatus.Pending : MachineStatus.Running,
        new Dictionary<string, string>(StringComparer.Ordinal) { ["leaseId"] = lease.LeaseId, ["pool"] = _context.InstanceName },
        InstanceType: "static-pool",
        CloudHostId: lease.Host);

    private static string? LeaseIdOf(string providerMachineId)
    {
        var at = providerMachineId.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? providerMachineId[..at] : null;
    }

    private static string NewLeaseId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
