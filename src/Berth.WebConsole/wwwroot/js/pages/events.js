import { h, link, section, status, table, tail } from "../dom.js";
import { onEvent } from "../live.js";

// How many events the page keeps: a busy cluster sends thousands, and the page shows the newest.
const KEEP = 200;

// One line of an event's detail, by type (README, "Event stream": the three types and their details).
function summary(event) {
  const d = event.detail || {};
  if (event["detail-type"] === "ECS Task State Change") return `task ${tail(d.taskArn)}: ${d.lastStatus} (desired ${d.desiredStatus})${d.stoppedReason ? ` · ${d.stoppedReason}` : ""}`;
  if (event["detail-type"] === "ECS Deployment State Change") return `${d.eventName} · ${d.deploymentId || ""}${d.reason ? ` · ${d.reason}` : ""}`;
  return d.message || "";
}

// The live event stream: each event the console's stream brings (from the moment the console opened), newest first.
export async function render(page) {
  const events = [];
  const list = section("Events", "event-stream");
  const show = () => list.set(table([
    ["Time", (e) => new Date(e.time).toLocaleString()],
    ["Type", (e) => e["detail-type"]],
    ["Cluster", (e) => (e.detail?.clusterArn ? link(`#/clusters/${encodeURIComponent(tail(e.detail.clusterArn))}`, tail(e.detail.clusterArn)) : "")],
    ["Status", (e) => status(e.detail?.lastStatus || e.detail?.eventName?.replace("SERVICE_DEPLOYMENT_", ""))],
    ["Event", (e) => summary(e)],
  ], events, { empty: "No events since the console opened: they appear here as they happen.", id: "event-stream-table" }));
  const stop = onEvent((e) => {
    if (!page.isConnected) {
      stop();
      return;
    }
    events.unshift(e);
    events.length = Math.min(events.length, KEEP);
    show();
  });
  page.append(h("h1", {}, "Event stream"), h("p", {}, "Task state changes, service events and deployment state changes, live from ",
    h("code", {}, "/_berth/events"), "."), list.element);
  show();
}
