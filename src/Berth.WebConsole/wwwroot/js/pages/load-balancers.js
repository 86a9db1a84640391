import { elbv2, xmlMembers, xmlText } from "../api.js";
import { h, section, status, table } from "../dom.js";
import { metricChart } from "../chart.js";

// A rule's conditions as one line: "path-pattern /api/*; host-header example.com".
const conditions = (rule) => xmlMembers(rule, "Conditions").map((c) =>
  `${xmlText(c, "Field")} ${[...c.getElementsByTagName("Values")[0]?.children || []].map((v) => v.textContent).join(", ")}`).join("; ");

// Requests per load balancer (AWS/ApplicationELB RequestCount, dimension LoadBalancer = the ARN's app/name/id part).
function requestChart(lbs) {
  return metricChart("request-metrics", "Requests per load balancer", lbs.map((lb) => ({
    label: xmlText(lb, "LoadBalancerName"),
    stat: "Sum",
    metric: { Namespace: "AWS/ApplicationELB", MetricName: "RequestCount",
      Dimensions: [{ Name: "LoadBalancer", Value: xmlText(lb, "LoadBalancerArn").split(":loadbalancer/")[1] }] },
  })), "requests");
}

export async function render(page) {
  const balancers = section("Load balancers", "load-balancers");
  const listeners = section("Listeners", "listeners");
  const rules = section("Listener rules", "rules");
  const groups = section("Target groups", "target-groups");
  const requests = h("div");
  page.append(h("h1", {}, "Load balancers"), balancers.element, requests, listeners.element, rules.element, groups.element);
  let chart = null;
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
        .map((l) => ({ lb: xmlText(lb, "LoadBalancerName"), arn: xmlText(l, "ListenerArn"), port: xmlText(l, "Port"), protocol: xmlText(l, "Protocol"), action: xmlText(l, "Type") }))));
    const allListeners = perBalancer.flat();
    listeners.set(table([
      ["Load balancer", (l) => l.lb],
      ["Port", (l) => l.port],
      ["Protocol", (l) => l.protocol],
      ["Default action", (l) => l.action],
    ], allListeners, { empty: "No listeners.", id: "listener-table" }));
    const perListener = await Promise.all(allListeners.map(async (l) =>
      xmlMembers(await elbv2("DescribeRules", { ListenerArn: l.arn }), "Rules").map((r) => ({ listener: `${l.lb}:${l.port}`, rule: r }))));
    rules.set(table([
      ["Listener", (r) => r.listener],
      ["Priority", (r) => xmlText(r.rule, "Priority")],
      ["Conditions", (r) => (xmlText(r.rule, "IsDefault") === "true" ? "(default)" : conditions(r.rule))],
      ["Action", (r) => xmlText(r.rule, "Type")],
      ["Target group", (r) => xmlText(r.rule, "TargetGroupArn").split(":targetgroup/")[1]?.split("/")[0] || ""],
    ], perListener.flat(), { empty: "No rules.", id: "rule-table" }));
    if (!chart && lbs.length > 0) {
      // Drawn once: a refresh must not reset the range the user picked.
      chart = requestChart(lbs);
      requests.replaceChildren(chart.element);
      chart.draw();
    }
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
