using System.Text;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Resident;
using HostFactory.Configuration;
using Microsoft.Extensions.Configuration;

namespace HostFactory.Cli.Tests;

/// <summary>The resident process's parts on their own: the bytes on the socket, the endpoint's key, the settings.</summary>
public sealed class ResidentPartsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hf-resident-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("resident serve", null)]
    [InlineData("resident serve --config /etc/hf/hostfactory.json", "/etc/hf/hostfactory.json")]
    public void ServeCommandLine_WhenItIsTheOneTheLauncherWrites_IsRecognisedWithItsConfiguration(string commandLine, string? configPath)
    {
        ResidentLauncher.IsServeCommandLine(commandLine.Split(' '), out var found).Should().BeTrue();
        found.Should().Be(configPath);
    }

    [Theory]
    [InlineData("resident")]
    [InlineData("resident status")]
    [InlineData("resident serve --config")]
    [InlineData("resident serve --format json")]
    [InlineData("resident serve --config a.json extra")]
    [InlineData("getRequestStatus serve")]
    public void ServeCommandLine_WhenItIsAnyOther_IsNotRecognised(string commandLine) =>
        ResidentLauncher.IsServeCommandLine(commandLine.Split(' '), out _).Should().BeFalse();

    [Fact]
    public async Task Frames_WhenACallIsEncoded_ReadBackTheSame()
    {
        var call = new ResidentCall("getRequestStatus", null, "'/tmp/in put.json'", Encoding.UTF8.GetBytes("{\"requests\": []}"));

        var read = (ResidentCall)await ResidentFrames.ReadRequestAsync(new MemoryStream(ResidentFrames.Encode(call)), CancellationToken.None);

        read.Verb.Should().Be(call.Verb);
        read.ConfigPath.Should().BeNull();
        read.Source.Should().Be(call.Source);
        read.Input.Should().Equal(call.Input);
    }

    [Fact]
    public void Frames_WhenAnAnswerIsEncoded_DecodeToTheSame()
    {
        var answer = new ResidentAnswer(3, Encoding.UTF8.GetBytes("{\"message\": \"no\"}\n"), Encoding.UTF8.GetBytes("hostfactory requestMachines: no\n"));

        var decoded = ResidentFrames.DecodeAnswer(ResidentFrames.Encode(answer));

        decoded.ExitCode.Should().Be(3);
        decoded.StandardOutput.Should().Equal(answer.StandardOutput);
        decoded.StandardError.Should().Equal(answer.StandardError);
    }

    [Fact]
    public void Frames_WhenAnAnswerIsCutShort_AreRefused()
    {
        var whole = ResidentFrames.Encode(new ResidentAnswer(0, new byte[100], []));

        var decode = () => ResidentFrames.DecodeAnswer(whole.AsSpan(0, 50));

        decode.Should().Throw<InvalidDataException>().WithMessage("*cut short*");
    }

    [Theory]
    [InlineData("XXXX")]
    [InlineData("HFR1\u00ff\u00ff\u00ff\u007f")]
    [InlineData("HFR1\u0004\u0000")]
    public async Task Frames_WhenTheBytesAreNotACall_AreRefused(string bytes)
    {
        var read = () => ResidentFrames.ReadRequestAsync(new MemoryStream(Encoding.Latin1.GetBytes(bytes)), CancellationToken.None);

        await read.Should().ThrowAsync<InvalidDataException>();
    }

    [Fact]
    public void Endpoint_WhenNothingChanged_IsTheSameAndLiesInTheWorkDirectory()
    {
        var paths = Paths();

        var first = ResidentEndpoint.For(paths, Environment(("HF_PROVIDER_LOGDIR", "/logs")))!;
        var second = ResidentEndpoint.For(paths, Environment(("HF_PROVIDER_LOGDIR", "/logs")))!;

        second.Should().Be(first);
        first.SocketPath.Should().StartWith(Path.Combine(paths.WorkDirectory, "resident") + "/").And.EndWith(".sock");
    }

    [Fact]
    public void Endpoint_BindPath_IsBesideTheSocketAsLongAndNotASocketName()
    {
        var endpoint = ResidentEndpoint.For(Paths(), Environment(("HF_PROVIDER_LOGDIR", "/logs")))!;

        Path.GetDirectoryName(endpoint.BindPath).Should().Be(endpoint.Directory, "a rename within one directory is atomic");
        endpoint.BindPath.Length.Should().Be(endpoint.SocketPath.Length, "it must fit sun_path whenever the socket path does");
        endpoint.BindPath.Should().NotEndWith(".sock", "a client or script looking for *.sock must not find it before it listens");
    }

    [Fact]
    public async Task Endpoint_WhenAFileOfTheConfigurationDirectoryChanges_IsAnother()
    {
        var paths = Paths();
        var before = ResidentEndpoint.For(paths, Environment(("HF_PROVIDER_LOGDIR", "/logs")))!;

        await File.WriteAllTextAsync(Path.Combine(paths.ConfigurationDirectory, "templates.json"), "{\"templates\": [ ]}");
        File.SetLastWriteTimeUtc(Path.Combine(paths.ConfigurationDirectory, "templates.json"), DateTime.UtcNow.AddMinutes(1));

        ResidentEndpoint.For(paths, Environment(("HF_PROVIDER_LOGDIR", "/logs")))!.SocketPath.Should().NotBe(before.SocketPath);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("off")]
    [InlineData("FALSE")]
    public void Endpoint_WhenSwitchedOff_IsNone(string value) =>
        ResidentEndpoint.For(Paths(), Environment(("HF_PROVIDER_LOGDIR", "/logs"), ("HOSTFACTORY_RESIDENT", value))).Should().BeNull();

    [Fact]
    public void Endpoint_WhenHostFactoryGaveNoLogDirectory_IsNone() =>
        ResidentEndpoint.For(Paths(), Environment()).Should().BeNull("a resident process has no stderr to log to");

    [Fact]
    public void Endpoint_WhenTheSocketPathWouldBeTooLong_IsNone() =>
        ResidentEndpoint.For(Paths(workDirectory: "/" + new string('w', 100)), Environment(("HF_PROVIDER_LOGDIR", "/logs"))).Should().BeNull();

    [Theory]
    [InlineData(null, null, true, 600)]
    [InlineData("false", "30", false, 30)]
    [InlineData("True", "86400", true, 86400)]
    public void Settings_WhenValid_AreRead(string? enabled, string? idleSeconds, bool expectedEnabled, int expectedSeconds)
    {
        var settings = ResidentSettings.Read(Configuration(enabled, idleSeconds), "conf.json");

        settings.Should().Be(new ResidentSettings(expectedEnabled, TimeSpan.FromSeconds(expectedSeconds)));
    }

    [Theory]
    [InlineData("yes", null, "hostFactory:resident:enabled must be true or false, was 'yes'")]
    [InlineData(null, "0", "hostFactory:resident:idleSeconds must be a whole number of seconds from 1 to 86400, was '0'")]
    [InlineData(null, "86401", "hostFactory:resident:idleSeconds*'86401'")]
    [InlineData(null, "1.5", "hostFactory:resident:idleSeconds*'1.5'")]
    public void Settings_WhenInvalid_FailNamingTheFileAndSetting(string? enabled, string? idleSeconds, string message)
    {
        var read = () => ResidentSettings.Read(Configuration(enabled, idleSeconds), "conf.json");

        read.Should().Throw<ConfigurationException>().WithMessage($"conf.json: {message}*");
    }

    private HostFactoryPaths Paths(string? workDirectory = null)
    {
        var configuration = Path.Combine(_root, "conf");
        Directory.CreateDirectory(configuration);
        File.WriteAllText(Path.Combine(configuration, "hostfactory.json"), "{}");
        return new HostFactoryPaths(configuration, Path.Combine(configuration, "hostfactory.json"), Path.Combine(configuration, "templates.json"),
            workDirectory ?? Path.Combine(_root, "work"), Path.Combine(_root, "logs"), "test");
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static IConfiguration Configuration(string? enabled, string? idleSeconds)
    {
        var values = new Dictionary<string, string?>();
        if (enabled is not null)
        {
            values["hostFactory:resident:enabled"] = enabled;
        }

        if (idleSeconds is not null)
        {
            values["hostFactory:resident:idleSeconds"] = idleSeconds;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    [Fact]
    public void StartupLitter_WhenTheLogDirectoryWasCreatedAndHoldsOnlyAnEmptyLog_RemovesEverythingCreated()
    {
        var logs = Path.Combine(_root, "gone", "logs");
        var litter = StartupLitter.Before(logs);
        Directory.CreateDirectory(logs);
        File.WriteAllBytes(Path.Combine(logs, "hostfactory.log"), []);

        litter.TakeBack().Should().BeTrue();

        Directory.Exists(Path.Combine(_root, "gone")).Should().BeFalse("the outermost directory created is removed too");
        Directory.Exists(_root).Should().BeTrue("what existed before is left");
    }

    [Fact]
    public void StartupLitter_WhenTheLogHasRecords_LeavesIt()
    {
        var logs = Path.Combine(_root, "kept", "logs");
        var litter = StartupLitter.Before(logs);
        Directory.CreateDirectory(logs);
        File.WriteAllText(Path.Combine(logs, "hostfactory.log"), "a record\n");

        litter.TakeBack().Should().BeFalse();

        File.Exists(Path.Combine(logs, "hostfactory.log")).Should().BeTrue();
    }

    [Fact]
    public void StartupLitter_WhenTheLogDirectoryExistedBefore_LeavesIt()
    {
        var logs = Directory.CreateDirectory(Path.Combine(_root, "existing")).FullName;
        var litter = StartupLitter.Before(logs);
        File.WriteAllBytes(Path.Combine(logs, "hostfactory.log"), []);

        litter.TakeBack().Should().BeFalse();

        Directory.Exists(logs).Should().BeTrue();
    }

    [Fact]
    public void SingleDirectory_WhenTheParentExists_CreatesTheDirectoryOnceAndAcceptsItExisting()
    {
        var path = Path.Combine(_root, "resident");

        SingleDirectory.TryCreate(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).Should().BeTrue();
        SingleDirectory.TryCreate(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).Should().BeTrue();

        Directory.Exists(path).Should().BeTrue();
        (File.GetUnixFileMode(path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)).Should().Be(UnixFileMode.None);
    }

    [Fact]
    public void SingleDirectory_WhenTheParentIsGone_CreatesNothing()
    {
        var work = Path.Combine(_root, "deleted-work");

        SingleDirectory.TryCreate(Path.Combine(work, "resident"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).Should().BeFalse();

        Directory.Exists(work).Should().BeFalse("the work directory is not brought back");
    }

    [Fact]
    public void SingleDirectory_WhenAFileIsInTheWay_ThrowsNamingThePath()
    {
        var path = Path.Combine(_root, "resident");
        File.WriteAllText(path, "not a directory");

        var act = () => SingleDirectory.TryCreate(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        act.Should().Throw<IOException>().WithMessage($"*'{path}'*in the way*");
    }
}
