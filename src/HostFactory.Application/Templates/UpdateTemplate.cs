using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Templates;

/// <summary>
/// Replaces a template's definition and enabled flag. Refused with <see cref="TemplateNotFoundException"/> or
/// <see cref="UnknownProviderException"/>; a definition that breaks a domain rule throws the domain's exception.
/// Machines already made keep running. Returns the template as saved.
/// </summary>
/// <param name="Definition">The new definition; its id names the template.</param>
public sealed record UpdateTemplate(TemplateDefinition Definition) : ICommand<TemplateSnapshot>, IValidatable, IRetryOnConcurrencyConflict
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate() => TemplateDefinition.Validate(nameof(Definition), Definition);
}

/// <summary>Handles <see cref="UpdateTemplate"/>.</summary>
[CommandHandler]
internal sealed class UpdateTemplateHandler(ITemplateStore templates, IMachineProviderRegistry providers, DomainEventPublisher events, TimeProvider clock)
    : ICommandHandler<UpdateTemplate, TemplateSnapshot>
{
    public async ValueTask<TemplateSnapshot> HandleAsync(UpdateTemplate command, CancellationToken cancellationToken)
    {
        var definition = command.Definition;
        var template = await templates.FindAsync(definition.Id, cancellationToken) ?? throw new TemplateNotFoundException(definition.Id);
        if (!providers.TryGet(definition.ProviderName, out _))
        {
            throw new UnknownProviderException(definition.ProviderName, providers.ProviderNames);
        }

        template.Update(definition.ProviderName, definition.MaxNumber, definition.Attributes, definition.Settings, definition.RequestTimeout, clock);
        if (definition.Enabled)
        {
            template.Enable(clock);
        }
        else
        {
            template.Disable(clock);
        }

        await templates.SaveAsync(template, cancellationToken);
        await events.PublishAsync(template, cancellationToken);
        return template.ToSnapshot();
    }
}
