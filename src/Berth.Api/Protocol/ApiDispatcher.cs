using Berth.Api.Query;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>
/// <c>POST /</c> serves every AWS API Berth has; this is the one place that decides which protocol a
/// request speaks. AWS JSON requests name their operation in <c>X-Amz-Target</c>; query requests are
/// form-encoded and name it in their <c>Action</c> parameter, and the query edge finds their service.
/// </summary>
public sealed class ApiDispatcher(AwsJsonEndpoint json, QueryEndpoint query)
{
    public Task HandleAsync(HttpContext http) =>
        http.Request.Headers.ContainsKey("X-Amz-Target") || !http.Request.HasFormContentType
            ? json.HandleAsync(http)
            : query.HandleAsync(http);
}
