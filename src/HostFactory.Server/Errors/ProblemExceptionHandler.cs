using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace HostFactory.Server.Errors;

/// <summary>Writes every exception that reaches the edge as ProblemDetails, through <see cref="ProblemMapper"/>.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return true;
        }

        var problem = ProblemMapper.Map(exception);
        if (problem.Status >= 500)
        {
            ServerLog.CallFailed(logger, exception, httpContext.Request.Method, httpContext.Request.Path, problem.Status);
        }

        ProblemDetails details = problem.Errors is { } errors
            ? new HttpValidationProblemDetails(errors)
            : new ProblemDetails();
        details.Status = problem.Status;
        details.Type = problem.Type;
        details.Title = problem.Title;
        details.Detail = problem.Detail;
        details.Instance = httpContext.Request.Path;

        httpContext.Response.StatusCode = problem.Status;
        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
