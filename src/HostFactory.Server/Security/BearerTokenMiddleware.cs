using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace HostFactory.Server.Security;

/// <summary>
/// With a token configured, every call must carry <c>Authorization: Bearer &lt;token&gt;</c>; the comparison takes the
/// same time whatever the token sent. Without one (allowed only on loopback addresses), a call that arrives on
/// another interface all the same — an endpoint configured some way the start-up check did not see — is refused.
/// </summary>
internal sealed class BearerTokenMiddleware(IOptions<ServerOptions> options) : IMiddleware
{
    private const string Scheme = "Bearer ";

    // Both sides are hashed first, so the comparison is of equal lengths and leaks nothing about the token's length.
    private readonly byte[]? _expected = options.Value.BearerToken is { Length: > 0 } token ? Hash(token) : null;

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_expected is null)
        {
            return IsRemote(context.Connection.LocalIpAddress)
                ? throw new UnauthorizedCallException("This server has no bearer token configured and answers only on loopback addresses.")
                : next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new UnauthorizedCallException("A bearer token is required: send 'Authorization: Bearer <token>'.");
        }

        var presented = Hash(header[Scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _expected)
            ? next(context)
            : throw new UnauthorizedCallException("The bearer token is not valid.");
    }

    /// <summary>True when the call came in on a non-loopback interface; null (an in-process test server) is not remote.</summary>
    private static bool IsRemote(IPAddress? local) => local is not null && !IPAddress.IsLoopback(local) && !(local.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(local.MapToIPv4()));

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

/// <summary>The call did not present the bearer token it needs; the edge answers 401.</summary>
/// <param name="message">Why, without revealing anything about the token.</param>
internal sealed class UnauthorizedCallException(string message) : Exception(message);
