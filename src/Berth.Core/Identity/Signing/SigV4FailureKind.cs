namespace Berth.Core.Identity.Signing;

/// <summary>
/// Why a request's signature was refused. Each kind is one AWS refusal, which the AWS JSON (and RPC v2 CBOR)
/// and the query protocols name differently (<see cref="SigV4Failure.JsonCode"/>, <see cref="SigV4Failure.QueryCode"/>).
/// </summary>
public enum SigV4FailureKind
{
    /// <summary>No Authorization header and no X-Amz-Algorithm query parameter.</summary>
    MissingAuthenticationToken,

    /// <summary>A signature is there but lacks a part (credential, signed headers, date, …).</summary>
    IncompleteSignature,

    /// <summary>The access key is unknown or inactive, or the session token does not belong to it.</summary>
    UnrecognizedClient,

    /// <summary>The signature does not match, is outside the allowed clock skew, or has a wrong scope.</summary>
    InvalidSignature,

    /// <summary>The temporary credentials' session has ended.</summary>
    ExpiredToken,

    /// <summary>The signed x-amz-content-sha256 header does not match the body.</summary>
    PayloadHashMismatch,
}
