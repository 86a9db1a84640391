import { elbv2, xmlMembers, xmlText } from "../api.js";
import { h, section, status, table } from "../dom.js";

export async function render(page) {
  const balancers = section("Load balancers", "load-balancers");
  const listeners = section("Listeners", "listeners");
  const groups = section("Target groups", "target-groups");
  page.append(h("h1", {}, "Load balancers"), balancers.element, listeners.element, groups.element);
  const refresh = async () => {
    const [lbXml, tgXml] = await Promise.all([elbv2("DescribeLoadBalancers"), elbv2("DescribeTargetGroups")]);
    const lbs = xmlMembers(lbXml, "LoadBalancers");
    balancers.set(table([
      ["Name", (lb) => xmlText(lb, "LoadBalancerName")],
      ["DNS name", (lb) => xmlText(lb, "DNSName")],
      ["State", (lb) => status(xmlText(lb, "Code"))],
      ["Type", (lb) => xmlText(lb, "Type")],
    ], lbs, { empty: "No load balancers.", id: "load-balancer-table" }));
    const perBalancer = await Promise.all(lbs.map(async (lb) =>
      xmlMembers(await elbv2("DescribeListeners", { LoadBalancerArn: xmlText(lb, "LoadBalancerArn") }), "Listeners")
        .map((l) => ({ lb: xmlText(lb, "LoadBalancerName"), port: xmlText(l, "Port"), protocol: xmlText(l, "Protocol"), action: xmlText(l, "Type") }))));
    listeners.set(table([
      ["Load balancer", (l) => l.lb],
      ["Port", (l) => l.port],
      ["Protocol", (l) => l.protocol],
      ["Default action", (l) => l.action],
    ], perBalancer.flat(), { empty: "No listeners.", id: "listener-table" }));
    groups.set(table([
      ["Name", (g) => xmlText(g, "TargetGroupName")],
      ["Target type", (g) => xmlText(g, "TargetType")],
      ["Protocol", (g) => xmlText(g, "Protocol")],
      ["Port", (g) => xmlText(g, "Port")],
      ["Health check", (g) => xmlText(g, "HealthCheckPath")],
    ], xmlMembers(tgXml, "TargetGroups"), { empty: "No target groups.", id: "target-group-table" }));
  };
  await refresh();
  return refresh;
}
