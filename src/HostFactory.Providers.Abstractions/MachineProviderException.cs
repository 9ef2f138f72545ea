namespace HostFactory.Providers.Abstractions;

/// <summary>
/// A provider could not do what it was asked: the message is the provider's own explanation and is
/// shown to the operator as it is (Host Factory's <c>message</c>). Throw it only when nothing was done;
/// machines already made go into a partial <see cref="Domain.Providers.ProvisionResult"/> instead.
/// </summary>
public class MachineProviderException : Exception
{
    /// <summary>Creates the exception with the provider's explanation.</summary>
    public MachineProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the provider's explanation and its cause.</summary>
    public MachineProviderException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A failure worth trying again (a busy API, a dropped connection, a lock held too long). The host's
/// resilience pipeline retries it within the instance's bounds; throw it only when nothing was done.
/// </summary>
public sealed class TransientProviderException : MachineProviderException
{
    /// <summary>Creates the exception with the provider's explanation.</summary>
    public TransientProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the provider's explanation and its cause.</summary>
    public TransientProviderException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A template's provider setting is missing or of the wrong JSON kind; the message names the template and the key.</summary>
public sealed class ProviderSettingException : MachineProviderException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="templateId">The template whose setting is wrong.</param>
    /// <param name="key">The setting key.</param>
    /// <param name="problem">What is wrong, e.g. <c>must be a JSON array of strings</c>.</param>
    public ProviderSettingException(string templateId, string key, string problem)
        : base($"Template '{templateId}' setting '{key}' {problem}.")
    {
        TemplateId = templateId;
        Key = key;
    }

    /// <summary>The template whose setting is wrong.</summary>
    public string TemplateId { get; }

    /// <summary>The setting key.</summary>
    public string Key { get; }
}
