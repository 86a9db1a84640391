using Berth.Api.Protocol.Query;
using Berth.Api.Query;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>
/// <c>POST /</c> serves every AWS API Berth has; this is the one place that decides which protocol a
/// request speaks. AWS JSON requests name their operation in <c>X-Amz-Target</c>; query requests are
/// form-encoded and name it in their <c>Action</c> parameter. Query requests signed for CloudWatch
/// ("monitoring") go to the query edge of its JSON handlers; the rest (ELBv2, later IAM and STS) to the
/// model-driven query layer.
/// </summary>
public sealed class ApiDispatcher(AwsJsonEndpoint json, QueryEndpoint query, JsonQueryEndpoint jsonQuery)
{
    private const string CloudWatchSigningName = "monitoring";

    public Task HandleAsync(HttpContext http)
    {
        if (http.Request.Headers.ContainsKey("X-Amz-Target") || !http.Request.HasFormContentType)
        {
            return json.HandleAsync(http);
        }
        return SigV4CredentialScope.Parse(http.Request.Headers.Authorization.ToString())?.Service == CloudWatchSigningName
            ? jsonQuery.HandleAsync(http)
            : query.HandleAsync(http);
    }
}
