using HostFactory.Domain.Providers;
using Microsoft.Extensions.Logging;

namespace HostFactory.Application.Common;

/// <summary>What a provider answered, or why it could not.</summary>
/// <param name="Value">The answer; default when <paramref name="Problem"/> is set.</param>
/// <param name="Problem">One sentence saying what went wrong; null on success.</param>
internal readonly record struct ProviderAnswer<T>(T? Value, string? Problem);

/// <summary>
/// Calls a provider by name where a failure must not fail the whole operation: a provider that is not configured, or
/// that throws (anything but the caller's own cancellation), becomes a logged problem sentence.
/// </summary>
internal static class ProviderCall
{
    /// <param name="providers">The registry.</param>
    /// <param name="providerName">The provider instance.</param>
    /// <param name="action">What is asked, completing "failed to …", e.g. <c>describe 2 machine(s)</c>.</param>
    /// <param name="call">The call.</param>
    /// <param name="logger">Where failures are logged.</param>
    /// <param name="cancellationToken">The caller's token; its cancellation propagates.</param>
    public static async Task<ProviderAnswer<T>> TryAsync<T>(
        IMachineProviderRegistry providers,
        string providerName,
        string action,
        Func<IMachineProvider, CancellationToken, Task<T>> call,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        if (!providers.TryGet(providerName, out var provider))
        {
            return new(default, $"Provider '{providerName}' is not configured, so it could not {action}.");
        }

        try
        {
            return new(await call(provider, cancellationToken), null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ProviderCallFailed(logger, exception, providerName, action, exception.Message);
            return new(default, $"Provider '{providerName}' failed to {action}: {exception.Message}");
        }
    }
}
