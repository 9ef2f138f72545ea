using HostFactory.Application.Common;
using HostFactory.Configuration;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using HostFactory.Server.Errors;
using HostFactory.Storage.Json;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Server.Tests;

/// <summary>The one exception-to-problem mapping, kind by kind, and through the pipeline for the kinds no endpoint test reaches.</summary>
public sealed class ErrorMappingTests
{
    public static TheoryData<Exception, int> Kinds => new()
    {
        { new ValidationException(typeof(object), [new ValidationError("Count", "must be positive")]), 400 },
        { new DomainRuleViolationException("maxNumber must be at least -1"), 400 },
        { new TemplateNotFoundException(new TemplateId("t")), 404 },
        { new MachineNotFoundException("m-1"), 404 },
        { new TemplateInUseException(new TemplateId("t"), 2), 409 },
        { new CapacityExceededException(new TemplateId("t"), 5, 3, 1), 409 },
        { new ConcurrencyRetryExhaustedException("SyncRequests", 6, new ConcurrencyException("Request", "req-1", 3, 4)), 409 },
        { new MachineProviderException("the cloud API answered 500"), 502 },
        { new TransientProviderException("throttled"), 503 },
        { new StorageLockTimeoutException("request 'req-1'", "/data/locks/1.lock", TimeSpan.FromSeconds(10)), 503 },
        { new InvalidOperationException("secret internals"), 500 },
        { new InvalidTemplateBodyException(["templates[0].maxNumber: must be at least -1"]), 400 },
    };

    [Fact]
    public void Map_WhenTheTemplatesFileIsInvalid_AnswersAConfigurationProblemNotAnInputOne()
    {
        var problem = ProblemMapper.Map(new TemplateFileException("/etc/hf/templates.json", ["templates[0]: bad"]));

        problem.Status.Should().Be(500);
        problem.Type.Should().Be("urn:hostfactory:problem:configuration");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Map_WhenGivenEachKindOfFailure_ChoosesItsStatus(Exception exception, int status)
    {
        var problem = ProblemMapper.Map(exception);

        problem.Status.Should().Be(status);
        problem.Title.Should().NotBeNullOrWhiteSpace();
        if (status < 500)
        {
            problem.Detail.Should().Be(exception.Message, "refusals are the operator's to read");
        }
    }

    [Fact]
    public void Map_WhenValidationFails_GroupsTheErrorsByField()
    {
        var problem = ProblemMapper.Map(new ValidationException(typeof(object),
            [new ValidationError("Count", "must be positive"), new ValidationError("Count", "must be small"), new ValidationError("TemplateId", "is required")]));

        problem.Errors.Should().BeEquivalentTo(new Dictionary<string, string[]>
        {
            ["Count"] = ["must be positive", "must be small"],
            ["TemplateId"] = ["is required"],
        });
    }

    [Fact]
    public async Task AnyCall_WhenSomethingUnexpectedFails_Answers500WithoutInternals()
    {
        using var server = new ServerFactory(services: s => s.AddSingleton<ITemplateReader>(new FailingTemplateReader(new InvalidOperationException("secret internals at /etc/hf"))));

        var response = await server.Client().GetAsync("/api/v1/templates");
        var problem = await response.ExpectProblemAsync(500);

        problem.GetProperty("detail").GetString().Should().Be("The server could not complete the call; the server log has the details.");
        (await response.Content.ReadAsStringAsync()).Should().NotContain("secret").And.NotContain("InvalidOperationException");
    }

    [Fact]
    public async Task AnyCall_WhenTheStoreIsLocked_Answers503()
    {
        using var server = new ServerFactory(services: s => s.AddSingleton<ITemplateReader>(
            new FailingTemplateReader(new StorageLockTimeoutException("template 't'", "/data/locks/t.lock", TimeSpan.FromSeconds(10)))));

        await (await server.Client().GetAsync($"/api/v1/templates/{ServerFactory.TemplateId}")).ExpectProblemAsync(503);
    }

    [Fact]
    public async Task AnyCall_WhenTheRouteDoesNotExist_Answers404Problem()
    {
        using var server = new ServerFactory();

        await (await server.Client().GetAsync("/api/v1/nothing-here")).ExpectProblemAsync(404);
    }

    private sealed class FailingTemplateReader(Exception failure) : ITemplateReader
    {
        public Task<TemplateSnapshot?> GetAsync(TemplateId id, CancellationToken cancellationToken) => Task.FromException<TemplateSnapshot?>(failure);

        public Task<IReadOnlyList<TemplateSnapshot>> ListAsync(CancellationToken cancellationToken) => Task.FromException<IReadOnlyList<TemplateSnapshot>>(failure);
    }
}
