using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace HostFactory.Providers.Aws.Tests.Emulator;

/// <summary>
/// AWS Signature Version 4 as AWS documents it ("Create a signed AWS API request"): the canonical request, the string to
/// sign and the derived signing key. The emulator checks every request's signature with it.
/// </summary>
public static partial class SigV4
{
    /// <summary>The hex signature of a request with an empty query string, signed with <paramref name="headers"/>.</summary>
    /// <param name="secret">The secret access key.</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The request path, e.g. <c>/</c>.</param>
    /// <param name="headers">The signed headers, lowercase names in the order signed, with their values.</param>
    /// <param name="body">The request body.</param>
    /// <param name="amzDate">The <c>X-Amz-Date</c> value, e.g. <c>20250102T030405Z</c>.</param>
    /// <param name="region">The region of the credential scope.</param>
    /// <param name="service">The service of the credential scope, e.g. <c>ec2</c>.</param>
    public static string Signature(string secret, string method, string path, IEnumerable<(string Name, string Value)> headers, byte[] body, string amzDate, string region, string service)
    {
        var signed = headers.ToList();
        var canonicalHeaders = string.Concat(signed.Select(h => $"{h.Name}:{WhitespaceRun().Replace(h.Value, " ").Trim()}\n"));
        var canonicalRequest = $"{method}\n{path}\n\n{canonicalHeaders}\n{string.Join(';', signed.Select(h => h.Name))}\n{Hex(SHA256.HashData(body))}";
        var date = amzDate.Length >= 8 ? amzDate[..8] : amzDate;
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{date}/{region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = new[] { date, region, service, "aws4_request" }
            .Aggregate(Encoding.UTF8.GetBytes("AWS4" + secret), (k, part) => HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(part)));
        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    [GeneratedRegex("\\s+")]
    private static partial Regex WhitespaceRun();
}
