using System.Diagnostics;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Options;

namespace HostFactory.Storage.Json.Tests;

/// <summary>The data directory itself: created when missing, refused with a clear error when unusable; ids kept inside it.</summary>
public sealed class StorageDirectoryTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = TestData.Clock();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task FirstUse_WhenTheDirectoryIsMissing_CreatesItWithItsLayout()
    {
        var data = _directory.Combine("not", "there", "yet");
        using var storage = new StorageFixture(data);

        await storage.Requests.SaveAsync(TestData.NewAcquire(_clock), default);

        Directory.Exists(data).Should().BeTrue();
        File.ReadAllText(Path.Join(data, "storage.json")).Should().Contain("\"layout\": \"hostfactory-json-files\"").And.Contain("\"schemaVersion\": 1");
        foreach (var sub in new[] { "templates", "requests", "machines", "journal", "locks", "indexes/machines-by-host", "indexes/machines-by-request", "indexes/active-machines-by-template", "indexes/unfinished-requests" })
        {
            Directory.Exists(Path.Join(data, sub)).Should().BeTrue(sub);
        }
    }

    [Fact]
    public async Task FirstUse_WhenAFileTookTheDirectorysPlaceAfterStart_ThrowsStorageUnavailableExceptionNamingIt()
    {
        // A file there at start is refused by the options check (JsonFileStorageRegistrationTests); this is one put
        // there afterwards, which only the first use can see.
        var data = _directory.Combine("data");
        using var storage = new StorageFixture(data);
        var requests = storage.Requests;
        await File.WriteAllTextAsync(data, "not a directory");

        var act = () => requests.FindAsync(RequestId.NewAcquire(), default);

        var thrown = (await act.Should().ThrowAsync<StorageUnavailableException>()).Which;
        thrown.Directory.Should().Be(data);
        thrown.Message.Should().Contain(data).And.Contain("not a directory");
    }

    [Fact]
    public async Task FirstUse_WhenAFileStandsWhereASubDirectoryShouldBe_ThrowsStorageUnavailableException()
    {
        var data = _directory.Combine("data");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Join(data, "requests"), "in the way");
        using var storage = new StorageFixture(data);

        var act = () => storage.Requests.FindAsync(RequestId.NewAcquire(), default);

        (await act.Should().ThrowAsync<StorageUnavailableException>()).Which.Message.Should().Contain(data);
    }

    /// <summary>
    /// Tests run as root here, and root ignores permission bits, so chmod alone cannot make a directory read-only for
    /// us. As a normal user the test does chmod; as root it bind-mounts the directory read-only (a real read-only
    /// file system, EROFS); where mounting is not allowed either, it uses /sys/kernel, a directory in which even root
    /// cannot create anything.
    /// </summary>
    [Fact]
    public async Task Start_WhenTheDirectoryIsReadOnly_IsRefusedAsConfigurationNamingTheDirectory()
    {
        var data = _directory.Combine("data");
        using (var writable = new StorageFixture(data))
        {
            await writable.Requests.SaveAsync(TestData.NewAcquire(_clock), default);
        }

        using var readOnly = ReadOnlyView(data);
        using var storage = new StorageFixture(readOnly.Path);

        var act = () => storage.Requests;

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should()
            .Equal($"The JSON store's data directory '{readOnly.Path}' cannot be used: this user may not write in it.");
    }

    [Fact]
    public async Task Probe_WhenFileLockingIsDisabledForTheProcess_RefusesToRunRatherThanLoseUpdates()
    {
        var data = _directory.Combine("data");
        using var worker = TestWorker.Start(new Dictionary<string, string?> { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" }, "probe", data);

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(1, worker.Errors);
        worker.Lines.Should().ContainSingle().Which.Should().Contain("StorageUnavailableException").And.Contain("file locks do not work");
    }

    [Fact]
    public async Task Probe_WhenFileLockingWorks_Succeeds()
    {
        using var worker = TestWorker.Start(null, "probe", _directory.Combine("data"));

        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, worker.Errors);
        worker.Lines.Should().Equal("OK");
    }

    /// <summary>
    /// Two stores of one data directory inside one process (a host with two containers, or the server's tests) start
    /// together. Each must use temp and probe files of its own: with names made of the process id alone, one store's
    /// lock probe found the other's probe locked ("file locks do not work here") or its storage.json temp file taken.
    /// A collision needs both in the same few microseconds, so the test starts them together on a barrier, many times.
    /// </summary>
    [Fact]
    public async Task FirstUse_WhenSeveralStoresOfOneProcessStartAtOnce_EachSucceeds()
    {
        const int Rounds = 40;
        const int Stores = 4;
        for (var round = 0; round < Rounds; round++)
        {
            var data = _directory.Combine($"data-{round}");
            var fixtures = Enumerable.Range(0, Stores).Select(_ => new StorageFixture(data)).ToArray();
            try
            {
                using var start = new Barrier(Stores);
                var starts = fixtures.Select(fixture => Task.Factory.StartNew(
                    () =>
                    {
                        start.SignalAndWait(TimeSpan.FromSeconds(30));
                        fixture.Engine.EnsureInitialized();
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default));

                await FluentActions.Awaiting(() => Task.WhenAll(starts)).Should().NotThrowAsync($"round {round}: every store starts");
            }
            finally
            {
                foreach (var fixture in fixtures)
                {
                    fixture.Dispose();
                }
            }

            Directory.GetFiles(data, "*.tmp", SearchOption.AllDirectories).Should().BeEmpty($"round {round}: no temp file is left");
            Directory.GetFiles(Path.Join(data, "locks"), "probe-*").Should().BeEmpty($"round {round}: every probe is removed");
        }
    }

    [Fact]
    public async Task SaveAsync_WhenAnotherHolderKeepsTheLock_ThrowsStorageLockTimeoutExceptionNamingTheLockFile()
    {
        var data = _directory.Combine("data");
        using var storage = new StorageFixture(data, lockTimeout: TimeSpan.FromMilliseconds(300));
        var request = TestData.NewAcquire(_clock);
        await storage.Requests.SaveAsync(request, default);
        var lockPath = storage.Engine.Locks.PathOf(StripeLocks.StripeOf("request", request.Id.Value));

        // An open with FileShare.None is a separate flock holder even within this process.
        using (File.OpenHandle(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            request.RecordSync(_clock);
            var watch = Stopwatch.StartNew();
            var act = () => storage.Requests.SaveAsync(request, default);

            var thrown = (await act.Should().ThrowAsync<StorageLockTimeoutException>()).Which;
            watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250));
            thrown.LockPath.Should().Be(lockPath);
            thrown.Message.Should().Contain(lockPath).And.Contain(request.Id.Value);
        }

        await storage.Requests.SaveAsync(request, default);
        request.Version.Should().Be(2, "the lock is free again once its holder closes it");
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("nul\0byte")]
    [InlineData("new\nline")]
    [InlineData("dotted.name")]
    public void CheckId_WhenTheIdCouldEscapeOrHideInTheDirectory_ThrowsInvalidIdentifierExceptionWithTheRule(string? id)
    {
        var act = () => FileNames.CheckId("request id", id);

        act.Should().Throw<InvalidIdentifierException>().Which.Message.Should().Contain("no path separators, dots or control characters");
    }

    [Fact]
    public void CheckId_WhenLongerThan128_Throws()
    {
        FileNames.CheckId("template id", new string('a', 128)).Should().HaveLength(128);
        var act = () => FileNames.CheckId("template id", new string('a', 129));
        act.Should().Throw<InvalidIdentifierException>();
    }

    [Fact]
    public async Task Stores_WhenGivenADefaultId_ThrowInvalidIdentifierExceptionBeforeTouchingTheDisk()
    {
        using var storage = new StorageFixture(_directory.Combine("data"));

        await FluentActions.Awaiting(() => storage.Requests.FindAsync(default, default)).Should().ThrowAsync<InvalidIdentifierException>();
        await FluentActions.Awaiting(() => storage.MachineReader.GetAsync(default, default)).Should().ThrowAsync<InvalidIdentifierException>();
        await FluentActions.Awaiting(() => storage.TemplateReader.GetAsync(default, default)).Should().ThrowAsync<InvalidIdentifierException>();
        await FluentActions.Awaiting(() => storage.MachineReader.ListByRequestAsync(default, default)).Should().ThrowAsync<InvalidIdentifierException>();
        await FluentActions.Awaiting(() => storage.Machines.CountActiveByTemplateAsync(default(TemplateId), default)).Should().ThrowAsync<InvalidIdentifierException>();
        await FluentActions.Awaiting(() => storage.MachineReader.ListAsync(new MachineFilter(default(RequestId), null, null), default)).Should().ThrowAsync<InvalidIdentifierException>();
    }

    [Theory]
    [InlineData("host-a.example", "host-a.example")]
    [InlineData("../x", "%2E.%2Fx")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("%", "%25")]
    [InlineData("é", "%C3%89")]
    [InlineData("Host-A.Example", "host-a.example")]
    public void HostKey_KeepsSafeCharactersAndEscapesTheRest(string hostName, string key) =>
        FileNames.HostKey(hostName).Should().Be(key);

    private static ReadOnlyDirectory ReadOnlyView(string data) => new(data);

    /// <summary>A read-only view of a directory, made the way the current user can (see the test's summary).</summary>
    private sealed class ReadOnlyDirectory : IDisposable
    {
        private readonly Action _undo;

        public ReadOnlyDirectory(string data)
        {
            if (!Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
            {
                Path = data;
                var modes = Directory.GetDirectories(data, "*", SearchOption.AllDirectories).Append(data).ToDictionary(d => d, File.GetUnixFileMode);
                foreach (var directory in modes.Keys)
                {
                    File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
                }

                _undo = () => modes.ToList().ForEach(m => { if (!OperatingSystem.IsWindows()) { File.SetUnixFileMode(m.Key, m.Value); } });
                return;
            }

            var mountPoint = data + "-ro";
            Directory.CreateDirectory(mountPoint);
            if (Run("mount", "--bind", data, mountPoint) && Run("mount", "-o", "remount,ro,bind", mountPoint))
            {
                Path = mountPoint;
                _undo = () => Run("umount", mountPoint);
                return;
            }

            Run("umount", mountPoint);
            Path = "/sys/kernel";
            _undo = () => { };
        }

        public string Path { get; }

        public void Dispose() => _undo();

        private static bool Run(string command, params string[] args)
        {
            try
            {
                var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
                args.ToList().ForEach(start.ArgumentList.Add);
                using var process = Process.Start(start)!;
                process.WaitForExit();
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }
    }
}
