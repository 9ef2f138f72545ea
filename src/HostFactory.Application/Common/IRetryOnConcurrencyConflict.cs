namespace HostFactory.Application.Common;

/// <summary>
/// Marks a command whose whole handler is re-run when it hits a <c>ConcurrencyException</c>, up to
/// <see cref="ApplicationOptions.ConcurrencyRetryCount"/> times with a short jittered pause. Only for handlers that
/// are safe to re-run from the start: they load what they change, and call no machine provider (a provider call must
/// never be repeated; such handlers retry just the reload-apply-save of the aggregate that conflicted instead).
/// </summary>
public interface IRetryOnConcurrencyConflict;
