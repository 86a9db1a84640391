import { all, logs } from "../api.js";
import { errorBox, errorText, h, link, section, table, when } from "../dom.js";

const MAX_LINES = 2000;
const time = (ms) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

const line = (e) => h("div", { class: "log-line" }, h("time", {}, time(e.timestamp)), " ", e.message);

// Live tail of one stream: GetLogEvents from its head, then again with each nextForwardToken every second (the AWS CLI's
// `logs tail --follow` polls the same way). It stops once its element leaves the page.
export function logTail(group, stream) {
  const lines = h("div", { class: "log-lines", "data-stream": stream });
  const state = h("p", { class: "log-state" });
  const follow = h("input", { type: "checkbox", checked: true });
  const element = h("div", { class: "log-tail" }, h("label", { class: "follow" }, follow, " Follow"), lines, state);
  let nextToken;
  const poll = async () => {
    if (!element.isConnected) return;
    let wait = 1000;
    try {
      const page = await logs("GetLogEvents", { logGroupName: group, logStreamName: stream, startFromHead: true, nextToken });
      state.textContent = "";
      if (page.events.length > 0) {
        lines.append(...page.events.map(line));
        while (lines.childElementCount > MAX_LINES) lines.firstElementChild.remove();
        if (follow.checked) lines.scrollTop = lines.scrollHeight;
        wait = 0;
      }
      nextToken = page.nextForwardToken;
    } catch (e) {
      // The stream appears with the container's first line.
      state.textContent = e.type === "ResourceNotFoundException" ? "Waiting for the first log line…" : errorText(e);
      wait = 2000;
    }
    setTimeout(poll, wait);
  };
  setTimeout(poll, 0);
  return element;
}

export async function renderGroups(page) {
  const groups = section("Log groups", "log-groups");
  page.append(h("h1", {}, "Logs"), groups.element);
  const refresh = async () => {
    const list = await all(logs, "DescribeLogGroups", {}, "logGroups");
    groups.set(table([
      ["Log group", (g) => link(`#/logs/${encodeURIComponent(g.logGroupName)}`, g.logGroupName)],
      ["Retention (days)", (g) => g.retentionInDays ?? "never expire"],
      ["Stored bytes", (g) => g.storedBytes],
      ["Created", (g) => when(g.creationTime / 1000)],
    ], list, { empty: "No log groups yet.", id: "log-group-table" }));
  };
  await refresh();
  return refresh;
}

export async function renderGroup(page, { group }) {
  const streams = section("Log streams", "log-streams");
  const results = h("div", { id: "filter-results" });
  const pattern = h("input", { id: "filter-pattern", placeholder: "filter pattern, e.g. ERROR or \"exact phrase\"" });
  const form = h("form", { class: "inline", id: "filter-form" }, h("label", {}, "Filter ", pattern), h("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const found = await logs("FilterLogEvents", { logGroupName: group, filterPattern: pattern.value, limit: 500 });
      results.replaceChildren(found.events.length === 0
        ? h("p", { class: "empty" }, "No matching events.")
        : h("div", { class: "log-lines" }, found.events.map((ev) => h("div", { class: "log-line" }, h("time", {}, time(ev.timestamp)), ` ${ev.logStreamName} `, ev.message))));
    } catch (failure) {
      results.replaceChildren(errorBox(failure));
    }
  });
  page.append(h("p", { class: "crumbs" }, link("#/logs", "Logs"), " / ", group), h("h1", {}, group), form, results, streams.element);
  const refresh = async () => {
    const page1 = await logs("DescribeLogStreams", { logGroupName: group, orderBy: "LastEventTime", descending: true, limit: 50 });
    streams.set(table([
      ["Log stream", (s) => link(`#/logs/${encodeURIComponent(group)}/${encodeURIComponent(s.logStreamName)}`, s.logStreamName)],
      ["Last event", (s) => (s.lastEventTimestamp ? time(s.lastEventTimestamp) : "")],
    ], page1.logStreams, { empty: "No streams yet.", id: "log-stream-table" }));
  };
  await refresh();
  return refresh;
}

export async function renderStream(page, { group, stream }) {
  page.append(h("p", { class: "crumbs" }, link("#/logs", "Logs"), " / ", link(`#/logs/${encodeURIComponent(group)}`, group), " / ", stream),
    h("h1", {}, stream), logTail(group, stream));
}
