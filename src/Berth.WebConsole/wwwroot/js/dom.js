// A few DOM helpers. Pages build elements, never HTML strings, so text from the API is always text.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return element;
}

export const link = (href, text) => h("a", { href }, text);

// A table of `rows`: columns are [heading, row => cell content]. Empty rows show `empty`.
export function table(columns, rows, { empty = "None.", id, rowId } = {}) {
  if (rows.length === 0) return h("p", { class: "empty", id }, empty);
  return h("table", { id },
    h("thead", {}, h("tr", {}, columns.map(([heading]) => h("th", {}, heading)))),
    h("tbody", {}, rows.map((row) => h("tr", { "data-id": rowId?.(row) }, columns.map(([, cell]) => h("td", {}, cell(row) ?? ""))))));
}

// The last part of an ARN (cluster/name → name; task/cluster/id → id).
export const tail = (arn) => (arn ? String(arn).split("/").pop() : "");

export const when = (epochSeconds) => (epochSeconds ? new Date(epochSeconds * 1000).toLocaleString() : "");

export const status = (text) => h("span", { class: `status status-${String(text || "").toLowerCase()}` }, text || "");

// A section whose content is replaced on each refresh while the rest of the page (forms being typed in) stays.
export function section(title, id) {
  const body = h("div", { id });
  return { element: h("section", {}, h("h2", {}, title), body), set: (...content) => body.replaceChildren(...content.flat().filter((c) => c)) };
}

// A button that runs an API action and shows its error (the API's own message) beside it, or `done` after success.
export function action(label, run, { confirm: question, id, danger } = {}) {
  const message = h("span", { class: "action-result", role: "status" });
  const button = h("button", { class: danger ? "danger" : undefined, type: "button" }, label);
  button.addEventListener("click", async () => {
    if (question && !window.confirm(question)) return;
    button.disabled = true;
    message.textContent = "";
    message.className = "action-result";
    try {
      message.textContent = (await run()) || "Done.";
    } catch (e) {
      message.className = "action-result error";
      message.textContent = errorText(e);
    } finally {
      button.disabled = false;
    }
  });
  return h("span", { class: "action", id }, button, message);
}

export const errorText = (e) => (e.type ? `${e.type}: ${e.message}` : String(e.message || e));

export const errorBox = (e) => h("p", { class: "error", role: "alert" }, errorText(e));
