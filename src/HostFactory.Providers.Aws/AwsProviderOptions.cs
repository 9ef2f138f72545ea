using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace HostFactory.Providers.Aws;

/// <summary>
/// The <c>settings</c> of an <c>aws-ec2</c> instance. None of them is a secret: credentials come from the AWS SDK's
/// default chain (environment, shared credentials file, container or instance role), or from a named profile.
/// </summary>
public sealed partial class AwsProviderOptions : IValidatableObject
{
    /// <summary>The AWS region the instances are made in, e.g. <c>eu-west-1</c>.</summary>
    [Required]
    public string Region { get; set; } = string.Empty;

    /// <summary>
    /// A profile of the shared credentials and config files to take credentials from; without it (and without
    /// <see cref="CredentialsFile"/>) the SDK's default chain is searched.
    /// </summary>
    public string? Profile { get; set; }

    /// <summary>
    /// A shared credentials file other than the SDK's default (IBM's <c>AWS_CREDENTIAL_FILE</c>), relative to the
    /// configuration file's directory; its <see cref="Profile"/> (default <c>default</c>) is used.
    /// </summary>
    public string? CredentialsFile { get; set; }

    /// <summary>The EC2 endpoint to call instead of the region's own (a VPC endpoint, another partition, a test emulator).</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The Systems Manager endpoint used to resolve an <c>imageId</c> given as a parameter path; the region's own by default.</summary>
    public string? SsmServiceUrl { get; set; }

    /// <summary>The SDK's retry mode: <c>standard</c> (default), <c>adaptive</c> (also paces calls after throttling) or <c>legacy</c>.</summary>
    public string RetryMode { get; set; } = "standard";

    /// <summary>How many times the SDK tries one AWS call, the first included (1–10, default 3), before HostFactory's own retries.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// The value of the <c>hostfactory:cluster</c> tag on every instance this installation makes (default: the provider
    /// instance's name). Instances carrying it are this installation's: listed as held, terminated when returned.
    /// </summary>
    public string? ClusterTag { get; set; }

    /// <summary>The SDK retry modes by their setting value.</summary>
    internal static IReadOnlyList<string> RetryModes { get; } = ["standard", "adaptive", "legacy"];

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Region) && !RegionPattern().IsMatch(Region))
        {
            yield return new ValidationResult($"'{Region}' is not an AWS region name such as eu-west-1.", [nameof(Region)]);
        }

        foreach (var (url, member) in new[] { (ServiceUrl, nameof(ServiceUrl)), (SsmServiceUrl, nameof(SsmServiceUrl)) })
        {
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            {
                yield return new ValidationResult($"'{url}' is not an absolute http or https URL.", [member]);
            }
        }

        if (!RetryModes.Contains(RetryMode, StringComparer.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"'{RetryMode}' is not one of {string.Join(", ", RetryModes)}.", [nameof(RetryMode)]);
        }

        if (Profile is not null && string.IsNullOrWhiteSpace(Profile))
        {
            yield return new ValidationResult("must not be blank; leave it out to use the SDK's default chain.", [nameof(Profile)]);
        }

        if (CredentialsFile is not null && string.IsNullOrWhiteSpace(CredentialsFile))
        {
            yield return new ValidationResult("must not be blank; leave it out to use the SDK's default files.", [nameof(CredentialsFile)]);
        }

        if (ClusterTag is not null && (ClusterTag.Length is 0 or > 256 || ClusterTag.Trim() != ClusterTag))
        {
            yield return new ValidationResult("must be 1 to 256 characters without leading or trailing spaces (an EC2 tag value).", [nameof(ClusterTag)]);
        }
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
