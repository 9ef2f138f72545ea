using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Templates;

/// <summary>
/// Creates a template. Refused with <see cref="TemplateAlreadyExistsException"/> when the id is taken and
/// <see cref="UnknownProviderException"/> when the provider is not configured; a definition that breaks a domain rule
/// throws the domain's exception. Returns the template as saved.
/// </summary>
/// <param name="Definition">The template.</param>
public sealed record CreateTemplate(TemplateDefinition Definition) : ICommand<TemplateSnapshot>, IValidatable, IRetryOnConcurrencyConflict
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate() => TemplateDefinition.Validate(nameof(Definition), Definition);
}

/// <summary>Handles <see cref="CreateTemplate"/>.</summary>
[CommandHandler]
internal sealed class CreateTemplateHandler(ITemplateStore templates, IMachineProviderRegistry providers, DomainEventPublisher events, TimeProvider clock)
    : ICommandHandler<CreateTemplate, TemplateSnapshot>
{
    public async ValueTask<TemplateSnapshot> HandleAsync(CreateTemplate command, CancellationToken cancellationToken)
    {
        var definition = command.Definition;
        if (await templates.FindAsync(definition.Id, cancellationToken) is not null)
        {
            throw new TemplateAlreadyExistsException(definition.Id);
        }

        if (!providers.TryGet(definition.ProviderName, out _))
        {
            throw new UnknownProviderException(definition.ProviderName, providers.ProviderNames);
        }

        var template = Template.Create(
            definition.Id, definition.ProviderName, definition.MaxNumber, definition.Attributes, definition.Settings, definition.RequestTimeout, clock);
        if (!definition.Enabled)
        {
            template.Disable(clock);
        }

        // Another process creating the same id in between makes this throw; the re-run then finds it and refuses.
        await templates.SaveAsync(template, cancellationToken);
        await events.PublishAsync(template, cancellationToken);
        return template.ToSnapshot();
    }
}
