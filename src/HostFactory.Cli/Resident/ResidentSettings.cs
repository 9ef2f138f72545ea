using System.Globalization;
using HostFactory.Cli.Infrastructure;
using HostFactory.Configuration;
using Microsoft.Extensions.Configuration;

namespace HostFactory.Cli.Resident;

/// <summary>
/// <c>hostFactory:resident</c> in <c>hostfactory.json</c>: whether protocol calls may be served by a resident process,
/// and how long it stays without calls.
/// </summary>
/// <param name="Enabled"><c>enabled</c> (default true).</param>
/// <param name="IdleTimeout"><c>idleSeconds</c> (default 600, 1 to 86400): the resident process ends after this long without a call.</param>
internal sealed record ResidentSettings(bool Enabled, TimeSpan IdleTimeout)
{
    public const string Section = HostFactoryConfiguration.RootSection + ":resident";

    public static readonly ResidentSettings Default = new(true, TimeSpan.FromMinutes(10));

    /// <summary>Reads and checks the section.</summary>
    /// <exception cref="ConfigurationException">A value is not what the setting takes; the message names the file and setting.</exception>
    public static ResidentSettings Read(IConfiguration configuration, string file)
    {
        var enabled = Default.Enabled;
        if (configuration[$"{Section}:enabled"] is { } enabledText && !bool.TryParse(enabledText, out enabled))
        {
            throw new ConfigurationException($"{file}: {Section}:enabled must be true or false, was '{enabledText}'.");
        }

        var idle = Default.IdleTimeout;
        if (configuration[$"{Section}:idleSeconds"] is { } idleText)
        {
            if (!int.TryParse(idleText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 86_400)
            {
                throw new ConfigurationException($"{file}: {Section}:idleSeconds must be a whole number of seconds from 1 to 86400, was '{idleText}'.");
            }

            idle = TimeSpan.FromSeconds(seconds);
        }

        return new ResidentSettings(enabled, idle);
    }
}
