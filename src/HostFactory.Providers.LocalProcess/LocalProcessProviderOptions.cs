using System.ComponentModel.DataAnnotations;
using System.Net;

namespace HostFactory.Providers.LocalProcess;

/// <summary>The <c>settings</c> of a <c>local-process</c> instance.</summary>
public sealed class LocalProcessProviderOptions : IValidatableObject
{
    /// <summary>Seconds between SIGTERM and SIGKILL when a machine is released (default 5).</summary>
    [Range(0, 600)]
    public double GraceSeconds { get; set; } = 5;

    /// <summary>
    /// The base of every machine's host name; each machine is <c>&lt;base&gt;-&lt;short id&gt;</c> so Host Factory,
    /// which identifies machines by name, sees distinct machines. Defaults to this host's name.
    /// </summary>
    public string? HostName { get; set; }

    /// <summary>The IP address reported for every machine (default <c>127.0.0.1</c>); set the host's own address for a real cluster.</summary>
    public string IpAddress { get; set; } = "127.0.0.1";

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(IpAddress, out _))
        {
            yield return new ValidationResult($"'{IpAddress}' is not an IP address.", [nameof(IpAddress)]);
        }

        if (HostName is not null && (HostName.Length is 0 or > 40 || !HostName.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')))
        {
            yield return new ValidationResult("must be 1 to 40 characters of letters, digits, '-' and '.'.", [nameof(HostName)]);
        }
    }
}
