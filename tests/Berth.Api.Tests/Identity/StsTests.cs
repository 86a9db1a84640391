using System.Net;
using System.Xml.Linq;
using Berth.Control.Identity;
using Berth.Core.Identity.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Identity;

/// <summary>STS on a sigv4 server: who the caller is, and temporary credentials that work, survive a restart and expire.</summary>
public sealed class StsTests : SigV4ServerTest
{
    private static QueryApi Sts => QueryApi.Sts;

    private Task<(HttpStatusCode Status, XElement Body)> StsAsync(string accessKeyId, SigningCredential credential, string action,
        params (string Name, string Value)[] parameters) => Sts.PostAsync(Signed(accessKeyId, credential, "sts"), action, parameters);

    private Task<(HttpStatusCode Status, XElement Body)> AsRootAsync(string action, params (string Name, string Value)[] parameters) =>
        Sts.PostAsync(AsRoot("sts"), action, parameters);

    private static string Text(XElement body, string path) => Sts.Text(body, path);

    private static string ErrorCode(XElement body) => Sts.ErrorCode(body);

    [Fact]
    public async Task Get_caller_identity_names_the_root_user()
    {
        var (status, body) = await AsRootAsync("GetCallerIdentity");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("arn:aws:iam::000000000000:root", Text(body, "GetCallerIdentityResult/Arn"));
        Assert.Equal("000000000000", Text(body, "GetCallerIdentityResult/Account"));
        Assert.Equal("000000000000", Text(body, "GetCallerIdentityResult/UserId"));
    }

    [Fact]
    public async Task A_session_token_signs_requests_as_its_caller_and_outlives_a_restart()
    {
        var (status, body) = await AsRootAsync("GetSessionToken", ("DurationSeconds", "900"));
        Assert.Equal(HttpStatusCode.OK, status);
        var keyId = Text(body, "GetSessionTokenResult/Credentials/AccessKeyId");
        Assert.Matches("^ASIA[A-Z2-7]{16}$", keyId);
        var session = new SigningCredential(Text(body, "GetSessionTokenResult/Credentials/SecretAccessKey"),
            Text(body, "GetSessionTokenResult/Credentials/SessionToken"));
        Assert.NotEmpty(Text(body, "GetSessionTokenResult/Credentials/Expiration"));
        Assert.Equal("arn:aws:iam::000000000000:root", Text((await StsAsync(keyId, session, "GetCallerIdentity")).Body, "GetCallerIdentityResult/Arn"));

        var withoutToken = await StsAsync(keyId, session with { SessionToken = null }, "GetCallerIdentity");
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidClientTokenId"), (withoutToken.Status, ErrorCode(withoutToken.Body)));
        var again = await StsAsync(keyId, session, "GetSessionToken");
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (again.Status, ErrorCode(again.Body)));

        await RestartAsync();
        Assert.Equal(HttpStatusCode.OK, (await StsAsync(keyId, session, "GetCallerIdentity")).Status);
    }

    [Fact]
    public async Task An_expired_session_is_refused_with_expired_token()
    {
        var issued = await Server.Services.GetRequiredService<AccessKeys>().CreateAsync("000000000000", "arn:aws:iam::000000000000:root", "ASIA",
            DateTimeOffset.UtcNow.AddSeconds(-1), CancellationToken.None);
        var credential = new SigningCredential(issued.SecretAccessKey, issued.SessionToken);
        var (status, body) = await StsAsync(issued.AccessKeyId, credential, "GetCallerIdentity");
        Assert.Equal((HttpStatusCode.Forbidden, "ExpiredToken"), (status, ErrorCode(body)));
        var ecs = await new EcsClient(Server.NewHttp(new SigningHandler(issued.AccessKeyId, credential)), "us-east-1").SendAsync("ListClusters", new { });
        Assert.Equal((HttpStatusCode.Forbidden, "ExpiredTokenException"), (ecs.Status, ecs.Error.Type));
    }

    [Fact]
    public async Task A_duration_outside_sts_limits_is_a_validation_error()
    {
        var (status, body) = await AsRootAsync("GetSessionToken", ("DurationSeconds", "60"));
        Assert.Equal((HttpStatusCode.BadRequest, "ValidationError"), (status, ErrorCode(body)));
    }
}
