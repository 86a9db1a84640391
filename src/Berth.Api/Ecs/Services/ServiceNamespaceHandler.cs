using Berth.Api.Protocol;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Services;

/// <summary>
/// ListServicesByNamespace. Berth has no Cloud Map: the only namespaces it knows are those its clusters name as their
/// Service Connect default (CreateCluster's <c>serviceConnectDefaults</c>), and no service can use Service Connect
/// (CreateService refuses <c>serviceConnectConfiguration</c>). So a known namespace lists no service, and any other
/// is ECS's NamespaceNotFoundException.
/// </summary>
internal sealed class ServiceNamespaceHandler(IStateStore store)
{
    public void Register(JsonService service) => service
        .Add<ListServicesByNamespaceRequest, ListServicesByNamespaceResponse>(ListAsync);

    private async Task<ListServicesByNamespaceResponse> ListAsync(
        ListServicesByNamespaceRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var name = Require.NotBlank(request.Namespace, "namespace");
        if (request.MaxResults is { } limit)
        {
            Require.InRange(limit, 1, 100, "maxResults");
        }
        var clusters = await store.QueryAsync(EcsRecords.Clusters, new RecordQuery(EcsRecords.Clusters.Kind, context.Scope.EcsArnPrefix), cancellationToken)
            .ConfigureAwait(false);
        var known = clusters.Any(c => c.Value.Status == "ACTIVE" && c.Value.ServiceConnectDefaults?.Namespace is { } given && Names(given, name));
        return known ? new ListServicesByNamespaceResponse { ServiceArns = [] } : throw new NamespaceNotFoundException();
    }

    /// <summary>A namespace is given by name or by its Cloud Map ARN (<c>…:namespace/ns-…</c>), in the request and in the cluster alike.</summary>
    private static bool Names(string stored, string requested) =>
        stored == requested || stored.EndsWith("/" + requested, StringComparison.Ordinal) || requested.EndsWith("/" + stored, StringComparison.Ordinal);
}
