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
    public void Load_WhenTheFileIsMissing_NamesTheFile()
    {
        var path = Path.Combine(_directory.Path, "absent.json");

        var act = () => HostFactoryConfiguration.Load(path);

        act.Should().Throw<FileNotFoundException>().WithMessage($"*{path}*does not exist*");
    }
}
