using System.Net;
using Microsoft.Extensions.Options;

namespace HostFactory.Server;

/// <summary>
/// Settings of the REST server, bound from <c>hostFactory:server</c> and checked at start-up:
/// <code>{ "hostFactory": { "server": { "urls": "http://127.0.0.1:5080", "bearerToken": "…" } } }</code>
/// The standard ASP.NET Core <c>urls</c> setting (<c>--urls</c>, <c>ASPNETCORE_URLS</c>) overrides <c>urls</c>;
/// <c>HF_SERVER_TOKEN</c> is used when <c>bearerToken</c> is not set.
/// </summary>
internal sealed class ServerOptions
{
    /// <summary>The configuration section of the server settings.</summary>
    public const string SectionName = "hostFactory:server";

    /// <summary>The environment variable (or setting) read when <see cref="BearerToken"/> is not set.</summary>
    public const string TokenVariable = "HF_SERVER_TOKEN";

    /// <summary>Where the server listens unless told otherwise: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>The shortest bearer token accepted.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>The addresses listened on, separated by <c>;</c>.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>
    /// The token every call must present as <c>Authorization: Bearer &lt;token&gt;</c>; null for none, which is
    /// allowed only while every address is a loopback address.
    /// </summary>
    public string? BearerToken { get; set; }

    /// <summary>Further addresses configured elsewhere (<c>Kestrel:Endpoints</c>), checked like <see cref="Urls"/>.</summary>
    public IList<string> OtherEndpoints { get; } = new List<string>();

    /// <summary>Every address the server is configured to listen on.</summary>
    public IEnumerable<string> AllUrls =>
        Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Concat(OtherEndpoints);

    /// <summary>True when <paramref name="url"/> names a loopback host (<c>localhost</c>, 127.0.0.0/8, <c>::1</c>); false for wildcards and any other host.</summary>
    /// <param name="url">An address such as <c>http://127.0.0.1:5080</c>.</param>
    public static bool IsLoopback(string url)
    {
        if (!TryParse(url, out var uri))
        {
            return false;
        }

        return string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>True when <paramref name="url"/> is an address to listen on: <c>http</c> or <c>https</c>, a host (or <c>*</c>, <c>+</c>) and a port number.</summary>
    /// <param name="url">An address such as <c>http://127.0.0.1:5080</c>.</param>
    public static bool IsValid(string url) =>
        TryParse(url, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    // Wildcard hosts (*, +) are not valid URIs; they bind every interface.
    private static bool TryParse(string url, out Uri uri) =>
        Uri.TryCreate(
            url.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal),
            UriKind.Absolute,
            out uri!);
}

/// <summary>Refuses to start a server reachable from other hosts without a token, or with a token too short to matter.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        var urls = options.AllUrls.ToList();
        if (urls.Count == 0)
        {
            failures.Add($"{ServerOptions.SectionName}:urls is empty: give at least one address, e.g. {ServerOptions.DefaultUrls}.");
        }

        // An address that does not parse (a port that is not a number) is refused as such, not as one beyond loopback.
        var invalid = urls.Where(url => !ServerOptions.IsValid(url)).ToList();
        foreach (var url in invalid)
        {
            failures.Add(
                $"'{url}' is not an address the server can listen on: give http:// or https://, a host and a port number, "
                + $"e.g. {ServerOptions.DefaultUrls} (--urls, ASPNETCORE_URLS or {ServerOptions.SectionName}:urls). The server did not start.");
        }

        var exposed = urls.Except(invalid).Where(url => !ServerOptions.IsLoopback(url)).ToList();
        if (string.IsNullOrEmpty(options.BearerToken))
        {
            if (exposed.Count > 0)
            {
                failures.Add(
                    $"The server would listen on {string.Join(", ", exposed)}, which is not a loopback address, without a bearer token. "
                    + $"Set {ServerOptions.SectionName}:bearerToken (or the environment variable {ServerOptions.TokenVariable}) to a secret of at least "
                    + $"{ServerOptions.MinimumTokenLength} characters, or listen on 127.0.0.1 only. The server did not start.");
            }
        }
        else if (options.BearerToken.Length < ServerOptions.MinimumTokenLength || options.BearerToken.Any(char.IsWhiteSpace))
        {
            failures.Add($"{ServerOptions.SectionName}:bearerToken ({ServerOptions.TokenVariable}) must be at least {ServerOptions.MinimumTokenLength} characters without spaces.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
