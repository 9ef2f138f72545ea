using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.Aws;

/// <summary>
/// The one place AWS failures become provider exceptions. Every message names the refused action and AWS's error code;
/// throttling, AWS's own faults and a network that failed are <see cref="TransientProviderException"/> (HostFactory's
/// resilience pipeline retries them, after the SDK's own retries); everything else is a
/// <see cref="MachineProviderException"/>. No credential is ever part of a message: only AWS's code and message are.
/// </summary>
internal static class Ec2Errors
{
    /// <summary>The codes AWS answers when a caller is throttled.</summary>
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "RequestThrottled", "RequestThrottledException",
        "TooManyRequestsException", "EC2ThrottledException", "PriorRequestNotComplete",
    };

    /// <summary>The codes by which AWS refuses who is calling or what they may do.</summary>
    private static readonly HashSet<string> Refusals = new(StringComparer.Ordinal)
    {
        "UnauthorizedOperation", "AuthFailure", "AccessDeniedException", "AccessDenied", "InvalidClientTokenId",
        "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "OptInRequired", "Blocked", "UnrecognizedClientException",
    };

    /// <summary>
    /// Runs one AWS call named <paramref name="action"/> (e.g. <c>ec2:RunInstances</c>), translating its failure, except
    /// AWS's answer with the code <paramref name="untranslated"/>, which the caller handles itself.
    /// </summary>
    /// <exception cref="TransientProviderException">Throttled, an AWS fault or a network failure.</exception>
    /// <exception cref="MachineProviderException">Any other failure, naming the action and AWS's code.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public static async Task<T> CallAsync<T>(string action, Func<Task<T>> call, CancellationToken cancellationToken, string? untranslated = null)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            && (untranslated is null || CodeOf(exception) != untranslated))
        {
            throw Translate(action, exception);
        }
    }

    /// <summary>The provider exception for <paramref name="exception"/> raised by <paramref name="action"/>.</summary>
    public static MachineProviderException Translate(string action, Exception exception) => exception switch
    {
        MachineProviderException already => already,
        AmazonServiceException { ErrorCode: { } code } service when Throttling.Contains(code) =>
            new TransientProviderException($"AWS throttled {action} ({code}): {Brief(service)}", service),
        AmazonServiceException { ErrorCode: { } code } service when Refusals.Contains(code) =>
            new MachineProviderException($"AWS refused {action} ({code}): {Brief(service)} The credentials HostFactory uses need this action (see the IAM policy in docs/providers.md).", service),
        AmazonServiceException service when (int)service.StatusCode >= 500 =>
            new TransientProviderException($"{action} failed on AWS's side ({service.ErrorCode ?? ((int)service.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}): {Brief(service)}", service),
        AmazonServiceException service =>
            new MachineProviderException($"{action} failed ({service.ErrorCode ?? "no error code"}): {Brief(service)}", service),
        HttpRequestException or IOException or SocketException or WebException or TimeoutException or OperationCanceledException =>
            new TransientProviderException($"{action} did not reach AWS: {Root(exception).Message}", exception),
        AmazonClientException client when Root(client) is HttpRequestException or IOException or SocketException =>
            new TransientProviderException($"{action} did not reach AWS: {Root(client).Message}", client),
        AmazonClientException client => new MachineProviderException($"{action} failed in the AWS SDK: {client.Message}", client),
        _ => new MachineProviderException($"{action} failed: {exception.GetType().Name}: {exception.Message}", exception),
    };

    /// <summary>AWS's error code of <paramref name="exception"/>, if it is AWS's answer.</summary>
    public static string? CodeOf(Exception exception) => (exception as AmazonServiceException ?? exception.InnerException as AmazonServiceException)?.ErrorCode;

    /// <summary>
    /// AWS's message, without the encoded authorization failure message that follows some refusals (it is long, and
    /// decoding it takes <c>sts:DecodeAuthorizationMessage</c>).
    /// </summary>
    private static string Brief(AmazonServiceException exception)
    {
        var message = exception.Message ?? string.Empty;
        var encoded = message.IndexOf("Encoded authorization failure message:", StringComparison.Ordinal);
        message = (encoded < 0 ? message : message[..encoded]).Trim();
        return message.Length == 0 ? "AWS gave no message." : message.EndsWith('.') ? message : message + ".";
    }

    private static Exception Root(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }
}
