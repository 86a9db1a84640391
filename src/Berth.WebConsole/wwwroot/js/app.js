// The console's shell: settings, sign-in when the server wants signatures, the hash router and live updates.
import { credentials, ecs, loadSettings, requiresSignatures, signIn, signOut } from "./api.js";
import { action, errorBox, h } from "./dom.js";
import { connect, onRefresh } from "./live.js";
import * as clusters from "./pages/clusters.js";
import * as cluster from "./pages/cluster.js";
import * as service from "./pages/service.js";
import * as task from "./pages/task.js";
import * as taskDefinitions from "./pages/task-definitions.js";
import * as logGroups from "./pages/logs.js";
import * as loadBalancers from "./pages/load-balancers.js";
import * as events from "./pages/events.js";
import * as cost from "./pages/cost.js";

// Route patterns over location.hash; each :name is one decoded path segment.
const routes = [
  ["/clusters", clusters.render],
  ["/clusters/:cluster", cluster.render],
  ["/clusters/:cluster/services/:service", service.render],
  ["/clusters/:cluster/tasks/:task", task.render],
  ["/task-definitions", taskDefinitions.renderFamilies],
  ["/task-definitions/:family", taskDefinitions.renderFamily],
  ["/task-definitions/:family/:revision", taskDefinitions.renderRevision],
  ["/logs", logGroups.renderGroups],
  ["/logs/:group", logGroups.renderGroup],
  ["/logs/:group/:stream", logGroups.renderStream],
  ["/load-balancers", loadBalancers.render],
  ["/events", events.render],
  ["/cost", cost.renderCost],
  ["/cleanup", cost.renderCleanup],
];

function match(path) {
  const parts = path.split("/").filter(Boolean);
  for (const [pattern, render] of routes) {
    const names = pattern.split("/").filter(Boolean);
    if (names.length !== parts.length) continue;
    const params = {};
    if (names.every((n, i) => (n.startsWith(":") ? ((params[n.slice(1)] = decodeURIComponent(parts[i])), true) : n === parts[i]))) {
      return [render, params];
    }
  }
  return null;
}

// Each navigation gets a fresh view element; a page's timers stop once their elements leave the document.
async function route() {
  const started = performance.now();
  const view = document.getElementById("view");
  const found = match(location.hash.slice(1) || "/clusters");
  onRefresh(null);
  const page = h("div", { class: "page" });
  view.replaceChildren(page);
  if (!found) {
    page.append(h("p", { class: "error" }, `No page at ${location.hash}.`));
    return;
  }
  const [render, params] = found;
  try {
    const refresh = await render(page, params);
    if (refresh) onRefresh(() => refresh().catch((e) => console.warn("refresh failed", e)));
  } catch (e) {
    page.append(errorBox(e));
  }
  // What bench/console_render.py reads: the page's time from navigation to rendered, its API calls included.
  document.body.dataset.renderMs = Math.round(performance.now() - started);
  document.body.dataset.page = location.hash || "#/clusters";
}

function signInForm() {
  const field = (label, name, type = "text", value = "") =>
    h("label", {}, label, h("input", { name, type, value, autocomplete: "off", spellcheck: "false" }));
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { id: "sign-in", class: "card" },
    h("h1", {}, "Sign in"),
    h("p", {}, "This Berth server checks SigV4 signatures. The console signs each request in your browser with this key; it is kept in this tab only."),
    field("Access key ID", "accessKeyId"),
    field("Secret access key", "secretAccessKey", "password"),
    field("Session token (optional, for STS credentials)", "sessionToken", "password"),
    field("Region", "region", "text", "us-east-1"),
    h("button", { type: "submit" }, "Sign in"),
    error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = Object.fromEntries(new FormData(form));
    if (!value.sessionToken) delete value.sessionToken;
    signIn(value);
    try {
      await ecs("ListClusters", { maxResults: 1 });
      start();
    } catch (failure) {
      signOut();
      error.textContent = `${failure.type}: ${failure.message}`;
    }
  });
  document.getElementById("view").replaceChildren(form);
}

function showIdentity() {
  const identity = document.getElementById("identity");
  const creds = credentials();
  identity.replaceChildren(...(requiresSignatures() && creds
    ? [h("span", {}, creds.accessKeyId), action("Sign out", async () => {
        signOut();
        location.reload();
      })]
    : []));
}

let started = false;

function start() {
  showIdentity();
  if (!started) {
    started = true;
    window.addEventListener("hashchange", route);
    connect();
  }
  route();
}

// Without its settings the console cannot tell whether to sign: say so, rather than stay at "Loading…".
try {
  await loadSettings();
  if (requiresSignatures() && !credentials()) signInForm();
  else start();
} catch (e) {
  document.getElementById("view").replaceChildren(errorBox(e));
}
