using System.Text.Json;
using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Cli.Protocol;
using HostFactory.Cli.Tests.Support;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Cli.Tests;

/// <summary>
/// The protocol documents as serialized, for the cases a local-process machine never produces (a failed machine,
/// tags, a public address, an unlimited template), checked field by field against the protocol.
/// </summary>
public sealed class ProtocolMapperTests
{
    private static readonly DateTimeOffset Launched = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Request_WhenAMachineFailedWithNoProtocolStatusWord_LeavesStatusOutAndKeepsTheMessage()
    {
        var entry = new RequestStatusEntry("req-x", HostFactoryWords.CompleteWithError, "1 machine(s) failed.", null,
            [new MachineStatusEntry(Machine(MachineStatus.Failed), HostFactoryWords.Fail, HostFactoryWords.MachineStatusWord(MachineStatus.Failed), "Quota exceeded.")]);

        var json = Serialize(new RequestStatusAnswer([ProtocolMapper.Request(entry)]));

        ProtocolShape.RequestStatus(json).Should().BeEmpty();
        var machine = json.GetProperty("requests")[0].GetProperty("machines")[0];
        machine.TryGetProperty("status", out _).Should().BeFalse("'failed' is not a protocol status word, so the optional field is left out");
        machine.GetProperty("result").GetString().Should().Be("fail");
        machine.GetProperty("message").GetString().Should().Be("Quota exceeded.");
    }

    [Fact]
    public void Machine_WhenTheProviderKnowsTheExtras_PrintsThemAsTheProtocolNamesThem()
    {
        var document = ProtocolMapper.Machine(new MachineStatusEntry(Machine(MachineStatus.Running), HostFactoryWords.Succeed, "running", string.Empty));

        var json = Serialize(new RequestStatusAnswer([new RequestStatusDocument("req-x", "complete", string.Empty, [document])]))
            .GetProperty("requests")[0].GetProperty("machines")[0];

        json.GetProperty("launchtime").GetInt64().Should().Be(Launched.ToUnixTimeSeconds());
        json.GetProperty("publicIpAddress").GetString().Should().Be("203.0.113.9");
        json.GetProperty("instanceTags").GetString().Should().Be("project=hf;owner=ops");
        json.GetProperty("priceType").GetString().Should().Be("spot");
        json.GetProperty("instanceType").GetString().Should().Be("m5.large");
        json.GetProperty("cloudHostId").GetString().Should().Be("h-1");
        json.EnumerateObject().Select(p => p.Name).Should().Equal(
            "machineId", "name", "result", "status", "privateIpAddress", "publicIpAddress", "launchtime", "message", "priceType", "instanceType", "instanceTags", "cloudHostId");
    }

    [Fact]
    public void Machine_WhenItsProviderReportsItsOwnId_PrintsThatIdAsMachineId()
    {
        var ours = Machine(MachineStatus.Running);
        var theirs = ours with { ReportedMachineId = ReportedMachineId.ProviderId };

        ProtocolMapper.Machine(new MachineStatusEntry(ours, HostFactoryWords.Succeed, "running", string.Empty)).MachineId.Should().Be(ours.Id.ToString());
        ProtocolMapper.Machine(new MachineStatusEntry(theirs, HostFactoryWords.Succeed, "running", string.Empty)).MachineId.Should().Be("i-123");
    }

    [Fact]
    public void Machine_WhenThereIsNoPublicAddressNorExtras_WritesPublicIpAsNullAndLeavesTheExtrasOut()
    {
        var bare = Machine(MachineStatus.Pending) with { PublicIpAddress = null, InstanceType = null, PriceType = null, CloudHostId = null, Tags = new Dictionary<string, string>() };

        var json = Serialize(new RequestStatusAnswer([new RequestStatusDocument("req-x", "running", string.Empty,
            [ProtocolMapper.Machine(new MachineStatusEntry(bare, HostFactoryWords.Executing, "pending", string.Empty))])]))
            .GetProperty("requests")[0].GetProperty("machines")[0];

        json.GetProperty("publicIpAddress").ValueKind.Should().Be(JsonValueKind.Null);
        json.EnumerateObject().Select(p => p.Name).Should().Equal("machineId", "name", "result", "status", "privateIpAddress", "publicIpAddress", "launchtime", "message");
    }

    [Fact]
    public void Template_WhenUnlimitedWithProviderSettings_LeavesAvailableNumberOutAndPrintsTheSettingsAsExtraFields()
    {
        var attributes = new TemplateAttributes("X86_64", 4096, nCpus: 2, rank: 3, priceInfo: "0.1", extras: [new TemplateAttribute("zone", AttributeKind.String, "a")]);
        var settings = new ProviderSettings(new Dictionary<string, string?> { ["imageId"] = "\"ami-1\"", ["vmType"] = "\"m5.large\"", ["maxNumber"] = "99" });
        var template = new TemplateSnapshot(new TemplateId("cloud-big"), "cloud", -1, attributes, settings, true, TimeSpan.FromMinutes(30), Launched, Launched, 1);

        var json = Serialize(new TemplatesAnswer("Get available templates success.", [ProtocolMapper.Template(new TemplateSummary(template, 0, null))]));

        ProtocolShape.Templates(json).Should().BeEmpty();
        var entry = json.GetProperty("templates")[0];
        entry.GetProperty("maxNumber").GetInt32().Should().Be(-1);
        entry.TryGetProperty("availableNumber", out _).Should().BeFalse();
        entry.GetProperty("imageId").GetString().Should().Be("ami-1");
        entry.GetProperty("vmType").GetString().Should().Be("m5.large");
        entry.GetProperty("attributes").GetProperty("rank").EnumerateArray().Select(e => e.GetString()).Should().Equal("Numeric", "3");
        entry.GetProperty("attributes").GetProperty("priceInfo").EnumerateArray().Select(e => e.GetString()).Should().Equal("String", "0.1");
        entry.GetProperty("attributes").GetProperty("zone").EnumerateArray().Select(e => e.GetString()).Should().Equal("String", "a");
        entry.EnumerateObject().Count(p => p.Name == "maxNumber").Should().Be(1, "a provider setting never shadows a protocol field");
    }

    [Fact]
    public void Serialize_WhenAMessageHasQuotesAndNonAscii_KeepsThemReadable()
    {
        var text = ProtocolJson.Serialize(new MessageAnswer("Template 'größe' does not exist."));

        text.Should().Contain("'größe'");
        Json.Parse(text).GetProperty("message").GetString().Should().Be("Template 'größe' does not exist.");
    }

    private static JsonElement Serialize(object document) => Json.Parse(ProtocolJson.Serialize(document));

    private static MachineSnapshot Machine(MachineStatus status) => new(
        MachineId.New(), "cloud", "i-123", "host-a.example", "10.0.0.5", "203.0.113.9", Launched, new TemplateId("cloud-big"),
        RequestId.NewAcquire(), null, status, string.Empty, new Dictionary<string, string>(), "m5.large", "spot", "h-1",
        new Dictionary<string, string> { ["project"] = "hf", ["owner"] = "ops" }, Launched, Launched, 1);
}
