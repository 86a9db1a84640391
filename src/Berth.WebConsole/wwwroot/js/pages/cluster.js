import { describeAll, ecs, ecsList } from "../api.js";
import { action, h, link, section, status, table, tail, when } from "../dom.js";
import { clusterUtilization, metricChart } from "../chart.js";

// How many tasks a page describes unless asked for all: describing 1,000 tasks is ten DescribeTasks calls and over a
// megabyte of JSON, too slow for a page that must render in 200 ms (bench/console_render.py).
const TASK_PAGE = 100;

// How many services the cluster page describes at once.
const SERVICE_PAGE = 20;

// The tasks of a cluster or service (live ones first, then the newest), the first TASK_PAGE of them unless `everything`;
// `more` says whether some were left out. Described 100 at a time (DescribeTasks' limit) in parallel.
export async function describeTasks(cluster, filter = {}, everything = false) {
  const list = async (input) => {
    if (everything) return { arns: await ecsList("ListTasks", input, "taskArns"), more: false };
    const page = await ecs("ListTasks", { ...input, maxResults: TASK_PAGE });
    return { arns: page.taskArns, more: Boolean(page.nextToken) };
  };
  // Both lists side by side: each reads only its own tasks (the store indexes tasks by desired status and service), so
  // the STOPPED list costs a few milliseconds even when the live ones fill the page (bench/console_render.py).
  const [live, stopped] = await Promise.all([list({ cluster, ...filter }), list({ cluster, ...filter, desiredStatus: "STOPPED" })]);
  const all = [...live.arns, ...stopped.arns];
  const arns = everything ? all : all.slice(0, TASK_PAGE);
  const tasks = await describeAll(arns, 100, async (names) => (await ecs("DescribeTasks", { cluster, tasks: names })).tasks);
  const first = (t) => (t.lastStatus === "STOPPED" ? 1 : 0);
  tasks.sort((a, b) => first(a) - first(b) || (b.createdAt || 0) - (a.createdAt || 0));
  return { tasks, more: live.more || stopped.more || arns.length < all.length };
}

// A task table with, when tasks were left out, a button that shows them all.
export function taskList(cluster, { tasks, more }, showAll, id = "task-table") {
  return [taskTable(cluster, tasks, id), more ? h("p", {}, `The first ${tasks.length} tasks. `, h("button", { type: "button", onclick: showAll }, "Show all")) : null];
}

function taskTable(cluster, tasks, id) {
  return table([
    ["Task", (t) => link(`#/clusters/${encodeURIComponent(cluster)}/tasks/${tail(t.taskArn)}`, tail(t.taskArn))],
    ["Task definition", (t) => tail(t.taskDefinitionArn)],
    ["Last status", (t) => status(t.lastStatus)],
    ["Desired status", (t) => t.desiredStatus],
    ["Group", (t) => t.group],
    ["Launch type", (t) => t.launchType],
    ["Started", (t) => when(t.startedAt)],
    ["Stopped reason", (t) => t.stoppedReason],
  ], tasks, { empty: "No tasks.", id, rowId: (t) => tail(t.taskArn) });
}

function createServiceForm(cluster) {
  const input = (name, attrs = {}) => h("input", { name, id: `create-${name}`, ...attrs });
  const form = h("form", { class: "inline", id: "create-service" },
    h("label", {}, "Name ", input("serviceName", { required: true })),
    h("label", {}, "Task definition ", input("taskDefinition", { required: true, placeholder: "family or family:revision" })),
    h("label", {}, "Desired count ", input("desiredCount", { type: "number", min: 0, value: 1 })));
  const create = action("Create service", async () => {
    const value = Object.fromEntries(new FormData(form));
    await ecs("CreateService", { cluster, serviceName: value.serviceName, taskDefinition: value.taskDefinition, desiredCount: Number(value.desiredCount) });
    location.hash = `#/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(value.serviceName)}`;
  }, { id: "create-service-button" });
  form.append(create);
  return form;
}

// Container Insights' cluster counts (ECS/ContainerInsights by ClusterName), published while the setting is enabled.
function insightsChart(cluster) {
  const dimensions = [{ Name: "ClusterName", Value: cluster }];
  const metric = (MetricName) => ({ Namespace: "ECS/ContainerInsights", MetricName, Dimensions: dimensions });
  return metricChart("insights-metrics", "Container Insights", [
    { label: "Running tasks", metric: metric("TaskCount") },
    { label: "Services", metric: metric("ServiceCount") },
    { label: "Container instances", metric: metric("ContainerInstanceCount") },
  ], "count");
}

// The cluster's capacity providers with its default strategy's base and weight for each.
async function showCapacityProviders(c, providers) {
  const names = c.capacityProviders || [];
  const described = names.length === 0 ? [] : (await ecs("DescribeCapacityProviders", { capacityProviders: names })).capacityProviders || [];
  const strategy = (name) => (c.defaultCapacityProviderStrategy || []).find((s) => s.capacityProvider === name);
  providers.set(table([
    ["Capacity provider", (p) => p.name],
    ["Status", (p) => status(p.status)],
    ["Auto Scaling group", (p) => tail(p.autoScalingGroupProvider?.autoScalingGroupArn)],
    ["Managed scaling", (p) => p.autoScalingGroupProvider?.managedScaling?.status],
    ["Default strategy", (p) => (strategy(p.name) ? `base ${strategy(p.name).base ?? 0}, weight ${strategy(p.name).weight ?? 0}` : "")],
  ], described, { empty: "No capacity providers.", id: "capacity-provider-table", rowId: (p) => p.name }));
}

export async function render(page, { cluster }) {
  const summary = h("p", { id: "cluster-summary" });
  const providers = section("Capacity providers", "capacity-providers");
  const services = section("Services", "services");
  const tasks = section("Tasks", "tasks");
  const instances = section("Container instances", "instances");
  let everything = false;
  // Each section is filled as soon as its own calls answer: the sections wait on no one else's round trips.
  const showSummary = async () => {
    const described = await ecs("DescribeClusters", { clusters: [cluster], include: ["SETTINGS"] });
    const c = described.clusters[0];
    if (!c) throw new Error(described.failures?.[0]?.reason || "cluster not found");
    const insights = (c.settings || []).find((s) => s.name === "containerInsights")?.value || "disabled";
    summary.replaceChildren(status(c.status), ` ${c.activeServicesCount} services · ${c.runningTasksCount} running · ${c.pendingTasksCount} pending tasks · ${c.registeredContainerInstancesCount} container instances · Container Insights ${insights}`);
    await showCapacityProviders(c, providers);
  };
  let servicePage = 0;
  const showServices = async () => {
    // The services in name order, SERVICE_PAGE at a time (as ECS's console pages them): a page is two DescribeServices
    // calls (ECS's limit is 10 names), where all 100 services of a large cluster would be ten.
    const arns = (await ecsList("ListServices", { cluster }, "serviceArns")).sort((a, b) => tail(a).localeCompare(tail(b)));
    const pages = Math.max(1, Math.ceil(arns.length / SERVICE_PAGE));
    servicePage = Math.min(servicePage, pages - 1);
    const shown = arns.slice(servicePage * SERVICE_PAGE, (servicePage + 1) * SERVICE_PAGE);
    const serviceList = await describeAll(shown, 10, async (names) => (await ecs("DescribeServices", { cluster, services: names })).services);
    serviceList.sort((a, b) => a.serviceName.localeCompare(b.serviceName));
    const turn = (by) => () => {
      servicePage += by;
      showServices();
    };
    const pager = pages > 1
      ? h("p", { id: "service-pager" }, `Services ${servicePage * SERVICE_PAGE + 1}–${servicePage * SERVICE_PAGE + shown.length} of ${arns.length} `,
        h("button", { type: "button", disabled: servicePage === 0, onclick: turn(-1) }, "Previous"), " ",
        h("button", { type: "button", disabled: servicePage === pages - 1, onclick: turn(1) }, "Next"))
      : null;
    services.set(pager, table([
      ["Service", (s) => link(`#/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(s.serviceName)}`, s.serviceName)],
      ["Status", (s) => status(s.status)],
      ["Desired", (s) => s.desiredCount],
      ["Running", (s) => s.runningCount],
      ["Pending", (s) => s.pendingCount],
      ["Task definition", (s) => tail(s.taskDefinition)],
      ["Rollout", (s) => status(s.deployments?.find((d) => d.status === "PRIMARY")?.rolloutState)],
    ], serviceList, { empty: "No services.", id: "service-table", rowId: (s) => s.serviceName }));
  };
  const showTasks = async () => {
    tasks.set(taskList(cluster, await describeTasks(cluster, {}, everything), () => {
      everything = true;
      showTasks();
    }));
  };
  const showInstances = async () => {
    const arns = await ecsList("ListContainerInstances", { cluster }, "containerInstanceArns");
    const instanceList = await describeAll(arns, 100, async (names) => (await ecs("DescribeContainerInstances", { cluster, containerInstances: names })).containerInstances);
    const resource = (i, name) => {
      const of = (list) => list?.find((r) => r.name === name)?.integerValue ?? 0;
      return `${of(i.registeredResources) - of(i.remainingResources)} / ${of(i.registeredResources)}`;
    };
    instances.set(table([
      ["Instance", (i) => tail(i.containerInstanceArn)],
      ["Status", (i) => status(i.status)],
      ["Agent connected", (i) => (i.agentConnected ? "yes" : "no")],
      ["Running tasks", (i) => i.runningTasksCount],
      ["CPU used / registered", (i) => resource(i, "CPU")],
      ["Memory used / registered (MiB)", (i) => resource(i, "MEMORY")],
      ["", (i) => action(i.status === "DRAINING" ? "Activate" : "Drain", async () => {
        await ecs("UpdateContainerInstancesState", { cluster, containerInstances: [i.containerInstanceArn], status: i.status === "DRAINING" ? "ACTIVE" : "DRAINING" });
        await showInstances();
      })],
    ], instanceList, { empty: "No container instances.", id: "instance-table", rowId: (i) => tail(i.containerInstanceArn) }));
  };
  const refresh = async () => {
    await Promise.all([showSummary(), showServices(), showTasks(), showInstances()]);
  };
  const utilization = clusterUtilization(cluster);
  const insights = insightsChart(cluster);
  page.append(h("p", { class: "crumbs" }, link("#/clusters", "Clusters"), " / ", cluster), h("h1", {}, cluster), summary,
    services.element, h("h3", {}, "Create a service"), createServiceForm(cluster), tasks.element, instances.element, providers.element,
    h("section", {}, h("h2", {}, "Metrics"), utilization.element, insights.element));
  await refresh();
  // Drawn once they have their width on the page; datapoints come each minute, so live events need not redraw them.
  utilization.draw();
  insights.draw();
  return refresh;
}
