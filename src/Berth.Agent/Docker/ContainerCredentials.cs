namespace Berth.Agent.Docker;

/// <summary>
/// The environment variables an SDK's container credentials provider reads: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
/// (resolved against 169.254.170.2), or AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN.
/// </summary>
internal sealed record ContainerCredentials(string? RelativeUri, string? FullUri, string? AuthorizationToken);
