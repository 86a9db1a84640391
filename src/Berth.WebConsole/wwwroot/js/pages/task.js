import { ecs } from "../api.js";
import { action, h, link, section, status, table, tail, when } from "../dom.js";
import { logTail } from "./logs.js";

// The awslogs stream of each container, named as the agent names it: prefix/container/task-id.
function logStreams(taskDefinition, taskId) {
  return (taskDefinition.containerDefinitions || [])
    .filter((c) => c.logConfiguration?.logDriver === "awslogs" && c.logConfiguration.options?.["awslogs-stream-prefix"])
    .map((c) => ({
      container: c.name,
      group: c.logConfiguration.options["awslogs-group"],
      stream: `${c.logConfiguration.options["awslogs-stream-prefix"]}/${c.name}/${taskId}`,
    }));
}

export async function render(page, { cluster, task: taskId }) {
  const summary = h("dl", { id: "task-summary", class: "summary" });
  const containers = section("Containers", "containers");
  const network = section("Network", "network");
  const logs = section("Logs", "task-logs");
  const refresh = async () => {
    const described = await ecs("DescribeTasks", { cluster, tasks: [taskId] });
    const t = described.tasks[0];
    if (!t) throw new Error(described.failures?.[0]?.reason || "task not found");
    const item = (term, value) => (value === undefined || value === null || value === "" ? [] : [h("dt", {}, term), h("dd", {}, value)]);
    summary.replaceChildren(...item("Last status", status(t.lastStatus)), ...item("Desired status", t.desiredStatus),
      ...item("Task definition", tail(t.taskDefinitionArn)), ...item("Group", t.group), ...item("Launch type", t.launchType),
      ...item("Container instance", tail(t.containerInstanceArn)), ...item("Started", when(t.startedAt)), ...item("Stopped", when(t.stoppedAt)),
      ...item("Stop code", t.stopCode), ...item("Stopped reason", t.stoppedReason));
    containers.set(table([
      ["Container", (c) => c.name],
      ["Image", (c) => c.image],
      ["Last status", (c) => status(c.lastStatus)],
      ["Health", (c) => c.healthStatus],
      ["Exit code", (c) => c.exitCode],
      ["Reason", (c) => c.reason],
      ["Ports", (c) => (c.networkBindings || []).map((b) => `${b.hostPort}→${b.containerPort}/${b.protocol}`).join(", ")],
    ], t.containers || [], { id: "container-table", rowId: (c) => c.name }));
    const eni = (t.attachments || []).filter((a) => a.type === "ElasticNetworkInterface");
    network.set(eni.length === 0
      ? h("p", { class: "empty" }, "No network interface of its own (bridge or host network mode).")
      : table([["Name", (d) => d.name], ["Value", (d) => d.value]], eni.flatMap((a) => a.details || []), { id: "network-table" }));
    return t;
  };
  const stop = action("Stop task", () => ecs("StopTask", { cluster, task: taskId, reason: "Stopped from the Berth console" }).then(refresh),
    { id: "stop-task", danger: true, confirm: "Stop this task?" });
  page.append(
    h("p", { class: "crumbs" }, link("#/clusters", "Clusters"), " / ", link(`#/clusters/${encodeURIComponent(cluster)}`, cluster), " / task ", taskId),
    h("h1", {}, `Task ${taskId}`), summary, h("div", { class: "actions" }, stop), containers.element, network.element, logs.element);
  const task = await refresh();
  const definition = (await ecs("DescribeTaskDefinition", { taskDefinition: task.taskDefinitionArn })).taskDefinition;
  const streams = logStreams(definition, taskId);
  logs.set(streams.length === 0
    ? h("p", { class: "empty" }, "No container of this task uses the awslogs log driver.")
    : streams.map((s) => h("div", {}, h("h3", {}, `${s.container}: `, link(`#/logs/${encodeURIComponent(s.group)}/${encodeURIComponent(s.stream)}`, `${s.group} ${s.stream}`)),
      logTail(s.group, s.stream))));
  return refresh;
}
