import { describeAll, ecs, ecsList } from "../api.js";
import { h, link, section, status, table } from "../dom.js";

export async function render(page) {
  const list = section("Clusters", "clusters");
  page.append(h("h1", {}, "Clusters"), list.element);
  const refresh = async () => {
    const arns = await ecsList("ListClusters", {}, "clusterArns");
    const clusters = await describeAll(arns, 100, async (names) => (await ecs("DescribeClusters", { clusters: names })).clusters);
    clusters.sort((a, b) => a.clusterName.localeCompare(b.clusterName));
    list.set(table([
      ["Cluster", (c) => link(`#/clusters/${encodeURIComponent(c.clusterName)}`, c.clusterName)],
      ["Status", (c) => status(c.status)],
      ["Services", (c) => c.activeServicesCount],
      ["Running tasks", (c) => c.runningTasksCount],
      ["Pending tasks", (c) => c.pendingTasksCount],
      ["Container instances", (c) => c.registeredContainerInstancesCount],
    ], clusters, { empty: "No clusters yet.", id: "cluster-table", rowId: (c) => c.clusterName }));
  };
  await refresh();
  return refresh;
}
