using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Testing.Tests;

/// <summary>Aggregates to store, made through the domain's own intent methods.</summary>
internal static class Samples
{
    public static Template Template(TimeProvider clock, string id = TestTemplates.DefaultId) =>
        Domain.Templates.Template.Create(new TemplateId(id), "fake", 10, TestTemplates.Attributes(), ProviderSettings.Empty, null, clock);

    public static Request Acquire(TimeProvider clock, TemplateId? templateId = null, int count = 2) =>
        Request.CreateAcquire(templateId ?? new TemplateId(TestTemplates.DefaultId), count, TimeSpan.FromMinutes(30), clock);

    public static Machine Machine(TimeProvider clock, RequestId? requestId = null, string hostName = "host-a.example", MachineStatus status = MachineStatus.Pending, TemplateId? templateId = null) =>
        Domain.Machines.Machine.Provision(
            MachineId.New(),
            requestId ?? RequestId.NewAcquire(),
            templateId ?? new TemplateId(TestTemplates.DefaultId),
            "fake",
            new ProvisionedMachine("i-" + Guid.NewGuid().ToString("N")[..8], hostName, "10.0.0.5", null, clock.GetUtcNow(), status, new Dictionary<string, string>()),
            clock);

    public static ProviderMachine Asked(FakeMachine machine) =>
        new(MachineId.New(), machine.ProviderMachineId, machine.HostName, new Dictionary<string, string>());
}
