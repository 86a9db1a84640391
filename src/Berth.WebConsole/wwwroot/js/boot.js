// The console's entry point. Chromium fails the requests in flight when the machine's network interfaces change
// (net::ERR_NETWORK_CHANGED), as they do whenever Docker creates a network or starts a container on this machine. A
// module that failed to load stays failed for the page, and the console would sit at "Loading…"; so the page is loaded
// again, a few times, and only then says why it could not start.
const KEY = "berth.console.load-attempts";
const attempts = Number(sessionStorage.getItem(KEY) || 0);

import("./app.js").then(
  () => sessionStorage.removeItem(KEY),
  (e) => {
    if (attempts < 5) {
      sessionStorage.setItem(KEY, String(attempts + 1));
      setTimeout(() => location.reload(), 500);
    } else {
      sessionStorage.removeItem(KEY);
      document.getElementById("view").textContent = `The console could not load: ${e.message}`;
    }
  });
