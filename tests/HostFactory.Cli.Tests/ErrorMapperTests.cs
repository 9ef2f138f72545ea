using HostFactory.Application.Common;
using HostFactory.Cli.Infrastructure;
using HostFactory.Configuration;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Hosting;
using HostFactory.Hosting.Failures;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Loading;
using HostFactory.Storage.Json;
using HostFactory.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace HostFactory.Cli.Tests;

/// <summary>The one place exceptions become exit codes and one-line messages.</summary>
public sealed class ErrorMapperTests
{
    public static TheoryData<Exception, int> Cases() => new()
    {
        { new InputException("bad"), ExitCodes.BadInput },
        { new ValidationException(typeof(string), [new ValidationError("Count", "must be positive.")]), ExitCodes.BadInput },
        { new InvalidIdentifierException("template id", "x y", "rule"), ExitCodes.BadInput },
        { new DomainRuleViolationException("rule"), ExitCodes.BadInput },
        { new TemplateNotFoundException(new TemplateId("t1")), ExitCodes.Refused },
        { new CapacityExceededException(new TemplateId("t1"), 3, 2, 0), ExitCodes.Refused },
        { new RequestNotCancellableException(RequestId.NewAcquire(), RequestStatus.Completed), ExitCodes.Refused },
        { new UnknownProviderException("p", ["local"]), ExitCodes.BadInput },
        { new MachineNotFoundException("m-1"), ExitCodes.Refused },
        { new InvalidStateTransitionException("Request", "req-1", "completed", "releasing"), ExitCodes.Refused },
        { new StorageLockTimeoutException("request 'r'", "/tmp/l", TimeSpan.FromSeconds(1)), ExitCodes.ProviderOrStorageFailure },
        { new ConcurrencyException("Request", "r", 1, 2), ExitCodes.ProviderOrStorageFailure },
        { new MachineProviderException("cloud said no"), ExitCodes.ProviderOrStorageFailure },
        { new PostgresStorageUnavailableException("PostgreSQL at db:5432, database 'hf' could not save request 'r': Connection refused."), ExitCodes.ProviderOrStorageFailure },
        { new PostgresLockTimeoutException("the capacity of template 't'", TimeSpan.FromSeconds(10)), ExitCodes.ProviderOrStorageFailure },
        { new PostgresSchemaVersionException("newer", 9, 1), ExitCodes.ProviderOrStorageFailure },
        { new PostgresCorruptRowException("machines", "m-1", "its status 'x' is not a word this HostFactory knows."), ExitCodes.ProviderOrStorageFailure },
        { new StorageCopyVerificationException("missing one"), ExitCodes.ProviderOrStorageFailure },
        { new StorageCopyRefusedException("the target is not empty"), ExitCodes.Refused },
        { new TemplateFileException("templates.json", ["templates[0]: bad"]), ExitCodes.ConfigurationError },
        { new ProviderLoadException(ProviderLoadFailure.MissingAssembly, "p", "missing"), ExitCodes.ConfigurationError },
        { new OptionsValidationException("x", typeof(object), ["Retries must be 0 to 10."]), ExitCodes.ConfigurationError },
        { new ConfigurationException("no file"), ExitCodes.ConfigurationError },
        { new CommandFailedException(ExitCodes.TimedOut, "slow"), ExitCodes.TimedOut },
        { new OperationCanceledException(), ExitCodes.Cancelled },
        { new NullReferenceException("bug"), ExitCodes.InternalError },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Map_WhenGivenEachKindOfFailure_ChoosesItsExitCode(Exception exception, int exitCode)
    {
        var failure = ErrorMapper.Map(exception);

        failure.ExitCode.Should().Be(exitCode);
        failure.Message.Should().NotBeNullOrWhiteSpace().And.NotContain("\n");
        failure.IsUnexpected.Should().Be(exitCode == ExitCodes.InternalError);
    }

    [Fact]
    public void Map_WhenTheMessageSpansLines_JoinsThemIntoOne()
    {
        ErrorMapper.Map(new InputException("first\r\n  second\nthird")).Message.Should().Be("first second third");
    }

    [Fact]
    public void Map_WhenOptionsAreInvalid_ListsEveryFailure()
    {
        ErrorMapper.Map(new OptionsValidationException("x", typeof(object), ["A is wrong.", "B is wrong."])).Message
            .Should().Be("Invalid configuration: A is wrong. B is wrong.");
    }
}
