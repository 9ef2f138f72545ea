using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Tests;

/// <summary>Valid building blocks the tests vary one field at a time.</summary>
internal static class TestData
{
    /// <summary>Where the tests' clocks start: 2025-01-01 08:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 8, 0, 0, TimeSpan.Zero);

    public static readonly TemplateId TemplateId = new("OnDemand-Minimal-Template-VM");
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    /// <summary>A clock that moves only when told to, at <see cref="Start"/>.</summary>
    public static FakeTimeProvider Clock() => new(Start);

    public static TemplateAttributes Attributes() => new("X86_64", nRam: 1024, nCpus: 1);

    public static Template NewTemplate(TimeProvider clock, int maxNumber = 10) =>
        Template.Create(TemplateId, "local", maxNumber, Attributes(), ProviderSettings.Empty, null, clock);

    public static ProvisionedMachine Provisioned(MachineStatus status = MachineStatus.Pending) =>
        new("i-0abc", "host-a.example", "10.0.0.5", null, TestData.Start, status,
            new Dictionary<string, string> { ["pid"] = "4242", ["startTime"] = "1734619942" });

    /// <summary>A machine in <paramref name="status"/> with no pending events.</summary>
    public static Machine MachineIn(MachineStatus status, TimeProvider clock)
    {
        var machine = Machine.Provision(MachineId.New(), RequestId.NewAcquire(), TemplateId, "local", Provisioned(status), clock);
        machine.DequeueEvents();
        return machine;
    }

    /// <summary>A consistent snapshot of a request of <paramref name="kind"/> in <paramref name="status"/>.</summary>
    public static RequestSnapshot RequestSnapshotIn(RequestKind kind, RequestStatus status, DateTimeOffset now) =>
        kind == RequestKind.Acquire
            ? new(RequestId.NewAcquire(), kind, TemplateId, 2, [MachineId.New()], status, string.Empty,
                now, now, status.IsFinished ? now : null, now + Timeout, 0, 0, 1)
            : new(RequestId.NewReturn(), kind, null, 1, [MachineId.New()], status, string.Empty,
                now, now, status.IsFinished ? now : null, now + Timeout, 0, 0, 1);
}
