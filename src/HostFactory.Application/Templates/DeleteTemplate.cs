using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Templates;

/// <summary>
/// Deletes a template. Refused with <see cref="TemplateNotFoundException"/>, and with
/// <see cref="TemplateInUseException"/> while any of its machines is active (neither terminated nor failed).
/// </summary>
/// <param name="TemplateId">The template id.</param>
public sealed record DeleteTemplate(string TemplateId) : ICommand, IValidatable, IRetryOnConcurrencyConflict
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate() => InputRules.TemplateId(nameof(TemplateId), TemplateId);
}

/// <summary>Handles <see cref="DeleteTemplate"/>.</summary>
[CommandHandler]
internal sealed class DeleteTemplateHandler(ITemplateStore templates, IMachineStore machines, DomainEventPublisher events, TimeProvider clock)
    : ICommandHandler<DeleteTemplate>
{
    public async ValueTask HandleAsync(DeleteTemplate command, CancellationToken cancellationToken)
    {
        var id = new TemplateId(command.TemplateId);
        var template = await templates.FindAsync(id, cancellationToken) ?? throw new TemplateNotFoundException(id);
        var active = await machines.CountActiveByTemplateAsync(id, cancellationToken);
        if (active > 0)
        {
            throw new TemplateInUseException(id, active);
        }

        template.MarkDeleted(clock);
        await templates.DeleteAsync(template, cancellationToken);
        await events.PublishAsync(template, cancellationToken);
    }
}
