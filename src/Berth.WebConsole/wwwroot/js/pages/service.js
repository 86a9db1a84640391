import { autoscaling, ecs, elbv2, xmlMembers, xmlText } from "../api.js";
import { action, h, link, section, status, table, tail, when } from "../dom.js";
import { serviceUtilization } from "../chart.js";
import { describeTasks, taskList } from "./cluster.js";

async function targetHealth(service) {
  const rows = [];
  for (const lb of service.loadBalancers || []) {
    if (!lb.targetGroupArn) continue;
    const xml = await elbv2("DescribeTargetHealth", { TargetGroupArn: lb.targetGroupArn });
    for (const d of xmlMembers(xml, "TargetHealthDescriptions")) {
      rows.push({ group: lb.targetGroupArn.split("/").at(-2), id: xmlText(d, "Id"), port: xmlText(d, "Port"),
        state: xmlText(d, "State"), reason: xmlText(d, "Description") });
    }
  }
  return rows;
}

async function scalingPolicies(cluster, service) {
  const resource = { ServiceNamespace: "ecs", ResourceId: `service/${cluster}/${service}` };
  const [targets, policies] = await Promise.all([
    autoscaling("DescribeScalableTargets", { ServiceNamespace: "ecs", ResourceIds: [resource.ResourceId] }),
    autoscaling("DescribeScalingPolicies", resource),
  ]);
  return { target: targets.ScalableTargets?.[0], policies: policies.ScalingPolicies || [] };
}

// Editing auto scaling as the ECS console does, through Application Auto Scaling: the scalable target's bounds, and
// target tracking policies on the service's average CPU or memory (put again under the same name to change one).
function scalingForms(cluster, serviceName, refresh) {
  const resource = { ServiceNamespace: "ecs", ResourceId: `service/${cluster}/${serviceName}`, ScalableDimension: "ecs:service:DesiredCount" };
  const field = (label, attrs) => h("label", {}, label, " ", h("input", attrs));
  const bounds = h("form", { class: "inline", id: "scalable-target-form" },
    field("Minimum tasks", { name: "min", type: "number", min: 0, value: 1, id: "scaling-min" }),
    field("Maximum tasks", { name: "max", type: "number", min: 0, value: 4, id: "scaling-max" }));
  bounds.append(action("Set bounds", async () => {
    const value = Object.fromEntries(new FormData(bounds));
    await autoscaling("RegisterScalableTarget", { ...resource, MinCapacity: Number(value.min), MaxCapacity: Number(value.max) });
    await refresh();
  }, { id: "register-scalable-target" }));
  const metric = h("select", { name: "metric", id: "policy-metric" },
    ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"].map((m) => h("option", { value: m }, m)));
  const policy = h("form", { class: "inline", id: "scaling-policy-form" },
    field("Policy name", { name: "name", required: true, id: "policy-name" }), h("label", {}, "Metric ", metric),
    field("Target value (%)", { name: "target", type: "number", min: 1, max: 100, value: 50, id: "policy-target" }));
  policy.append(action("Save policy", async () => {
    const value = Object.fromEntries(new FormData(policy));
    await autoscaling("PutScalingPolicy", { ...resource, PolicyName: value.name, PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: { TargetValue: Number(value.target), PredefinedMetricSpecification: { PredefinedMetricType: value.metric } } });
    await refresh();
  }, { id: "put-scaling-policy" }));
  const remove = (p) => action("Delete", async () => {
    await autoscaling("DeleteScalingPolicy", { ...resource, PolicyName: p.PolicyName });
    await refresh();
  }, { danger: true, confirm: `Delete scaling policy ${p.PolicyName}?` });
  return { element: h("div", {}, h("h3", {}, "Scalable target"), bounds, h("h3", {}, "Target tracking policy"), policy), remove };
}

function actions(cluster, serviceName, refresh) {
  const desired = h("input", { type: "number", min: 0, id: "desired-count", name: "desiredCount" });
  const revision = h("input", { id: "deploy-task-definition", placeholder: "family:revision" });
  const update = (input) => ecs("UpdateService", { cluster, service: serviceName, ...input }).then(refresh);
  return {
    desired,
    element: h("div", { class: "actions", id: "service-actions" },
      h("span", { class: "inline" }, h("label", { for: "desired-count" }, "Desired count "), desired,
        action("Update", () => update({ desiredCount: Number(desired.value) }), { id: "update-desired-count" })),
      h("span", { class: "inline" }, h("label", { for: "deploy-task-definition" }, "Task definition "), revision,
        action("Deploy", () => update({ taskDefinition: revision.value }), { id: "deploy-revision" })),
      action("Force new deployment", () => update({ forceNewDeployment: true }), { id: "force-new-deployment" }),
      // Not forced, as ECS's console asks: DeleteService refuses a service scaled above 0, and the refusal is shown.
      action("Delete", () => ecs("DeleteService", { cluster, service: serviceName }).then(refresh),
        { id: "delete-service", danger: true, confirm: `Delete service ${serviceName}?` })),
  };
}

export async function render(page, { cluster, service: serviceName }) {
  const summary = h("dl", { id: "service-summary", class: "summary" });
  const deployments = section("Deployments", "deployments");
  const tasks = section("Tasks", "tasks");
  const targets = section("Load balancer targets", "targets");
  const scaling = section("Auto scaling", "scaling");
  const events = section("Events", "events");
  let filled = false;
  let everything = false;
  // Each section is filled as soon as its own calls answer; only the target health waits, for the service's groups.
  const showService = async () => {
    const described = await ecs("DescribeServices", { cluster, services: [serviceName] });
    const s = described.services[0];
    if (!s) throw new Error(described.failures?.[0]?.reason || "service not found");
    if (!filled) {
      // Filled once: a refresh must not overwrite what the user is typing.
      controls.desired.value = s.desiredCount;
      filled = true;
    }
    const item = (term, value) => [h("dt", {}, term), h("dd", {}, value)];
    summary.replaceChildren(...item("Status", status(s.status)), ...item("Desired", s.desiredCount), ...item("Running", s.runningCount),
      ...item("Pending", s.pendingCount), ...item("Task definition", tail(s.taskDefinition)), ...item("Launch type", s.launchType || "capacity provider strategy"),
      ...item("Scheduling", s.schedulingStrategy), ...item("Created", when(s.createdAt)));
    deployments.set(table([
      ["Deployment", (d) => d.id],
      ["Status", (d) => status(d.status)],
      ["Task definition", (d) => tail(d.taskDefinition)],
      ["Desired", (d) => d.desiredCount],
      ["Running", (d) => d.runningCount],
      ["Pending", (d) => d.pendingCount],
      ["Failed", (d) => d.failedTasks],
      ["Rollout", (d) => status(d.rolloutState)],
      ["Reason", (d) => d.rolloutStateReason],
    ], s.deployments || [], { id: "deployment-table", rowId: (d) => d.id }));
    events.set(table([
      ["Time", (e) => when(e.createdAt)],
      ["Message", (e) => e.message],
    ], (s.events || []).slice(0, 25), { empty: "No events yet.", id: "event-table" }));
    targets.set(table([
      ["Target group", (t) => t.group],
      ["Target", (t) => t.id],
      ["Port", (t) => t.port],
      ["Health", (t) => status(t.state)],
      ["Reason", (t) => t.reason],
    ], await targetHealth(s), { empty: "This service is behind no load balancer.", id: "target-table" }));
  };
  const showTasks = async () => {
    tasks.set(taskList(cluster, await describeTasks(cluster, { serviceName }, everything), () => {
      everything = true;
      showTasks();
    }, "service-task-table"));
  };
  const showScaling = async () => {
    const { target, policies } = await scalingPolicies(cluster, serviceName);
    scaling.set(target ? h("p", { id: "scalable-target" }, `Scalable target: ${target.MinCapacity} to ${target.MaxCapacity} tasks.`) : h("p", { class: "empty", id: "scalable-target" }, "Not a scalable target."),
      table([
        ["Policy", (p) => p.PolicyName],
        ["Type", (p) => p.PolicyType],
        ["Metric", (p) => p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType],
        ["Target value", (p) => p.TargetTrackingScalingPolicyConfiguration?.TargetValue],
        ["Alarms", (p) => (p.Alarms || []).map((a) => a.AlarmName).join(", ")],
        ["", (p) => editor.remove(p)],
      ], policies, { empty: "No scaling policies.", id: "policy-table", rowId: (p) => p.PolicyName }));
  };
  // Resolves to nothing: an action shows what its refresh resolves to ("Done." when nothing).
  const refresh = async () => {
    await Promise.all([showService(), showTasks(), showScaling()]);
  };
  const controls = actions(cluster, serviceName, () => refresh());
  const editor = scalingForms(cluster, serviceName, () => showScaling());
  const metrics = serviceUtilization(cluster, serviceName);
  page.append(
    h("p", { class: "crumbs" }, link("#/clusters", "Clusters"), " / ", link(`#/clusters/${encodeURIComponent(cluster)}`, cluster), " / ", serviceName),
    h("h1", {}, serviceName), summary, controls.element, deployments.element, tasks.element, metrics.element, targets.element, scaling.element,
    editor.element, events.element);
  await refresh();
  // Drawn once it has its width on the page; datapoints come each minute, so live events need not redraw it.
  metrics.draw();
  return refresh;
}
