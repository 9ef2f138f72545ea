using System.Text.Json.Nodes;
using HostFactory.Domain.Requests;

namespace HostFactory.Storage.Json.Tests;

/// <summary>What the storage does with files it cannot trust: name them in the error, never overwrite them.</summary>
public sealed class StorageFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly StorageFixture _storage;
    private readonly FakeTimeProvider _clock = TestData.Clock();

    public StorageFileTests() => _storage = new StorageFixture(_directory.Combine("data"));

    public void Dispose()
    {
        _storage.Dispose();
        _directory.Dispose();
    }

    [Theory]
    [InlineData("{ \"schemaVersion\": 1, \"id\": ")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    public async Task FindAsync_WhenTheFileIsNotADocument_ThrowsStorageCorruptExceptionNamingTheFile(string content)
    {
        var (request, path) = await SaveRequestAsync();
        await File.WriteAllTextAsync(path, content);

        var act = () => _storage.Requests.FindAsync(request.Id, default);

        var thrown = (await act.Should().ThrowAsync<StorageCorruptException>()).Which;
        thrown.Path.Should().Be(path);
        thrown.Message.Should().Contain(path).And.Contain("left untouched");
    }

    [Fact]
    public async Task SaveAsync_WhenTheStoredFileIsCorrupt_RefusesAndLeavesTheFileAsItWas()
    {
        var (request, path) = await SaveRequestAsync();
        await File.WriteAllTextAsync(path, "garbage that is not JSON");

        request.RecordSync(_clock);
        var act = () => _storage.Requests.SaveAsync(request, default);

        (await act.Should().ThrowAsync<StorageCorruptException>()).Which.Path.Should().Be(path);
        (await File.ReadAllTextAsync(path)).Should().Be("garbage that is not JSON");
    }

    [Theory]
    [InlineData("status", "\"halfway\"", "'halfway' is not a request status")]
    [InlineData("kind", "\"borrow\"", "'borrow' is not a request kind")]
    [InlineData("templateId", "null", "needs a template id")]
    [InlineData("message", "null", "message")]
    [InlineData("createdAt", "\"yesterday\"", "not an ISO-8601 time")]
    [InlineData("requestedCount", "\"three\"", "requestedCount")]
    public async Task GetAsync_WhenAFieldHoldsSomethingTheStoreCannotAccept_ThrowsStorageCorruptExceptionSayingWhat(string field, string json, string expected)
    {
        var (request, path) = await SaveRequestAsync();
        await EditAsync(path, document => document[field] = JsonNode.Parse(json));

        var act = () => _storage.RequestReader.GetAsync(request.Id, default);

        (await act.Should().ThrowAsync<StorageCorruptException>()).Which.Message.Should().Contain(expected).And.Contain(path);
    }

    [Fact]
    public async Task GetAsync_WhenARequiredFieldIsMissing_ThrowsStorageCorruptException()
    {
        var (request, path) = await SaveRequestAsync();
        await EditAsync(path, document => document.Remove("deadline"));

        var act = () => _storage.RequestReader.GetAsync(request.Id, default);

        (await act.Should().ThrowAsync<StorageCorruptException>()).Which.Message.Should().Contain("deadline");
    }

    [Fact]
    public async Task GetAsync_WhenTheFileHoldsAnotherId_ThrowsStorageCorruptException()
    {
        var (request, path) = await SaveRequestAsync();
        var other = RequestId.NewAcquire().Value;
        await EditAsync(path, document => document["id"] = other);

        var act = () => _storage.RequestReader.GetAsync(request.Id, default);

        (await act.Should().ThrowAsync<StorageCorruptException>()).Which.Message.Should().Contain(other).And.Contain(request.Id.Value);
    }

    [Fact]
    public async Task GetAsync_WhenWrittenByANewerSchema_ThrowsStorageSchemaVersionException()
    {
        var (request, path) = await SaveRequestAsync();
        await EditAsync(path, document => document["schemaVersion"] = 2);

        var act = () => _storage.RequestReader.GetAsync(request.Id, default);

        var thrown = (await act.Should().ThrowAsync<StorageSchemaVersionException>()).Which;
        thrown.Should().BeEquivalentTo(new { Path = path, FoundVersion = 2, SupportedVersion = 1 });
        thrown.Message.Should().Contain("newer HostFactory");
    }

    [Fact]
    public async Task GetAsync_WhenANewerSchemaChangedTheShape_StillSaysNewerSchemaRatherThanCorrupt()
    {
        var (request, path) = await SaveRequestAsync();
        await File.WriteAllTextAsync(path, "{ \"schemaVersion\": 7, \"identity\": { \"value\": \"x\" } }");

        var act = () => _storage.RequestReader.GetAsync(request.Id, default);

        (await act.Should().ThrowAsync<StorageSchemaVersionException>()).Which.FoundVersion.Should().Be(7);
    }

    [Fact]
    public async Task GetAsync_WhenSchemaVersionIsZero_ThrowsStorageCorruptException()
    {
        var (request, path) = await SaveRequestAsync();
        await EditAsync(path, document => document["schemaVersion"] = 0);

        var act = () => _storage.RequestReader.GetAsync(request.Id, default);

        await act.Should().ThrowAsync<StorageCorruptException>();
    }

    [Fact]
    public async Task FirstUse_WhenStorageJsonIsFromANewerSchema_ThrowsStorageSchemaVersionException()
    {
        var data = _directory.Combine("newer");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Join(data, "storage.json"), "{ \"schemaVersion\": 3, \"layout\": \"hostfactory-json-files\", \"createdAt\": \"2030-01-01T00:00:00Z\" }");
        using var storage = new StorageFixture(data);

        var act = () => storage.Requests.ListUnfinishedAsync(default);

        (await act.Should().ThrowAsync<StorageSchemaVersionException>()).Which.Path.Should().Be(Path.Join(data, "storage.json"));
    }

    [Fact]
    public async Task ListAsync_WhenOneFileIsCorrupt_ThrowsNamingThatFile()
    {
        await SaveRequestAsync();
        var (_, path) = await SaveRequestAsync();
        await File.WriteAllTextAsync(path, "{");

        var act = () => _storage.RequestReader.ListAsync(new RequestFilter(null, null, null), default);

        (await act.Should().ThrowAsync<StorageCorruptException>()).Which.Path.Should().Be(path);
    }

    private async Task<(Request Request, string Path)> SaveRequestAsync()
    {
        var request = TestData.NewAcquire(_clock);
        await _storage.Requests.SaveAsync(request, default);
        return (request, _storage.PathOf("requests", $"{request.Id}.json"));
    }

    private static async Task EditAsync(string path, Action<JsonObject> edit)
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        edit(document);
        await File.WriteAllTextAsync(path, document.ToJsonString());
    }
}
