namespace Backprop.Simd.Server;

/// <summary>
/// The last word on a failed request: a body Kestrel refuses (too large, cut short) is the client's
/// problem and gets its 4xx; anything else is a 500 that is logged with its stack trace, while the
/// response says only that it happened, unless the environment is Development. A client that
/// hangs up mid-request (a reset while its body is read, or while it waits for the row budget) is
/// not a server failure: nothing can be answered, so it is logged as information, not as a 500.
/// </summary>
internal static class ProblemBoundary
{
    public static async Task Handle(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e)
        {
            if (context.Response.HasStarted) throw;
            context.Response.Headers.Connection = "close";
            string detail = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"the body is longer than the model can take ({context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes at most)"
                : $"the request could not be read: {e.Message}";
            await PredictionService.Problem(e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request", detail).ExecuteAsync(context);
        }
        catch (Exception e) when (e is Microsoft.AspNetCore.Connections.ConnectionResetException || context.RequestAborted.IsCancellationRequested)
        {
            // The reset can surface from the body read before RequestAborted is set, hence both tests.
            ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Backprop.Simd.Server");
            logger.LogInformation("{Method} {Path}: the client went away mid-request ({Exception})", context.Request.Method, context.Request.Path, e.GetType().Name);
        }
        catch (Exception e)
        {
            ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Backprop.Simd.Server");
            logger.LogError(e, "{Method} {Path} failed with a 500", context.Request.Method, context.Request.Path);
            if (context.Response.HasStarted) throw;
            context.Response.Clear();
            context.Response.Headers.Connection = "close";
            bool development = context.RequestServices.GetRequiredService<IWebHostEnvironment>().IsDevelopment();
            await PredictionService.Problem(StatusCodes.Status500InternalServerError, "Internal server error",
                development ? e.ToString() : "the server failed on this request; the failure is in its log").ExecuteAsync(context);
        }
    }
}
