// Berth's own APIs, called exactly as the AWS CLI calls them: ECS, CloudWatch Logs and Application Auto Scaling speak
// AWS JSON 1.1, CloudWatch AWS JSON 1.0, ELBv2 the query protocol. With --auth sigv4 each request is signed with the
// access key the user gave (kept in sessionStorage, gone with the tab).
import { presignedUrl, signedHeaders } from "./sigv4.js";

const KEY = "berth.credentials";
let settings = { requiresSignatures: false, defaultRegion: "us-east-1" };

export class ApiError extends Error {
  constructor(type, message, status) {
    super(message || type);
    this.type = type;
    this.status = status;
  }
}

// Chromium fails the requests in flight when the machine's network interfaces change (net::ERR_NETWORK_CHANGED), and
// Docker changes them each time it starts a container here: fetch then rejects with a TypeError, with no answer at all.
// As the AWS SDKs retry such transient connection errors, the console tries again a few times before giving up.
async function fetchRetrying(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (!(e instanceof TypeError) || attempt === 4) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

export async function loadSettings() {
  const response = await fetchRetrying("config.json");
  settings = await response.json();
  return settings;
}

export const requiresSignatures = () => settings.requiresSignatures;

export function credentials() {
  const stored = sessionStorage.getItem(KEY);
  return stored ? JSON.parse(stored) : null;
}

export function signIn(value) {
  sessionStorage.setItem(KEY, JSON.stringify(value));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

const region = () => credentials()?.region || settings.defaultRegion;

function signing() {
  const creds = credentials();
  if (settings.requiresSignatures && !creds) {
    throw new ApiError("MissingAuthenticationToken", "Sign in with an access key first.", 403);
  }
  return settings.requiresSignatures ? creds : null;
}

async function post(service, headers, body, path = "/") {
  const creds = signing();
  const sent = creds ? await signedHeaders({ credentials: creds, region: region(), service, path, headers, body }) : headers;
  return fetchRetrying(path, { method: "POST", headers: sent, body });
}

// A JSON answer, or its AWS JSON error ({"__type": "…#Name" or "Name", "message" or "Message"}) thrown as an ApiError.
async function jsonAnswer(response) {
  const text = await response.text();
  const result = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const type = String(result.__type || response.status).split("#").pop();
    throw new ApiError(type, result.message || result.Message, response.status);
  }
  return result;
}

async function json(prefix, version, service, operation, input) {
  const body = JSON.stringify(input ?? {});
  return jsonAnswer(await post(service, { "Content-Type": `application/x-amz-json-${version}`, "X-Amz-Target": `${prefix}.${operation}` }, body));
}

export const ecs = (operation, input) => json("AmazonEC2ContainerServiceV20141113", "1.1", "ecs", operation, input);
export const logs = (operation, input) => json("Logs_20140328", "1.1", "logs", operation, input);
export const cloudwatch = (operation, input) => json("GraniteServiceVersion20100801", "1.0", "monitoring", operation, input);
export const autoscaling = (operation, input) => json("AnyScaleFrontendService", "1.1", "application-autoscaling", operation, input);

// ELBv2 (query protocol): parameters flattened as botocore sends them; the XML answer as a Document.
export async function elbv2(action, params = {}) {
  const form = new URLSearchParams({ Action: action, Version: "2015-12-01", ...params });
  const response = await post("elasticloadbalancing", { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" }, form.toString());
  const xml = new DOMParser().parseFromString(await response.text(), "application/xml");
  if (!response.ok) {
    const text = (name) => xml.getElementsByTagName(name)[0]?.textContent;
    throw new ApiError(text("Code") || String(response.status), text("Message"), response.status);
  }
  return xml;
}

// The items of an ELBv2 list (one <member> each) and the text of an item's field.
export const xmlMembers = (xml, name) => [...(xml.getElementsByTagName(name)[0]?.children || [])];
export const xmlText = (element, name) => element.getElementsByTagName(name)[0]?.textContent ?? "";

// Every page of a paginated list operation, its `key` member concatenated.
export async function all(call, operation, input, key) {
  const items = [];
  let nextToken;
  do {
    const page = await call(operation, { ...input, nextToken });
    items.push(...(page[key] || []));
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

// An ECS list in pages of 100, the most ECS allows (ListServices would otherwise answer 10 at a time).
export const ecsList = (operation, input, key) => all(ecs, operation, { maxResults: 100, ...input }, key);

// Describe calls take a bounded number of names each (DescribeTasks 100, DescribeServices 10): the batches in parallel.
export async function describeAll(names, size, describe) {
  const batches = [];
  for (let i = 0; i < names.length; i += size) {
    batches.push(describe(names.slice(i, i + size)));
  }
  return (await Promise.all(batches)).flat();
}

// The URL of the event stream (presigned when signing), resuming after the event id `after`; without one, from now on:
// a page only refreshes on events, and replaying the retained ones (thousands, megabytes) would only slow it down.
export const eventStreamUrl = (after) => routeUrl("/_berth/events", { after: after ? String(after) : "latest" });

// Berth's own routes under /_berth/ are signed for service ecs, as the berth commands sign them (SignedRoutes).
async function routeUrl(path, params) {
  const creds = credentials();
  if (!settings.requiresSignatures || !creds) {
    return `${path}?${new URLSearchParams(params)}`;
  }
  return presignedUrl({ credentials: creds, region: region(), service: "ecs", path, params });
}

export const berthGet = async (path, params = {}) => jsonAnswer(await fetchRetrying(await routeUrl(path, params)));

export const berthPost = async (path, input) =>
  jsonAnswer(await post("ecs", { "Content-Type": "application/json" }, JSON.stringify(input ?? {}), path));
