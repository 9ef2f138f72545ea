using HostFactory.Cqrs.Tests.Support;

namespace HostFactory.Cqrs.Tests.Fixtures.Validation;

public sealed record ProvisionMachines(string TemplateId, int MachineCount) : ICommand<int>, IValidatable
{
    public IEnumerable<ValidationError> Validate()
    {
        if (string.IsNullOrWhiteSpace(TemplateId))
        {
            yield return new ValidationError(nameof(TemplateId), "must not be empty");
        }

        if (MachineCount < 1)
        {
            yield return new ValidationError(nameof(MachineCount), "must be at least 1");
        }
    }
}

public sealed record FindMachines(int Limit) : IQuery<int>, IValidatable
{
    public IEnumerable<ValidationError> Validate()
    {
        if (Limit is < 1 or > 100)
        {
            yield return new ValidationError(nameof(Limit), "must be between 1 and 100");
        }
    }
}

// Sits just outside the built-in validation, so it sees the ValidationException on its way out.
[PipelineBehavior(Order = BuiltInBehaviorOrder.Validation - 1)]
public sealed class OutsideValidationBehavior<TMessage, TResult>(Recorder recorder) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public async ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        try
        {
            return await next(message, cancellationToken);
        }
        catch (ValidationException)
        {
            recorder.Add("outside saw ValidationException");
            throw;
        }
    }
}

// Sits inside the built-in validation (default order 0), so an invalid message never reaches it.
[PipelineBehavior]
public sealed class InsideValidationBehavior<TMessage, TResult>(Recorder recorder) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        recorder.Add("inside");
        return next(message, cancellationToken);
    }
}

[CommandHandler]
public sealed class ProvisionMachinesHandler(Recorder recorder) : ICommandHandler<ProvisionMachines, int>
{
    public ValueTask<int> HandleAsync(ProvisionMachines command, CancellationToken cancellationToken)
    {
        recorder.Add("handler");
        return ValueTask.FromResult(command.MachineCount);
    }
}

[QueryHandler]
public sealed class FindMachinesHandler(Recorder recorder) : IQueryHandler<FindMachines, int>
{
    public ValueTask<int> HandleAsync(FindMachines query, CancellationToken cancellationToken)
    {
        recorder.Add("handler");
        return ValueTask.FromResult(query.Limit);
    }
}
