using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Storage.Json.Tests;

public sealed class JsonMachineStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly StorageFixture _storage;
    private readonly FakeTimeProvider _clock = TestData.Clock();
    private readonly RequestId _requestId = RequestId.NewAcquire();

    public JsonMachineStoreTests() => _storage = new StorageFixture(_directory.Combine("data"));

    public void Dispose()
    {
        _storage.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task SaveAsync_WhenNew_RoundTripsEveryField()
    {
        var machine = TestData.NewMachine(_clock, _requestId);
        machine.MarkRunning(null, null, null, _clock);
        machine.BeginReturn(RequestId.NewReturn(), _clock);

        await _storage.Machines.SaveAsync(machine, default);

        machine.Version.Should().Be(1);
        (await _storage.Machines.FindAsync(machine.Id, default))!.ToSnapshot().Should().BeEquivalentTo(machine.ToSnapshot());
        (await _storage.MachineReader.GetAsync(machine.Id, default)).Should().BeEquivalentTo(machine.ToSnapshot());
    }

    [Fact]
    public async Task SaveAsync_WhenHostFactoryIsToldTheProviderId_KeepsThatAndWritesNothingForOurId()
    {
        var ours = TestData.NewMachine(_clock, _requestId);
        var theirs = Machine.Provision(MachineId.New(), _requestId, TestData.TemplateId, "aws",
            new ProvisionedMachine("i-0abc", "ip-10-0-0-5.internal", "10.0.0.5", null, _clock.GetUtcNow(), MachineStatus.Pending, new Dictionary<string, string>()),
            _clock, ReportedMachineId.ProviderId);

        await _storage.Machines.SaveAsync(ours, default);
        await _storage.Machines.SaveAsync(theirs, default);

        (await _storage.MachineReader.GetAsync(theirs.Id, default))!.ProtocolMachineId.Should().Be("i-0abc");
        (await _storage.MachineReader.GetAsync(ours.Id, default))!.ReportedMachineId.Should().Be(ReportedMachineId.OurId);
        (await File.ReadAllTextAsync(_storage.PathOf("machines", $"{theirs.Id}.json"))).Should().Contain("\"reportedMachineId\": \"provider\"");
        (await File.ReadAllTextAsync(_storage.PathOf("machines", $"{ours.Id}.json"))).Should().NotContain("reportedMachineId", "documents written before the field existed read as our id");
    }

    [Fact]
    public async Task SaveAsync_WhenStatusIsShuttingDown_WritesTheDomainsWord()
    {
        var machine = TestData.NewMachine(_clock, _requestId);
        machine.ApplyProviderStatus(MachineStatus.ShuttingDown, "going", _clock);

        await _storage.Machines.SaveAsync(machine, default);

        (await File.ReadAllTextAsync(_storage.PathOf("machines", $"{machine.Id}.json"))).Should().Contain("\"status\": \"shutting-down\"");
    }

    [Fact]
    public async Task FindByHostNameAsync_FollowsHostNameChangesThroughTheIndex()
    {
        var machine = TestData.NewMachine(_clock, _requestId, hostName: string.Empty);
        await _storage.Machines.SaveAsync(machine, default);
        (await _storage.Machines.FindByHostNameAsync(string.Empty, default)).Should().BeEmpty();

        machine.MarkRunning("host-b.example", null, null, _clock);
        await _storage.Machines.SaveAsync(machine, default);
        (await _storage.Machines.FindByHostNameAsync("host-b.example", default)).Select(m => m.Id).Should().Equal(machine.Id);
        File.Exists(_storage.PathOf("indexes", "machines-by-host", "host-b.example", machine.Id.Value)).Should().BeTrue();

        machine.MarkRunning("host-c.example", null, null, _clock);
        await _storage.Machines.SaveAsync(machine, default);
        (await _storage.MachineReader.FindByHostNameAsync("host-b.example", default)).Should().BeEmpty();
        (await _storage.MachineReader.FindByHostNameAsync("host-c.example", default)).Select(m => m.Id).Should().Equal(machine.Id);
        File.Exists(_storage.PathOf("indexes", "machines-by-host", "host-b.example", machine.Id.Value)).Should().BeFalse();
    }

    [Fact]
    public async Task FindByHostNameAsync_WhenTheNameIsReused_ReturnsEveryMachineInCreationOrder()
    {
        var first = TestData.NewMachine(_clock, _requestId);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var second = TestData.NewMachine(_clock, RequestId.NewAcquire());
        await _storage.Machines.SaveAsync(second, default);
        await _storage.Machines.SaveAsync(first, default);

        (await _storage.Machines.FindByHostNameAsync("host-a.example", default)).Select(m => m.Id).Should().Equal(first.Id, second.Id);
    }

    [Theory]
    [InlineData("Host-A.Example", "host-a.example")]
    [InlineData("host-a.example", "HOST-A.EXAMPLE")]
    [InlineData("ÉTÉ.example", "été.EXAMPLE")]
    public async Task FindByHostNameAsync_WhenAskedInAnotherCase_FindsTheMachineThroughOneIndexEntry(string recorded, string asked)
    {
        var machine = TestData.NewMachine(_clock, _requestId, recorded);
        await _storage.Machines.SaveAsync(machine, default);

        (await _storage.Machines.FindByHostNameAsync(asked, default)).Select(m => m.Id).Should().Equal(machine.Id);
        (await _storage.MachineReader.FindByHostNameAsync(asked, default)).Select(m => m.Id).Should().Equal(machine.Id);
        Directory.GetDirectories(_storage.PathOf("indexes", "machines-by-host")).Select(Path.GetFileName)
            .Should().ContainSingle().Which.Should().Be(FileNames.HostKey(asked), "every spelling of a host name has one index key");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t ")]
    public async Task FindByHostNameAsync_WhenTheNameIsBlank_NeverMatchesAndIsNotIndexed(string blank)
    {
        await _storage.Machines.SaveAsync(TestData.NewMachine(_clock, _requestId, blank), default);
        await _storage.Machines.SaveAsync(TestData.NewMachine(_clock, _requestId, " "), default);

        (await _storage.Machines.FindByHostNameAsync(blank, default)).Should().BeEmpty();
        (await _storage.MachineReader.FindByHostNameAsync(" ", default)).Should().BeEmpty();
        Directory.GetDirectories(_storage.PathOf("indexes", "machines-by-host")).Should().BeEmpty();
        (await _storage.Maintenance.VerifyAsync(default)).IsHealthy.Should().BeTrue();
    }

    [Fact]
    public async Task FindByHostNameAsync_WhenTheEntryWasWrittenUnderTheRecordedSpelling_FindsItByThatSpellingAndRepairMovesIt()
    {
        // What a store written before host names matched ignoring case holds: the entry under the name as recorded.
        var machine = TestData.NewMachine(_clock, _requestId, "Host-A.Example");
        await _storage.Machines.SaveAsync(machine, default);
        var byHost = _storage.PathOf("indexes", "machines-by-host");
        Directory.Move(Path.Join(byHost, "host-a.example"), Path.Join(byHost, "Host-A.Example"));

        (await _storage.Machines.FindByHostNameAsync("Host-A.Example", default)).Select(m => m.Id).Should().Equal(machine.Id);
        (await _storage.Machines.FindByHostNameAsync("host-a.example", default)).Should().BeEmpty("only the recorded spelling reaches an old entry");

        await _storage.Maintenance.RepairAsync(default);

        (await _storage.Machines.FindByHostNameAsync("host-a.example", default)).Select(m => m.Id).Should().Equal(machine.Id);
        File.Exists(Path.Join(byHost, "Host-A.Example", machine.Id.Value)).Should().BeFalse();
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    [InlineData("/absolute/host")]
    [InlineData("back\\slash")]
    [InlineData("tab\there")]
    [InlineData(".hidden")]
    [InlineData("ünïcode.example")]
    public async Task FindByHostNameAsync_WhenTheHostNameLooksLikeAPath_KeepsTheEntryInsideTheIndexAndFindsIt(string hostName)
    {
        var machine = TestData.NewMachine(_clock, _requestId, hostName);

        await _storage.Machines.SaveAsync(machine, default);

        (await _storage.Machines.FindByHostNameAsync(hostName, default)).Select(m => m.Id).Should().Equal(machine.Id);
        var byHost = _storage.PathOf("indexes", "machines-by-host");
        var keys = Directory.GetDirectories(byHost).Select(Path.GetFileName).ToArray();
        keys.Should().ContainSingle().Which.Should().NotContainAny("/", "\\", "\t").And.NotStartWith(".");
        File.Exists(Path.Join(byHost, keys[0], machine.Id.Value)).Should().BeTrue();
    }

    [Fact]
    public async Task FindByHostNameAsync_WhenTheHostNameIsVeryLong_UsesAHashedKey()
    {
        var hostName = new string('h', 240) + ".example";
        var machine = TestData.NewMachine(_clock, _requestId, hostName);

        await _storage.Machines.SaveAsync(machine, default);

        (await _storage.Machines.FindByHostNameAsync(hostName, default)).Should().ContainSingle();
        Directory.GetDirectories(_storage.PathOf("indexes", "machines-by-host")).Select(Path.GetFileName).Should().ContainSingle().Which.Should().StartWith("~").And.HaveLength(65);
    }

    [Fact]
    public async Task ListByRequestAsync_FindsMachinesOfAnAcquireAndOfAReturnRequest()
    {
        var first = TestData.NewMachine(_clock, _requestId);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var second = TestData.NewMachine(_clock, _requestId);
        var unrelated = TestData.NewMachine(_clock, RequestId.NewAcquire());
        await _storage.Machines.SaveManyAsync([second, first, unrelated], default);

        var returnId = RequestId.NewReturn();
        second.BeginReturn(returnId, _clock);
        await _storage.Machines.SaveAsync(second, default);

        (await _storage.Machines.ListByRequestAsync(_requestId, default)).Select(m => m.Id).Should().Equal(first.Id, second.Id);
        (await _storage.MachineReader.ListByRequestAsync(returnId, default)).Select(m => m.Id).Should().Equal(second.Id);
        (await _storage.MachineReader.ListByRequestAsync(RequestId.NewAcquire(), default)).Should().BeEmpty();
    }

    [Fact]
    public async Task CountActiveByTemplateAsync_CountsOnlyMachinesNeitherTerminatedNorFailed()
    {
        var other = new TemplateId("Other");
        var machines = Enumerable.Range(0, 4).Select(_ => TestData.NewMachine(_clock, _requestId)).Append(TestData.NewMachine(_clock, _requestId, templateId: other)).ToArray();
        await _storage.Machines.SaveManyAsync(machines, default);
        (await _storage.Machines.CountActiveByTemplateAsync(TestData.TemplateId, default)).Should().Be(4);

        machines[0].MarkTerminated(_clock);
        machines[1].MarkFailed("boot failed", _clock);
        await _storage.Machines.SaveManyAsync(machines[..2], default);

        (await _storage.Machines.CountActiveByTemplateAsync(TestData.TemplateId, default)).Should().Be(2);
        (await _storage.MachineReader.CountActiveByTemplateAsync(other, default)).Should().Be(1);
        File.Exists(_storage.PathOf("indexes", "active-machines-by-template", TestData.TemplateId.Value, machines[0].Id.Value)).Should().BeFalse();
    }

    [Fact]
    public async Task SaveAsync_WhenStale_ThrowsConcurrencyException()
    {
        var machine = TestData.NewMachine(_clock, _requestId);
        await _storage.Machines.SaveAsync(machine, default);
        var copy = (await _storage.Machines.FindAsync(machine.Id, default))!;
        machine.MarkRunning(null, null, null, _clock);
        await _storage.Machines.SaveAsync(machine, default);

        copy.MarkFailed("late news", _clock);
        var act = () => _storage.Machines.SaveAsync(copy, default);

        (await act.Should().ThrowAsync<ConcurrencyException>()).Which.Should().BeEquivalentTo(new { Entity = "Machine", ExpectedVersion = 1L, ActualVersion = 2L });
    }

    [Fact]
    public async Task SaveAsync_WhenInsertedTwice_ThrowsConcurrencyException()
    {
        var machine = TestData.NewMachine(_clock, _requestId);
        var twin = Machine.FromSnapshot(machine.ToSnapshot());
        await _storage.Machines.SaveAsync(machine, default);

        var act = () => _storage.Machines.SaveAsync(twin, default);

        await act.Should().ThrowAsync<ConcurrencyException>();
    }

    [Fact]
    public async Task SaveManyAsync_WhenAllAreCurrent_SavesAndMarksEveryMachine()
    {
        var machines = Enumerable.Range(0, 3).Select(_ => TestData.NewMachine(_clock, _requestId)).ToArray();
        await _storage.Machines.SaveManyAsync(machines, default);

        machines.ToList().ForEach(m => m.MarkRunning(null, null, null, _clock));
        await _storage.Machines.SaveManyAsync(machines, default);

        machines.Select(m => m.Version).Should().AllBeEquivalentTo(2L);
        foreach (var machine in machines)
        {
            (await _storage.MachineReader.GetAsync(machine.Id, default))!.Status.Should().Be(MachineStatus.Running);
        }

        Directory.GetFiles(_storage.PathOf("journal")).Should().BeEmpty("a finished batch leaves no journal record");
    }

    [Fact]
    public async Task SaveManyAsync_WhenOneIsStale_WritesNoneAndMarksNone()
    {
        var machines = Enumerable.Range(0, 3).Select(_ => TestData.NewMachine(_clock, _requestId)).ToArray();
        await _storage.Machines.SaveManyAsync(machines, default);
        var someoneElse = (await _storage.Machines.FindAsync(machines[2].Id, default))!;
        someoneElse.MarkFailed("changed elsewhere", _clock);
        await _storage.Machines.SaveAsync(someoneElse, default);

        machines.ToList().ForEach(m => m.MarkTerminated(_clock));
        var act = () => _storage.Machines.SaveManyAsync(machines, default);

        (await act.Should().ThrowAsync<ConcurrencyException>()).Which.Id.Should().Be(machines[2].Id.Value);
        machines.Select(m => m.Version).Should().AllBeEquivalentTo(1L);
        (await _storage.MachineReader.GetAsync(machines[0].Id, default))!.Status.Should().Be(MachineStatus.Pending);
        (await _storage.MachineReader.GetAsync(machines[1].Id, default))!.Version.Should().Be(1);
        (await _storage.Machines.CountActiveByTemplateAsync(TestData.TemplateId, default)).Should().Be(2);
    }

    [Fact]
    public async Task SaveManyAsync_WhenAMachineIsListedTwice_ThrowsArgumentException()
    {
        var machine = TestData.NewMachine(_clock, _requestId);

        var act = () => _storage.Machines.SaveManyAsync([machine, machine], default);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*more than once*");
        (await _storage.Machines.FindAsync(machine.Id, default)).Should().BeNull();
    }

    [Fact]
    public async Task ListAsync_FiltersByRequestStatusAndTemplateAndPages()
    {
        var other = new TemplateId("Other");
        var machines = new List<Machine>();
        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            machines.Add(TestData.NewMachine(_clock, i < 4 ? _requestId : RequestId.NewAcquire(), templateId: i == 5 ? other : null));
        }

        machines[1].MarkRunning(null, null, null, _clock);
        machines[2].MarkRunning(null, null, null, _clock);
        machines[4].MarkRunning(null, null, null, _clock);
        await _storage.Machines.SaveManyAsync(machines, default);

        var page = await _storage.MachineReader.ListAsync(new MachineFilter(_requestId, null, null, Offset: 1, Limit: 2), default);
        page.Total.Should().Be(4);
        page.Items.Select(m => m.Id).Should().Equal(machines[1].Id, machines[2].Id);

        (await _storage.MachineReader.ListAsync(new MachineFilter(null, MachineStatus.Running, TestData.TemplateId), default)).Items.Select(m => m.Id)
            .Should().Equal(machines[1].Id, machines[2].Id, machines[4].Id);
        (await _storage.MachineReader.ListAsync(new MachineFilter(null, null, other), default)).Items.Select(m => m.Id).Should().Equal(machines[5].Id);
        (await _storage.MachineReader.ListAsync(new MachineFilter(null, MachineStatus.Pending, null), default)).Total.Should().Be(3);
    }
}
