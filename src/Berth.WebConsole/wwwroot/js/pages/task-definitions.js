import { ecs, ecsList } from "../api.js";
import { action, h, link, section, status, table, tail, when } from "../dom.js";

const TEMPLATE = {
  family: "web",
  containerDefinitions: [{ name: "web", image: "berth/sample-web", memory: 64, portMappings: [{ containerPort: 80 }] }],
};

// What DescribeTaskDefinition adds that RegisterTaskDefinition does not take.
const DESCRIBED_ONLY = ["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt"];

// A JSON editor that registers its content as a new revision and shows Berth's validation error inline.
function editor(initial) {
  const text = h("textarea", { id: "task-definition-json", rows: 18, spellcheck: "false" });
  text.value = JSON.stringify(initial, null, 2);
  const register = action("Register", async () => {
    let input;
    try {
      input = JSON.parse(text.value);
    } catch (e) {
      throw new Error(`Not JSON: ${e.message}`);
    }
    const registered = (await ecs("RegisterTaskDefinition", input)).taskDefinition;
    location.hash = `#/task-definitions/${encodeURIComponent(registered.family)}/${registered.revision}`;
    return `Registered ${registered.family}:${registered.revision}.`;
  }, { id: "register-task-definition" });
  return h("div", { class: "editor" }, h("h2", {}, "Register a revision"),
    h("p", {}, "The input of RegisterTaskDefinition (the AWS CLI's --cli-input-json)."), text, register);
}

export async function renderFamilies(page) {
  const families = section("Families", "families");
  page.append(h("h1", {}, "Task definitions"), families.element, editor(TEMPLATE));
  const refresh = async () => {
    const names = await ecsList("ListTaskDefinitionFamilies", { status: "ACTIVE" }, "families");
    families.set(table([["Family", (f) => link(`#/task-definitions/${encodeURIComponent(f)}`, f)]], names.sort(),
      { empty: "No task definitions yet.", id: "family-table", rowId: (f) => f }));
  };
  await refresh();
  return refresh;
}

export async function renderFamily(page, { family }) {
  const revisions = section("Revisions", "revisions");
  page.append(h("p", { class: "crumbs" }, link("#/task-definitions", "Task definitions"), " / ", family), h("h1", {}, family), revisions.element);
  const refresh = async () => {
    const arns = await ecsList("ListTaskDefinitions", { familyPrefix: family, sort: "DESC" }, "taskDefinitionArns");
    // familyPrefix matches by prefix: keep this family's own revisions.
    const own = arns.filter((arn) => tail(arn).split(":")[0] === family);
    revisions.set(table([
      ["Revision", (arn) => link(`#/task-definitions/${encodeURIComponent(family)}/${tail(arn).split(":")[1]}`, tail(arn))],
      ["", (arn) => action("Deregister", () => ecs("DeregisterTaskDefinition", { taskDefinition: arn }).then(refresh), { confirm: `Deregister ${tail(arn)}?` })],
    ], own, { empty: "No active revisions.", id: "revision-table", rowId: (arn) => tail(arn) }));
  };
  await refresh();
  return refresh;
}

export async function renderRevision(page, { family, revision }) {
  const { taskDefinition: definition } = await ecs("DescribeTaskDefinition", { taskDefinition: `${family}:${revision}` });
  const registerable = Object.fromEntries(Object.entries(definition).filter(([k]) => !DESCRIBED_ONLY.includes(k)));
  page.append(
    h("p", { class: "crumbs" }, link("#/task-definitions", "Task definitions"), " / ", link(`#/task-definitions/${encodeURIComponent(family)}`, family), " / ", revision),
    h("h1", {}, `${family}:${revision}`),
    h("p", {}, status(definition.status), ` registered ${when(definition.registeredAt)}`),
    definition.status === "ACTIVE" ? action("Deregister", () => ecs("DeregisterTaskDefinition", { taskDefinition: definition.taskDefinitionArn }), { id: "deregister" }) : null,
    h("h2", {}, "JSON"), h("pre", { id: "task-definition-view", class: "json" }, JSON.stringify(definition, null, 2)),
    editor(registerable));
}
