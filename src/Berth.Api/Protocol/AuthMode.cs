namespace Berth.Api.Protocol;

/// <summary>How the API knows who is calling (<c>--auth</c>, docs/security.md).</summary>
public enum AuthMode
{
    /// <summary>Every request acts as the account's root user: for a server only its own machine can reach.</summary>
    Off,

    /// <summary>Every request must carry an AWS Signature Version 4 made with a key Berth issued.</summary>
    SigV4,
}
