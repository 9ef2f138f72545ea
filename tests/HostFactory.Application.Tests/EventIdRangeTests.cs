using System.Text.RegularExpressions;

namespace HostFactory.Application.Tests;

/// <summary>
/// Every <c>[LoggerMessage]</c> of every project under <c>src/</c> has an event id in its project's range, as the
/// table in docs/host-factory.md (Logs) lists them, and no two messages share an id. Read from the sources, so
/// projects this test does not reference (the plugins) are checked too.
/// </summary>
public sealed partial class EventIdRangeTests
{
    private static readonly string Root = ArchitectureTests.RepositoryRoot();

    [Fact]
    public void Ranges_WhenReadFromTheDocs_CoverEveryProjectThatLogsAndDoNotOverlap()
    {
        var ranges = DocumentedRanges();
        var logging = Messages().Select(m => m.Project).Distinct();

        ranges.Keys.Should().Contain(logging, "every project that logs has a range in docs/host-factory.md");
        var ordered = ranges.Values.OrderBy(r => r.First).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            ordered[i].First.Should().BeGreaterThan(ordered[i - 1].Last, "the documented ranges must not overlap");
        }
    }

    [Fact]
    public void LoggerMessages_WhenDeclared_HaveAnIdInTheirProjectsRange()
    {
        var ranges = DocumentedRanges();
        var messages = Messages();

        messages.Should().HaveCountGreaterThan(50);
        foreach (var message in messages)
        {
            message.Id.Should().NotBeNull($"{message.Where} declares a [LoggerMessage] without an EventId");
            var (first, last) = ranges[message.Project];
            message.Id!.Value.Should().BeInRange(first, last, $"{message.Where} belongs to {message.Project}");
        }
    }

    [Fact]
    public void LoggerMessages_WhenDeclared_NeverShareAnId()
    {
        var shared = Messages().Where(m => m.Id is not null).GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Where))}");

        shared.Should().BeEmpty();
    }

    private static Dictionary<string, (int First, int Last)> DocumentedRanges()
    {
        var ranges = File.ReadLines(Path.Combine(Root, "docs", "host-factory.md"))
            .Select(line => RangeRow().Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups[1].Value, match => (int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value)));
        ranges.Should().NotBeEmpty("docs/host-factory.md lists the event-id ranges");
        return ranges;
    }

    private static List<LogMessage> Messages()
    {
        var source = Path.Combine(Root, "src");
        var messages = new List<LogMessage>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var project = relative.Split(Path.DirectorySeparatorChar)[0];
            if (relative.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || relative.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (LoggerMessage().Match(lines[i]) is { Success: true } match)
                {
                    var id = EventId().Match(match.Value);
                    messages.Add(new LogMessage(project, id.Success ? int.Parse(id.Groups[1].Value) : null, $"src/{relative.Replace('\\', '/')}:{i + 1}"));
                }
            }
        }

        return messages;
    }

    private sealed record LogMessage(string Project, int? Id, string Where);

    [GeneratedRegex(@"^\| `(HostFactory(?:\.\w+)*)` \| (\d+)–(\d+) \|$")]
    private static partial Regex RangeRow();

    [GeneratedRegex(@"\[LoggerMessage\(.*")]
    private static partial Regex LoggerMessage();

    [GeneratedRegex(@"\bEventId = (\d+)")]
    private static partial Regex EventId();
}
