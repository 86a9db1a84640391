using System.Security.Cryptography;
using System.Text;
using Berth.Core.Identity.Signing;

namespace Berth.Core.Tests.Identity.Signing;

public class SigV4VerifierTests
{
    private const string AccessKeyId = "AKIABERTHTEST0000001";
    private const string Secret = "test/Secret+Key0123456789abcdefghijklmno";
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);
    private static readonly SigningCredential LongTerm = new(Secret);

    [Fact]
    public void Unsigned_request_is_missing_authentication_token()
    {
        var failure = Inspect(Unsigned(), Now);

        Assert.Equal(SigV4FailureKind.MissingAuthenticationToken, failure.Kind);
        Assert.Equal("Missing Authentication Token", failure.Message);
        Assert.Equal(("MissingAuthenticationTokenException", "MissingAuthenticationToken", 403), (failure.JsonCode, failure.QueryCode, failure.StatusCode));
    }

    [Fact]
    public void Signed_request_is_accepted_with_its_scope()
    {
        var verdict = Verify(Sign(Unsigned()), LongTerm, Now);

        Assert.True(verdict.IsAccepted);
        Assert.Equal(new SigV4Identity(AccessKeyId, "eu-west-1", "ecs", null, Now), verdict.Identity);
    }

    [Fact]
    public void Unknown_access_key_is_an_unrecognized_client_named_per_protocol()
    {
        var verdict = Verify(Sign(Unsigned()), credential: null, Now);

        Assert.Equal(SigV4FailureKind.UnrecognizedClient, verdict.Failure?.Kind);
        Assert.Equal("The security token included in the request is invalid.", verdict.Failure?.Message);
        Assert.Equal(("UnrecognizedClientException", "InvalidClientTokenId", 403),
            (verdict.Failure?.JsonCode, verdict.Failure?.QueryCode, verdict.Failure?.StatusCode));
    }

    [Fact]
    public void Wrong_secret_is_a_signature_mismatch_with_awss_message()
    {
        var verdict = Verify(Sign(Unsigned()), new SigningCredential("forged" + Secret), Now);

        Assert.Equal(SigV4FailureKind.InvalidSignature, verdict.Failure?.Kind);
        Assert.Equal(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            verdict.Failure?.Message);
        Assert.Equal(("InvalidSignatureException", "SignatureDoesNotMatch"), (verdict.Failure?.JsonCode, verdict.Failure?.QueryCode));
    }

    [Fact]
    public void Signature_expired_after_15_minutes_of_skew()
    {
        var failure = Inspect(Sign(Unsigned()), Now.AddMinutes(15).AddSeconds(1));

        Assert.Equal(SigV4FailureKind.InvalidSignature, failure.Kind);
        Assert.Equal("Signature expired: 20250314T092653Z is now earlier than 20250314T092654Z (20250314T094154Z - 15 min.)", failure.Message);
    }

    [Fact]
    public void Signature_exactly_15_minutes_old_is_still_accepted()
    {
        Assert.True(Verify(Sign(Unsigned()), LongTerm, Now.AddMinutes(15)).IsAccepted);
    }

    [Fact]
    public void Signature_more_than_15_minutes_in_the_future_is_not_yet_current()
    {
        var failure = Inspect(Sign(Unsigned()), Now.AddMinutes(-16));

        Assert.Equal(SigV4FailureKind.InvalidSignature, failure.Kind);
        Assert.Equal("Signature not yet current: 20250314T092653Z is still later than 20250314T092553Z (20250314T091053Z + 15 min.)", failure.Message);
    }

    [Fact]
    public void Expired_session_token_is_refused_as_expired_token()
    {
        var session = new SigningCredential(Secret, "session-token", Now.AddMinutes(-1));

        var verdict = Verify(Sign(Unsigned(), session), session, Now);

        Assert.Equal(SigV4FailureKind.ExpiredToken, verdict.Failure?.Kind);
        Assert.Equal("The security token included in the request is expired", verdict.Failure?.Message);
        Assert.Equal(("ExpiredTokenException", "ExpiredToken", 403), (verdict.Failure?.JsonCode, verdict.Failure?.QueryCode, verdict.Failure?.StatusCode));
    }

    [Fact]
    public void Session_credentials_before_expiry_are_accepted_with_the_token()
    {
        var session = new SigningCredential(Secret, "session-token", Now.AddMinutes(1));

        var verdict = Verify(Sign(Unsigned(), session), session, Now);

        Assert.Equal("session-token", verdict.Identity?.SessionToken);
    }

    [Fact]
    public void Session_credentials_without_their_token_are_unrecognized()
    {
        var verdict = Verify(Sign(Unsigned()), new SigningCredential(Secret, "session-token", Now.AddHours(1)), Now);

        Assert.Equal(SigV4FailureKind.UnrecognizedClient, verdict.Failure?.Kind);
    }

    [Fact]
    public void Session_token_of_other_credentials_is_unrecognized()
    {
        var verdict = Verify(Sign(Unsigned(), new SigningCredential(Secret, "other-token")),
            new SigningCredential(Secret, "session-token", Now.AddHours(1)), Now);

        Assert.Equal(SigV4FailureKind.UnrecognizedClient, verdict.Failure?.Kind);
    }

    [Fact]
    public void Long_term_key_with_a_session_token_is_unrecognized()
    {
        var verdict = Verify(Sign(Unsigned(), new SigningCredential(Secret, "made-up-token")), LongTerm, Now);

        Assert.Equal(SigV4FailureKind.UnrecognizedClient, verdict.Failure?.Kind);
    }

    [Fact]
    public void Changed_body_no_longer_matches_the_signature()
    {
        var tampered = Sign(Unsigned()) with { PayloadSha256 = SigV4Request.HashPayload("{\"count\":100}"u8) };

        Assert.Equal(SigV4FailureKind.InvalidSignature, Verify(tampered, LongTerm, Now).Failure?.Kind);
    }

    [Fact]
    public void Changed_signed_header_no_longer_matches_but_an_unsigned_one_may_change()
    {
        var signed = Sign(Unsigned());
        var retargeted = signed with { Headers = [.. signed.Headers.Select(h => h.Key == "X-Amz-Target" ? new(h.Key, "AmazonEC2ContainerServiceV20141113.DeleteCluster") : h)] };
        var withAgent = signed with { Headers = [.. signed.Headers, new("User-Agent", "aws-cli/2")] };

        Assert.Equal(SigV4FailureKind.InvalidSignature, Verify(retargeted, LongTerm, Now).Failure?.Kind);
        Assert.True(Verify(withAgent, LongTerm, Now).IsAccepted);
    }

    [Fact]
    public void Request_scoped_to_another_service_is_refused()
    {
        var failure = Inspect(Sign(Unsigned(), service: "logs"), Now);

        Assert.Equal(SigV4FailureKind.InvalidSignature, failure.Kind);
        Assert.Equal("Credential should be scoped to correct service: 'ecs'. ", failure.Message);
    }

    [Fact]
    public void Without_an_expected_service_the_scope_names_it()
    {
        var request = Sign(Unsigned(), service: "sts");

        Assert.True(SigV4Verifier.TryInspect(request, Now, expectedService: null, out var signed, out _));
        Assert.Equal("sts", signed.Service);
    }

    [Fact]
    public void Authorization_header_without_its_parts_is_an_incomplete_signature()
    {
        var request = Unsigned() with { Headers = [.. Unsigned().Headers, new("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250314/us-east-1/ecs/aws4_request")] };

        var failure = Inspect(request, Now);

        Assert.Equal(SigV4FailureKind.IncompleteSignature, failure.Kind);
        Assert.Equal(
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
            "Authorization=AWS4-HMAC-SHA256 Credential=AKID/20250314/us-east-1/ecs/aws4_request",
            failure.Message);
        Assert.Equal(("IncompleteSignatureException", "IncompleteSignature", 400), (failure.JsonCode, failure.QueryCode, failure.StatusCode));
    }

    [Fact]
    public void Date_not_in_iso_8601_basic_format_is_an_incomplete_signature()
    {
        var request = WithHeader(Sign(Unsigned()), "X-Amz-Date", "2025-03-14T09:26:53Z");

        var failure = Inspect(request, Now);

        Assert.Equal(SigV4FailureKind.IncompleteSignature, failure.Kind);
        Assert.StartsWith("Date must be in ISO-8601 'basic format'. Got '2025-03-14T09:26:53Z'.", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("20250230T092653Z")]
    [InlineData("20251314T092653Z")]
    [InlineData("20250314T246053Z")]
    [InlineData("20250314T092660Z")]
    [InlineData("2025031xT092653Z")]
    [InlineData("20250314T092653")]
    public void Impossible_basic_format_dates_are_an_incomplete_signature(string amzDate)
    {
        var failure = Inspect(WithHeader(Sign(Unsigned()), "X-Amz-Date", amzDate), Now);

        Assert.Equal(SigV4FailureKind.IncompleteSignature, failure.Kind);
        Assert.StartsWith($"Date must be in ISO-8601 'basic format'. Got '{amzDate}'.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_in_upper_case_hex_is_the_same_signature()
    {
        var signed = Sign(Unsigned());
        var authorization = signed.Header("Authorization")!;
        var at = authorization.IndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length;

        Assert.True(Verify(WithHeader(signed, "Authorization", authorization[..at] + authorization[at..].ToUpperInvariant()), LongTerm, Now).IsAccepted);
        Assert.Equal(SigV4FailureKind.InvalidSignature,
            Verify(WithHeader(signed, "Authorization", authorization[..^2]), LongTerm, Now).Failure?.Kind);
        Assert.Equal(SigV4FailureKind.InvalidSignature,
            Verify(WithHeader(signed, "Authorization", authorization[..^2] + "zz"), LongTerm, Now).Failure?.Kind);
    }

    [Fact]
    public void Credential_scope_date_must_be_the_signing_date()
    {
        var request = WithHeader(Sign(Unsigned()), "X-Amz-Date", "20250315T000000Z");

        var failure = Inspect(request, new DateTimeOffset(2025, 3, 15, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250314' != '20250315', from '20250315T000000Z'.",
            failure.Message);
    }

    [Fact]
    public void Host_must_be_a_signed_header()
    {
        var signed = Sign(Unsigned());
        var request = WithHeader(signed, "Authorization", signed.Header("Authorization")!.Replace("host;", "", StringComparison.Ordinal));

        Assert.Equal("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", Inspect(request, Now).Message);
    }

    [Fact]
    public void Unsupported_algorithm_is_an_incomplete_signature()
    {
        var request = Unsigned() with { Headers = [.. Unsigned().Headers, new("Authorization", "AWS AKID:c2lnbmF0dXJl")] };

        Assert.Equal(SigV4FailureKind.IncompleteSignature, Inspect(request, Now).Kind);
    }

    [Fact]
    public void Http_date_header_may_stand_in_for_x_amz_date()
    {
        var request = Unsigned() with { Headers = [.. Unsigned().Headers, new("Date", "Fri, 14 Mar 2025 09:26:53 GMT")] };
        var signedHeaders = new[] { "content-type", "date", "host", "x-amz-target" };
        var scope = CanonicalRequest.Scope("20250314", "eu-west-1", "ecs");
        var signature = CanonicalRequest.Signature(Secret, "20250314", "eu-west-1", "ecs", CanonicalRequest.StringToSign(
            "20250314T092653Z", scope, CanonicalRequest.Build(request, signedHeaders, request.PayloadSha256, null)));
        request = request with
        {
            Headers = [.. request.Headers, new("Authorization", $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/{scope}, SignedHeaders={string.Join(';', signedHeaders)}, Signature={signature}")],
        };

        Assert.True(Verify(request, LongTerm, Now).IsAccepted);
    }

    [Fact]
    public void Stated_payload_hash_must_be_the_bodys()
    {
        var body = Unsigned().PayloadSha256;
        var honest = Sign(WithHeader(Unsigned(), "X-Amz-Content-SHA256", body));
        var lying = Sign(WithHeader(Unsigned() with { PayloadSha256 = SigV4Request.HashPayload("{\"cluster\":\"prod\"}"u8) }, "X-Amz-Content-SHA256", body));

        Assert.True(Verify(honest, LongTerm, Now).IsAccepted);
        var failure = Inspect(lying, Now);
        Assert.Equal(SigV4FailureKind.PayloadHashMismatch, failure.Kind);
        Assert.Equal("The provided 'x-amz-content-sha256' header does not match what was computed.", failure.Message);
    }

    [Fact]
    public void Unsigned_payload_is_accepted_only_for_an_empty_body()
    {
        var empty = Sign(WithHeader(Unsigned() with { PayloadSha256 = SigV4Request.EmptyPayloadSha256 }, "X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"));
        var withBody = Sign(WithHeader(Unsigned(), "X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"));

        Assert.True(Verify(empty, LongTerm, Now).IsAccepted);
        Assert.Equal(SigV4FailureKind.PayloadHashMismatch, Inspect(withBody, Now).Kind);
    }

    [Fact]
    public void Presigned_url_is_good_until_x_amz_expires_and_refused_after()
    {
        var url = Presign(expiresSeconds: 3600);

        Assert.True(Verify(url, LongTerm, Now.AddMinutes(59)).IsAccepted);
        Assert.Equal("Signature expired: 20250314T092653Z is now earlier than 20250314T092654Z (20250314T102654Z - 60 min.)",
            Inspect(url, Now.AddHours(1).AddSeconds(1), "sts").Message);
    }

    [Fact]
    public void Presigned_url_may_not_outlive_a_week()
    {
        var failure = Inspect(Presign(expiresSeconds: 604801), Now, "sts");

        Assert.Equal(SigV4FailureKind.IncompleteSignature, failure.Kind);
        Assert.Equal("X-Amz-Expires must be less than a week (in seconds) that is; 604800", failure.Message);
    }

    [Fact]
    public void Presigned_url_with_an_authorization_header_too_is_refused()
    {
        var url = Presign(expiresSeconds: 60);
        var both = url with { Headers = [.. url.Headers, new("Authorization", "AWS4-HMAC-SHA256 Credential=x")] };

        Assert.Equal(SigV4FailureKind.IncompleteSignature, Inspect(both, Now, "sts").Kind);
    }

    [Fact]
    public async Task VerifyAsync_looks_up_the_access_key_it_was_signed_with()
    {
        var looked = new List<string>();

        var verdict = await SigV4Verifier.VerifyAsync(Sign(Unsigned()), Now, "ecs", (id, _) =>
        {
            looked.Add(id);
            return ValueTask.FromResult<SigningCredential?>(LongTerm);
        }, CancellationToken.None);

        Assert.True(verdict.IsAccepted);
        Assert.Equal([AccessKeyId], looked);
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("/a%20b/c", "/a%2520b/c")]
    [InlineData("/a/./b/../c//", "/a/c/")]
    [InlineData("/service/GraniteServiceVersion20100801/operation/PutMetricData", "/service/GraniteServiceVersion20100801/operation/PutMetricData")]
    public void Canonical_uri_normalizes_and_encodes_the_wire_path_again(string rawPath, string expected)
    {
        Assert.Equal(expected, CanonicalRequest.CanonicalUri(rawPath));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("b=2&a=1", "a=1&b=2")]
    [InlineData("a=2&a=1", "a=1&a=2")]
    [InlineData("flag&a=", "a=&flag=")]
    [InlineData("k=a+b&s=a%20b", "k=a%2Bb&s=a%20b")]
    [InlineData("x=%2f%7e", "x=%2F~")]
    [InlineData("X-Amz-Signature=abc&z=1", "z=1")]
    public void Canonical_query_sorts_reencodes_and_leaves_out_the_signature(string rawQuery, string expected)
    {
        Assert.Equal(expected, CanonicalRequest.CanonicalQuery(rawQuery, "X-Amz-Signature"));
    }

    [Fact]
    public void Signing_keys_are_kept_per_secret_date_region_and_service()
    {
        // Each scope differs from the one before it in one part only, so a cache keyed on fewer parts would answer
        // the previous scope's key; the second pass reads every key from the cache.
        (string Secret, string Date, string Region, string Service)[] scopes =
        [
            (Secret, "20250314", "eu-west-1", "ecs"),
            (Secret, "20250315", "eu-west-1", "ecs"),
            (Secret, "20250315", "us-east-1", "ecs"),
            (Secret, "20250315", "us-east-1", "logs"),
            ("other" + Secret, "20250315", "us-east-1", "logs"),
        ];
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var (secret, date, region, service) in scopes)
            {
                Assert.Equal(ChainedSignature(secret, date, region, service, "string to sign"),
                    CanonicalRequest.Signature(secret, date, region, service, "string to sign"));
            }
        }
    }

    private static SigV4Request Unsigned() => new(
        "POST", "/", "",
        [new("Host", "ecs.eu-west-1.amazonaws.com"), new("Content-Type", "application/x-amz-json-1.1"), new("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.RunTask")],
        SigV4Request.HashPayload(Encoding.UTF8.GetBytes("{\"count\":1}")));

    private static SigV4Request Sign(SigV4Request request, SigningCredential? credential = null, string service = "ecs") =>
        request with { Headers = [.. request.Headers, .. SigV4Signer.Sign(request, AccessKeyId, credential ?? LongTerm, "eu-west-1", service, Now)] };

    private static SigV4Request WithHeader(SigV4Request request, string name, string value) =>
        request with { Headers = [.. request.Headers.Where(h => !string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)), new(name, value)] };

    /// <summary>A GET presigned the way botocore's SigV4QueryAuth does it: auth parameters in the query, host signed.</summary>
    private static SigV4Request Presign(int expiresSeconds)
    {
        var query = $"Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={AccessKeyId}%2F20250314%2Feu-west-1%2Fsts%2Faws4_request" +
            $"&X-Amz-Date=20250314T092653Z&X-Amz-Expires={expiresSeconds}&X-Amz-SignedHeaders=host";
        var request = new SigV4Request("GET", "/", query, [new("Host", "sts.amazonaws.com")], SigV4Request.EmptyPayloadSha256);
        var signature = CanonicalRequest.Signature(Secret, "20250314", "eu-west-1", "sts", CanonicalRequest.StringToSign(
            "20250314T092653Z", CanonicalRequest.Scope("20250314", "eu-west-1", "sts"), CanonicalRequest.Build(request, ["host"], request.PayloadSha256, null)));
        return request with { RawQuery = $"{query}&X-Amz-Signature={signature}" };
    }

    /// <summary>SigV4's key derivation written out, as its documentation gives it.</summary>
    private static string ChainedSignature(string secret, string date, string region, string service, string stringToSign)
    {
        static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date), region), service), "aws4_request");
        return Convert.ToHexStringLower(Hmac(key, stringToSign));
    }

    private static SigV4Failure Inspect(SigV4Request request, DateTimeOffset now, string service = "ecs")
    {
        Assert.False(SigV4Verifier.TryInspect(request, now, service, out _, out var failure));
        return failure;
    }

    private static SigV4Verdict Verify(SigV4Request request, SigningCredential? credential, DateTimeOffset now)
    {
        var service = request.Header("Authorization")?.Split('/')[3] ?? "sts";
        Assert.True(SigV4Verifier.TryInspect(request, now, service, out var signed, out var failure), failure?.Message);
        return SigV4Verifier.Verify(signed, credential, now);
    }
}
