using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;

namespace HostFactory.Storage.Postgres.Tests.Contract;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task TemplateSave_WhenNew_StoresEveryFieldAtVersionOne()
    {
        var host = await HostAsync();
        var template = NewTemplate("tpl-a");

        await host.Templates.SaveAsync(template, default);

        template.Version.Should().Be(1);
        var read = await host.TemplateReader.GetAsync(template.Id, default);
        read.Should().Be(template.ToSnapshot());
        (await host.Templates.FindAsync(template.Id, default))!.ToSnapshot().Should().Be(template.ToSnapshot());
        (await host.Templates.FindAsync(new TemplateId("tpl-none"), default)).Should().BeNull();
    }

    [StoreFact]
    public async Task TemplateSave_WhenUpdatedAtTheLoadedVersion_MovesTheVersionOn()
    {
        var host = await HostAsync();
        await host.Templates.SaveAsync(NewTemplate("tpl-a"), default);
        var loaded = (await host.Templates.FindAsync(new TemplateId("tpl-a"), default))!;
        Tick();

        loaded.Disable(Clock);
        await host.Templates.SaveAsync(loaded, default);

        loaded.Version.Should().Be(2);
        (await host.TemplateReader.GetAsync(loaded.Id, default)).Should().Be(loaded.ToSnapshot());
    }

    [StoreFact]
    public async Task TemplateSave_WhenAnotherHostSavedSince_ThrowsConcurrencyAndKeepsTheirs()
    {
        var (one, two) = (await HostAsync(), await HostAsync());
        await one.Templates.SaveAsync(NewTemplate("tpl-a"), default);
        var mine = (await one.Templates.FindAsync(new TemplateId("tpl-a"), default))!;
        var theirs = (await two.Templates.FindAsync(new TemplateId("tpl-a"), default))!;
        theirs.Disable(Clock);
        await two.Templates.SaveAsync(theirs, default);

        mine.Update("fake", 3, mine.Attributes, mine.ProviderSettings, null, Clock);
        var save = () => one.Templates.SaveAsync(mine, default);

        (await save.Should().ThrowAsync<ConcurrencyException>()).Which.Should().Match<ConcurrencyException>(e => e.ExpectedVersion == 1 && e.ActualVersion == 2);
        mine.Version.Should().Be(1);
        (await one.TemplateReader.GetAsync(mine.Id, default))!.Enabled.Should().BeFalse();
    }

    [StoreFact]
    public async Task TemplateSave_WhenInsertingAnIdThatExists_ThrowsConcurrency()
    {
        var host = await HostAsync();
        await host.Templates.SaveAsync(NewTemplate("tpl-a"), default);

        var again = () => host.Templates.SaveAsync(NewTemplate("tpl-a"), default);

        (await again.Should().ThrowAsync<ConcurrencyException>()).Which.ExpectedVersion.Should().Be(0);
    }

    [StoreFact]
    public async Task TemplateDelete_WhenCurrent_RemovesItAndAStaleHolderCannotSaveIt()
    {
        var (one, two) = (await HostAsync(), await HostAsync());
        await one.Templates.SaveAsync(NewTemplate("tpl-a"), default);
        await one.Templates.SaveAsync(NewTemplate("tpl-b"), default);
        var stale = (await two.Templates.FindAsync(new TemplateId("tpl-a"), default))!;
        var doomed = (await one.Templates.FindAsync(new TemplateId("tpl-a"), default))!;

        doomed.MarkDeleted(Clock);
        await one.Templates.DeleteAsync(doomed, default);

        (await two.Templates.FindAsync(doomed.Id, default)).Should().BeNull();
        (await two.TemplateReader.GetAsync(doomed.Id, default)).Should().BeNull();
        (await two.TemplateReader.ListAsync(default)).Select(t => t.Id.Value).Should().Equal("tpl-b");
        stale.Disable(Clock);
        var save = () => two.Templates.SaveAsync(stale, default);
        await save.Should().ThrowAsync<ConcurrencyException>();
        var deleteAgain = () => two.Templates.DeleteAsync(stale, default);
        await deleteAgain.Should().ThrowAsync<ConcurrencyException>();
    }

    [StoreFact]
    public async Task TemplateDelete_WhenStale_ThrowsConcurrencyAndKeepsIt()
    {
        var host = await HostAsync();
        await host.Templates.SaveAsync(NewTemplate("tpl-a"), default);
        var stale = (await host.Templates.FindAsync(new TemplateId("tpl-a"), default))!;
        var current = (await host.Templates.FindAsync(new TemplateId("tpl-a"), default))!;
        current.Disable(Clock);
        await host.Templates.SaveAsync(current, default);

        var delete = () => host.Templates.DeleteAsync(stale, default);

        await delete.Should().ThrowAsync<ConcurrencyException>();
        (await host.TemplateReader.GetAsync(stale.Id, default)).Should().NotBeNull();
    }

    [StoreFact]
    public async Task TemplateSave_WhenReCreatedAfterDelete_StoresTheNewOne()
    {
        var host = await HostAsync();
        var first = NewTemplate("tpl-a");
        await host.Templates.SaveAsync(first, default);
        first.MarkDeleted(Clock);
        await host.Templates.DeleteAsync(first, default);
        Tick();

        var second = NewTemplate("tpl-a", maxNumber: 4);
        await host.Templates.SaveAsync(second, default);

        second.Version.Should().BeGreaterThan(0);
        (await host.TemplateReader.GetAsync(second.Id, default)).Should().Be(second.ToSnapshot());
    }

    [StoreFact]
    public async Task TemplateList_ReturnsEveryTemplateByCreationThenId()
    {
        var host = await HostAsync();
        await host.Templates.SaveAsync(NewTemplate("tpl-c"), default);
        Tick();
        await host.Templates.SaveAsync(NewTemplate("tpl-b"), default);
        await host.Templates.SaveAsync(NewTemplate("tpl-a"), default);

        var listed = await host.TemplateReader.ListAsync(default);

        listed.Select(t => t.Id.Value).Should().Equal("tpl-c", "tpl-a", "tpl-b");
    }
}
