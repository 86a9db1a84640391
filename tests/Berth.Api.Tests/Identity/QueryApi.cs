using System.Net;
using System.Xml.Linq;

namespace Berth.Api.Tests.Identity;

/// <summary>A query-protocol API (IAM, STS) as the tests call it: form posts, and its XML answers read by path.</summary>
internal sealed record QueryApi(string Version, XNamespace Ns)
{
    public static readonly QueryApi Iam = new("2010-05-08", "https://iam.amazonaws.com/doc/2010-05-08/");

    public static readonly QueryApi Sts = new("2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/");

    public async Task<(HttpStatusCode Status, XElement Body)> PostAsync(HttpClient http, string action, params (string Name, string Value)[] parameters)
    {
        using var response = await http.PostAsync("/", new FormUrlEncodedContent(
            [new("Action", action), new("Version", Version), .. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))]));
        return (response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>The text at a path of element names (<c>GetRoleResult/Role/Arn</c>).</summary>
    public string Text(XElement body, string path) =>
        path.Split('/').Aggregate(body, (e, name) => e.Element(Ns + name) ?? throw new InvalidOperationException($"No {name} in {e}")).Value;

    /// <summary>The texts of every element named as the path's last name (<c>Roles/member/RoleName</c>).</summary>
    public IEnumerable<string> Members(XElement body, string path) => body.Descendants(Ns + path.Split('/')[^1]).Select(e => e.Value);

    public string ErrorCode(XElement body) => Text(body, "Error/Code");
}
