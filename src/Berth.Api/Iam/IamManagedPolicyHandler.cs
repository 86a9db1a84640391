using System.Security.Cryptography;
using System.Text;
using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.Identity.Credentials;
using Berth.Core.Identity.Policies;
using static Berth.Api.Iam.IamMembers;

namespace Berth.Api.Iam;

/// <summary>Managed policies: AWS's (read-only, one version each) and the account's customer managed policies with their versions.</summary>
internal sealed class IamManagedPolicyHandler(ManagedPolicies policies, PolicyAttachments attachments)
{
    // The AWS managed policies' dates are AWS's business; IAM reports them, so Berth reports one fixed date for all.
    private static readonly DateTimeOffset AwsPolicyDate = new(2015, 2, 6, 18, 39, 46, TimeSpan.Zero);

    public void Register(QueryService service) => service
        .Add<CreatePolicyRequest, CreatePolicyResponse>(CreatePolicyAsync)
        .Add<GetPolicyRequest, GetPolicyResponse>(GetPolicyAsync)
        .Add<ListPoliciesRequest, ListPoliciesResponse>(ListPoliciesAsync)
        .Add<DeletePolicyRequest, DeletePolicyResponse>(DeletePolicyAsync)
        .Add<CreatePolicyVersionRequest, CreatePolicyVersionResponse>(CreatePolicyVersionAsync)
        .Add<GetPolicyVersionRequest, GetPolicyVersionResponse>(GetPolicyVersionAsync)
        .Add<ListPolicyVersionsRequest, ListPolicyVersionsResponse>(ListPolicyVersionsAsync)
        .Add<DeletePolicyVersionRequest, DeletePolicyVersionResponse>(DeletePolicyVersionAsync)
        .Add<SetDefaultPolicyVersionRequest, SetDefaultPolicyVersionResponse>(SetDefaultPolicyVersionAsync);

    private async Task<CreatePolicyResponse> CreatePolicyAsync(CreatePolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var policy = await policies.CreateAsync(context.Scope.AccountId, Name(request.PolicyName, "policyName", 128), Path(request.Path),
            Required(request.PolicyDocument, "policyDocument"), request.Description, Tags(request.Tags), cancellationToken).ConfigureAwait(false);
        return new CreatePolicyResponse { Policy = Customer(policy, 0) };
    }

    private async Task<GetPolicyResponse> GetPolicyAsync(GetPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var arn = Required(request.PolicyArn, "policyArn");
        var counts = await attachments.CountsAsync(context.Scope.AccountId, cancellationToken).ConfigureAwait(false);
        var policy = AwsManagedPolicies.Find(arn) is { } aws
            ? Aws(aws, counts.GetValueOrDefault(arn))
            : Customer(await policies.GetAsync(context.Scope.AccountId, arn, cancellationToken).ConfigureAwait(false), counts.GetValueOrDefault(arn));
        return new GetPolicyResponse { Policy = policy };
    }

    /// <summary>AWS's policies (Scope AWS), the account's (Scope Local) or both (All), by name; OnlyAttached keeps those attached to a user or role.</summary>
    private async Task<ListPoliciesResponse> ListPoliciesAsync(ListPoliciesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.PolicyUsageFilter is not null)
        {
            throw new QueryUnsupportedException("Berth has no permissions boundaries: ListPolicies takes no PolicyUsageFilter.");
        }
        var scope = request.Scope ?? "All";
        if (scope is not ("All" or "AWS" or "Local"))
        {
            throw new QueryValidationException(
                $"1 validation error detected: Value '{scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]");
        }
        var counts = await attachments.CountsAsync(context.Scope.AccountId, cancellationToken).ConfigureAwait(false);
        IEnumerable<Policy> candidates = scope == "Local" ? [] : AwsManagedPolicies.All.Select(p => Aws(p, counts.GetValueOrDefault(p.Arn)));
        if (scope != "AWS")
        {
            var own = await policies.ListAsync(context.Scope.AccountId, cancellationToken).ConfigureAwait(false);
            candidates = candidates.Concat(own.Select(p => Customer(p, counts.GetValueOrDefault(p.Arn))));
        }
        var matching = candidates.Where(p => p.Path!.StartsWith(request.PathPrefix ?? "/", StringComparison.Ordinal)
            && (request.OnlyAttached != true || p.AttachmentCount > 0));
        // ListPolicies leaves out tags (GetPolicy gives them), as IAM does.
        var page = IamPage.Of(matching.Select(p => p with { Tags = null }), p => $"{p.PolicyName!.ToLowerInvariant()} {p.Arn}", request.Marker, request.MaxItems);
        return new ListPoliciesResponse { Policies = page.Items, IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    private async Task<DeletePolicyResponse> DeletePolicyAsync(DeletePolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        await attachments.DeletePolicyAsync(context.Scope.AccountId, Customer(request.PolicyArn), cancellationToken).ConfigureAwait(false);
        return new DeletePolicyResponse();
    }

    private async Task<CreatePolicyVersionResponse> CreatePolicyVersionAsync(CreatePolicyVersionRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var arn = Customer(request.PolicyArn);
        var version = await policies.CreateVersionAsync(context.Scope.AccountId, arn, Required(request.PolicyDocument, "policyDocument"),
            request.SetAsDefault == true, cancellationToken).ConfigureAwait(false);
        // CreatePolicyVersion answers without the document, as IAM does.
        return new CreatePolicyVersionResponse
        {
            PolicyVersion = new PolicyVersion { VersionId = version.VersionId, IsDefaultVersion = request.SetAsDefault == true, CreateDate = version.CreateDate },
        };
    }

    private async Task<GetPolicyVersionResponse> GetPolicyVersionAsync(GetPolicyVersionRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var arn = Required(request.PolicyArn, "policyArn");
        var versionId = Required(request.VersionId, "versionId");
        var versions = await VersionsAsync(arn, context, cancellationToken).ConfigureAwait(false);
        var version = versions.FirstOrDefault(v => v.VersionId == versionId)
            ?? throw new NoSuchEntityException($"Policy {arn} version {versionId} does not exist or is not attachable.");
        return new GetPolicyVersionResponse { PolicyVersion = version };
    }

    private async Task<ListPolicyVersionsResponse> ListPolicyVersionsAsync(ListPolicyVersionsRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        var versions = await VersionsAsync(Required(request.PolicyArn, "policyArn"), context, cancellationToken).ConfigureAwait(false);
        // Newest first, without documents, as IAM lists them.
        var page = IamPage.Of(versions.Select(v => v with { Document = null }), v => $"{int.MaxValue - int.Parse(v.VersionId![1..]):D10}", request.Marker,
            request.MaxItems);
        return new ListPolicyVersionsResponse { Versions = page.Items, IsTruncated = page.NextToken is not null, Marker = page.NextToken };
    }

    private async Task<DeletePolicyVersionResponse> DeletePolicyVersionAsync(DeletePolicyVersionRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        await policies.DeleteVersionAsync(context.Scope.AccountId, Customer(request.PolicyArn), Required(request.VersionId, "versionId"), cancellationToken)
            .ConfigureAwait(false);
        return new DeletePolicyVersionResponse();
    }

    private async Task<SetDefaultPolicyVersionResponse> SetDefaultPolicyVersionAsync(SetDefaultPolicyVersionRequest request, RequestContext context,
        CancellationToken cancellationToken)
    {
        await policies.SetDefaultVersionAsync(context.Scope.AccountId, Customer(request.PolicyArn), Required(request.VersionId, "versionId"), cancellationToken)
            .ConfigureAwait(false);
        return new SetDefaultPolicyVersionResponse();
    }

    /// <summary>A policy's versions, with documents: an AWS managed policy has the one AWS publishes.</summary>
    private async Task<IReadOnlyList<PolicyVersion>> VersionsAsync(string arn, RequestContext context, CancellationToken cancellationToken)
    {
        if (AwsManagedPolicies.Find(arn) is { } aws)
        {
            return [new PolicyVersion { VersionId = aws.DefaultVersionId, Document = IamViews.Document(aws.Document), IsDefaultVersion = true, CreateDate = AwsPolicyDate }];
        }
        var policy = await policies.GetAsync(context.Scope.AccountId, arn, cancellationToken).ConfigureAwait(false);
        return [.. policy.Versions.Select(v => new PolicyVersion
        {
            VersionId = v.VersionId,
            Document = IamViews.Document(v.Document),
            IsDefaultVersion = v.VersionId == policy.DefaultVersionId,
            CreateDate = v.CreateDate,
        })];
    }

    /// <summary>The ARN of a policy the request changes: AWS's own cannot be changed.</summary>
    private static string Customer(string? policyArn)
    {
        var arn = Required(policyArn, "policyArn");
        return AwsManagedPolicies.Find(arn) is null
            ? arn
            : throw new QueryAccessDeniedException($"Policy {arn} is an AWS managed policy: only AWS changes it.");
    }

    private static Policy Customer(ManagedPolicyRecord policy, int attachmentCount) => new()
    {
        PolicyName = policy.PolicyName,
        PolicyId = policy.PolicyId,
        Arn = policy.Arn,
        Path = policy.Path,
        DefaultVersionId = policy.DefaultVersionId,
        AttachmentCount = attachmentCount,
        PermissionsBoundaryUsageCount = 0,
        IsAttachable = true,
        Description = policy.Description,
        CreateDate = policy.CreateDate,
        UpdateDate = policy.UpdateDate,
        Tags = IamViews.Tags(policy.Tags),
    };

    private static Policy Aws(AwsManagedPolicy policy, int attachmentCount) => new()
    {
        PolicyName = policy.Name,
        // AWS's policy ids are stable per policy: derived from the ARN, so every account sees the same one.
        PolicyId = "ANPA" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(policy.Arn)))[..17],
        Arn = policy.Arn,
        Path = policy.Path,
        DefaultVersionId = policy.DefaultVersionId,
        AttachmentCount = attachmentCount,
        PermissionsBoundaryUsageCount = 0,
        IsAttachable = true,
        Description = policy.Description,
        CreateDate = AwsPolicyDate,
        UpdateDate = AwsPolicyDate,
    };
}
