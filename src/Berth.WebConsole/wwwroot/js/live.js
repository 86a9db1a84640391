// Live updates from GET /_berth/events (server-sent events). A page registers one refresh function; any event calls it,
// at most once a second. When the stream cannot be read (a user not allowed berth:ReadEvents; the server restarts),
// pages are refreshed every 5 seconds until it is back.
import { eventStreamUrl } from "./api.js";

let refresh = null;
let source = null;
let lastId = 0;
let pending = null;
let poll = null;
const listeners = new Set();

export function onRefresh(fn) {
  refresh = fn;
}

// Raw events, for pages that show them (the event list); returns an unsubscribe function.
export function onEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function schedule() {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    refresh?.();
  }, 1000);
}

function polling(on) {
  if (on && !poll) poll = setInterval(() => refresh?.(), 5000);
  if (!on && poll) {
    clearInterval(poll);
    poll = null;
  }
  document.body.dataset.live = on ? "polling" : "live";
}

// A page kept in the back/forward cache would keep its stream open, and Chromium allows six connections per host: a
// few pages left that way hold every connection and the console's own API calls wait for one. The stream is closed
// when the page is hidden and reopened, after the last id seen, if it is shown again.
window.addEventListener("pagehide", () => {
  source?.close();
  source = null;
});
window.addEventListener("pageshow", (e) => {
  if (e.persisted) connect();
});

export async function connect() {
  source?.close();
  source = new EventSource(await eventStreamUrl(lastId));
  source.onopen = () => polling(false);
  const handle = (message) => {
    lastId = Number(message.lastEventId) || lastId;
    const event = JSON.parse(message.data);
    listeners.forEach((fn) => fn(event));
    schedule();
  };
  for (const type of ["ECS Task State Change", "ECS Service Event", "ECS Deployment State Change"]) {
    source.addEventListener(type, handle);
  }
  // EventSource would retry the same (maybe expired) presigned URL: reconnect with a fresh one after the last id seen.
  source.onerror = () => {
    source.close();
    polling(true);
    setTimeout(connect, 3000);
  };
}
