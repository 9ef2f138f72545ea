using HostFactory.Providers.Testing;

namespace HostFactory.Configuration.Tests;

public sealed class HostFactoryConfigurationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Load_WhenTheFileIsNotJson_NamesTheFile()
    {
        var path = _directory.File("broken.json", "{ \"hostFactory\": ");

        var act = () => HostFactoryConfiguration.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void DescribeNotJson_WhenTheFileIsNotJson_NamesItAndWhereTheJsonBreaksOnOneLine()
    {
        var path = _directory.File("broken.json", "{\n  \"hostFactory\": {\n    \"storage\": [\n}\n");

        var thrown = FluentActions.Invoking(() => HostFactoryConfiguration.Load(path)).Should().Throw<InvalidDataException>().Which;

        var message = HostFactoryConfiguration.DescribeNotJson(thrown);
        message.Should().StartWith($"Failed to load configuration from file '{path}'.").And.Contain("LineNumber: 3");
        message.Should().NotContain("\n").And.NotContain("\r");
    }

    [Fact]
    public void Load_WhenTheFileIsMissing_NamesTheFile()
    {
        var path = Path.Combine(_directory.Path, "absent.json");

        var act = () => HostFactoryConfiguration.Load(path);

        act.Should().Throw<FileNotFoundException>().WithMessage($"*{path}*does not exist*");
    }
}
