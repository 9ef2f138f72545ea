using System.Text.RegularExpressions;
using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Domain.Requests;
using HostFactory.Testing;

namespace HostFactory.Application.Tests;

/// <summary>The examples of docs/testing.md. The guide quotes the two tests between the markers word for word; the last test checks it still does.</summary>
public sealed partial class TestingGuideTests
{
    // guide:begin
    [Fact]
    public async Task RequestMachines_WhenAMachineNeverComesUp_TimesOutAndReleasesIt()
    {
        await using var host = HostFactoryTestHost.Create();
        await host.ExecuteAsync(new CreateTemplate(TestTemplates.Definition(requestTimeout: TimeSpan.FromMinutes(10))));
        host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.Hangs));

        var request = await host.ExecuteAsync(new RequestMachines(TestTemplates.DefaultId, 2));
        await host.ExecuteAsync(new SyncRequests());
        host.Clock.Advance(TimeSpan.FromMinutes(11));
        await host.ExecuteAsync(new SyncRequests());
        var status = (await host.QueryAsync(new GetRequestStatus([request.RequestId.Value]))).Single();

        status.Status.Should().Be(HostFactoryWords.CompleteWithError);
        status.Machines.Select(m => m.Result).Should().Equal(HostFactoryWords.Succeed, HostFactoryWords.Fail);
        host.Provider.ReleasedMachines.Should().ContainSingle("the machine that never came up is released, not leaked");
        host.DomainEvents<RequestCompleted>().Should().ContainSingle().Which.Status.Should().Be(RequestStatus.TimedOut);
    }

    [Fact]
    public async Task UpdateTemplate_WhenAnotherProcessSavesFirst_ReRunsAndSucceeds()
    {
        await using var host = HostFactoryTestHost.Create();
        await host.CreateTemplateAsync();
        host.Templates.InjectConflicts(2);

        var saved = await host.ExecuteAsync(new UpdateTemplate(TestTemplates.Definition(maxNumber: 4)));

        saved.MaxNumber.Should().Be(4);
        host.Templates.PendingConflicts.Should().Be(0);
    }
    // guide:end

    [Fact]
    public void Guide_WhenRead_QuotesTheExamplesAboveWordForWord()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Directory.Build.props")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("No repository root found.");
        }

        var source = File.ReadAllText(Path.Combine(root, "tests", "HostFactory.Application.Tests", "TestingGuideTests.cs"));
        var guide = File.ReadAllText(Path.Combine(root, "docs", "testing.md"));
        var examples = Between().Match(source).Groups[1].Value;

        Dedent(examples).Should().NotBeEmpty();
        guide.Should().Contain(Dedent(examples), "docs/testing.md must show the tests as they are");
    }

    private static string Dedent(string text) =>
        string.Join('\n', text.Trim('\n').Split('\n').Select(line => line.StartsWith("    ", StringComparison.Ordinal) ? line[4..] : line)).TrimEnd();

    [GeneratedRegex(@"// guide:begin\n(.*?)    // guide:end", RegexOptions.Singleline)]
    private static partial Regex Between();
}
