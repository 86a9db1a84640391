import { berthGet, berthPost } from "../api.js";
import { action, h, link, section, table, tail } from "../dom.js";

// The same reports as `berth cost` and `berth cleanup` (docs/cost.md), from the operator routes they call.
const COST_ROUTE = "/_berth/cost/v1/report";
const CLEANUP_ROUTE = "/_berth/cleanup";

const day = (date) => date.toISOString().slice(0, 10);
// Cents hide what a short trial costs (a small task's first minute is a millionth of a dollar): below 1, two
// significant digits, however many decimals that takes.
const figure = (value) => (Number(value) !== 0 && Math.abs(Number(value)) < 1
  ? Number(value).toLocaleString("en-US", { maximumSignificantDigits: 2 })
  : Number(value).toFixed(2));
const money = (amount, currency) => (amount === null || amount === undefined ? "" : `${figure(amount)} ${currency}`);
const hours = figure;

// The period's first day (this month's) and its exclusive end (tomorrow), as the report defaults them.
function thisMonth() {
  const now = new Date();
  return { start: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))), end: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))) };
}

function costTable(report) {
  const cur = report.currency;
  const byTag = Boolean(report.tagKey);
  const sum = (key) => report.rows.reduce((total, row) => total + Number(row[key] || 0), 0);
  const columns = [
    ...(byTag ? [] : [["Cluster", (r) => (r.cluster ? link(`#/clusters/${encodeURIComponent(r.cluster)}`, r.cluster) : "")]]),
    [byTag ? `Tag ${report.tagKey}` : "Service", (r) => (!byTag && r.group !== "-" && r.cluster
      ? link(`#/clusters/${encodeURIComponent(r.cluster)}/services/${encodeURIComponent(r.group)}`, r.group)
      : r.group)],
    ["Capacity", (r) => r.capacity],
    ["Tasks", (r) => r.tasks],
    ["vCPU-hours", (r) => hours(r.vcpuHours)],
    ["GB-hours", (r) => hours(r.gbHours)],
    ["Cost", (r) => money(r.cost, cur)],
    ["Spot savings", (r) => (Number(r.spotSavings) ? money(r.spotSavings, cur) : "")],
    ["On Fargate", (r) => money(r.fargateEquivalent, cur)],
  ];
  return [
    table(columns, report.rows, { empty: "No task ran in this period.", id: "cost-table", rowId: (r) => `${r.cluster}/${r.group}/${r.capacity}` }),
    h("p", { id: "cost-total" }, `Total ${money(sum("cost"), cur)}`,
      sum("spotSavings") ? `, Spot savings ${money(sum("spotSavings"), cur)}` : "",
      sum("fargateEquivalent") ? `; EC2 tasks would cost ${money(sum("fargateEquivalent"), cur)} on Fargate` : "",
      `. Prices: ${report.priceSource}.`),
  ];
}

// What each task would cost on Fargate, per cluster and service or per tag value, for a period.
export async function renderCost(page) {
  const period = thisMonth();
  const field = (label, name, value, type = "date") => h("label", {}, label, h("input", { name, type, value }));
  const form = h("form", { id: "cost-period", class: "inline" },
    field("From", "start", period.start), field("To (exclusive)", "end", period.end),
    field("Group by tag key (empty: by service)", "tag", "", "text"), h("button", { type: "submit" }, "Show"));
  const report = section("Cost", "cost-report");
  const load = async () => {
    const value = Object.fromEntries(new FormData(form));
    const shown = await berthPost(COST_ROUTE, { start: value.start, end: value.end, by: value.tag ? `tag:${value.tag}` : "service" });
    report.set(costTable(shown));
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    load().catch((failure) => report.set(h("p", { class: "error", role: "alert" }, `${failure.type || "Error"}: ${failure.message}`)));
  });
  page.append(h("h1", {}, "Cost"),
    h("p", {}, "What the tasks would cost on AWS Fargate: per second, with Fargate's one-minute minimum, at the prices of the server's price table (docs/cost.md). EC2 tasks are billed by AWS as instances; their Fargate price is shown apart."),
    form, report.element);
  await load();
  return load;
}

// What is left over and what --apply would do with it; applying asks first and acts through the API's own operations.
export async function renderCleanup(page) {
  const report = section("Leftovers", "cleanup-report");
  const show = (shown) => {
    const outcome = new Map((shown.applied || []).map((a) => [`${a.kind} ${a.resource}`, a.error || "done"]));
    report.set(table([
      ["Kind", (l) => l.kind],
      ["Resource", (l) => (l.resource.startsWith("arn:") ? tail(l.resource) : l.resource)],
      ["Why", (l) => l.reason],
      ["Stored", (l) => (l.bytes === null || l.bytes === undefined ? "" : `${l.bytes} bytes`)],
      ["Apply does", (l) => l.action || "nothing (see why)"],
      ...(shown.applied ? [["Result", (l) => outcome.get(`${l.kind} ${l.resource}`) || ""]] : []),
    ], shown.leftovers, { empty: "Nothing is left over.", id: "cleanup-table", rowId: (l) => l.resource }));
  };
  const refresh = async () => show(await berthGet(CLEANUP_ROUTE));
  page.append(h("h1", {}, "Clean-up"),
    h("p", {}, "Idle services, inactive revisions, empty load balancers and target groups, log groups kept for ever, lost instances and containers of no task, as ", h("code", {}, "berth cleanup"), " lists them."),
    action("Apply all", async () => {
      const applied = await berthPost(CLEANUP_ROUTE, {});
      show(applied);
      return `Applied to ${applied.applied.length} leftovers.`;
    }, { id: "cleanup-apply", danger: true, confirm: "Apply every suggested action? Deleted resources cannot be had back." }),
    report.element);
  await refresh();
  return refresh;
}
