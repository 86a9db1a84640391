// AWS Signature Version 4 in the browser (WebCrypto), as botocore signs: the console's requests are judged by the
// same SigV4 verification and IAM policies as any SDK's.

const encoder = new TextEncoder();

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function sha256Hex(text) {
  return hex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

async function hmac(key, text) {
  const raw = typeof key === "string" ? encoder.encode(key) : key;
  const imported = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return crypto.subtle.sign("HMAC", imported, encoder.encode(text));
}

// RFC 3986 unreserved characters stay; everything else is percent-encoded, as SigV4's canonical query requires.
export const uriEncode = (text) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

const amzDate = (now) => now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

async function signature(credentials, region, service, date, stringToSign) {
  let key = await hmac("AWS4" + credentials.secretAccessKey, date.slice(0, 8));
  for (const part of [region, service, "aws4_request"]) {
    key = await hmac(key, part);
  }
  return hex(await hmac(key, stringToSign));
}

const canonicalQuery = (params) =>
  Object.entries(params)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");

// The headers to send with a POST of `body` to `path`: the given ones plus X-Amz-Date, the session token if any, and
// Authorization over all of them and Host (which the browser sets to location.host).
export async function signedHeaders({ credentials, region, service, path, headers, body, now = new Date() }) {
  const date = amzDate(now);
  const all = { ...headers, "X-Amz-Date": date };
  if (credentials.sessionToken) {
    all["X-Amz-Security-Token"] = credentials.sessionToken;
  }
  const canonical = Object.entries({ ...all, host: location.host })
    .map(([k, v]) => [k.toLowerCase(), String(v).trim()])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const names = canonical.map(([k]) => k).join(";");
  const request = ["POST", path, "", ...canonical.map(([k, v]) => `${k}:${v}`), "", names, await sha256Hex(body)].join("\n");
  const scope = `${date.slice(0, 8)}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", date, scope, await sha256Hex(request)].join("\n");
  const sig = await signature(credentials, region, service, date, toSign);
  all.Authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names}, Signature=${sig}`;
  return all;
}

// A presigned GET URL (query-string SigV4), for EventSource, which cannot send headers.
export async function presignedUrl({ credentials, region, service, path, params, expiresSeconds = 900, now = new Date() }) {
  const date = amzDate(now);
  const scope = `${date.slice(0, 8)}/${region}/${service}/aws4_request`;
  const query = {
    ...params,
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": `${credentials.accessKeyId}/${scope}`,
    "X-Amz-Date": date,
    "X-Amz-Expires": String(expiresSeconds),
    "X-Amz-SignedHeaders": "host",
  };
  if (credentials.sessionToken) {
    query["X-Amz-Security-Token"] = credentials.sessionToken;
  }
  const canonical = canonicalQuery(query);
  const request = ["GET", path, canonical, `host:${location.host}`, "", "host", await sha256Hex("")].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", date, scope, await sha256Hex(request)].join("\n");
  return `${path}?${canonical}&X-Amz-Signature=${await signature(credentials, region, service, date, toSign)}`;
}
