using System.ComponentModel.DataAnnotations;
using System.Globalization;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.SamplePlugin;

/// <summary>The sample plugin's settings.</summary>
public sealed class SampleFileOptions
{
    /// <summary>The host name prefix of every machine.</summary>
    [Required]
    public string Prefix { get; set; } = string.Empty;

    /// <summary>How many machines may exist at once.</summary>
    [Range(1, 100)]
    public int Capacity { get; set; } = 10;
}

/// <summary>
/// A provider whose machines are files in its state directory: enough to show a plugin built apart
/// from the host being loaded, configured, validated and called.
/// </summary>
[MachineProvider("sample-file", OptionsType = typeof(SampleFileOptions))]
public sealed class SampleFileProvider(ProviderContext context, SampleFileOptions options) : IMachineProvider
{
    private string Directory => Path.Combine(context.StateDirectory, "machines");

    /// <inheritdoc/>
    public Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var existing = System.IO.Directory.GetFiles(Directory).Length;
        var count = Math.Min(request.Count, options.Capacity - existing);
        var made = new List<ProvisionedMachine>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid().ToString("N")[..8];
            File.WriteAllText(Path.Combine(Directory, id), request.RequestId.ToString());
            made.Add(new ProvisionedMachine(
                id, $"{options.Prefix}-{id}", "127.0.0.1", null, context.TimeProvider.GetUtcNow(), MachineStatus.Running,
                new Dictionary<string, string> { ["file"] = Path.Combine(Directory, id) }));
        }

        return Task.FromResult(count == request.Count
            ? ProvisionResult.Success(made)
            : ProvisionResult.Partial(made, string.Create(CultureInfo.InvariantCulture, $"capacity {options.Capacity} reached")));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<MachineObservation>> DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MachineObservation>>(machines
            .Select(m => new MachineObservation(m.ProviderMachineId, File.Exists(Path.Combine(Directory, m.ProviderMachineId)) ? MachineStatus.Running : MachineStatus.Terminated, null))
            .ToArray());

    /// <inheritdoc/>
    public Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        var outcomes = new List<MachineReleaseOutcome>();
        foreach (var machine in machines)
        {
            var path = Path.Combine(Directory, machine.ProviderMachineId);
            var existed = File.Exists(path);
            File.Delete(path);
            outcomes.Add(new MachineReleaseOutcome(machine.ProviderMachineId, existed ? ReleaseOutcome.Released : ReleaseOutcome.AlreadyGone, null));
        }

        return Task.FromResult(new ReleaseResult(outcomes));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReclaimedMachine>> ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReclaimedMachine>>([]);

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
