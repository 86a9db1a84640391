using Berth.Api.Query;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>
/// <c>POST /</c> serves every AWS API Berth has; this is the one place that decides which protocol a
/// request speaks. AWS JSON requests name their operation in <c>X-Amz-Target</c>; query requests
/// (ELBv2, later IAM and STS) are form-encoded and name it in their <c>Action</c> parameter.
/// </summary>
public sealed class ApiDispatcher(AwsJsonEndpoint json, QueryEndpoint query)
{
    public Task HandleAsync(HttpContext http) =>
        !http.Request.Headers.ContainsKey("X-Amz-Target") && http.Request.HasFormContentType
            ? query.HandleAsync(http)
            : json.HandleAsync(http);
}
