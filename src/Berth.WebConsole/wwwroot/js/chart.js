// Metric charts: CloudWatch GetMetricData (the same call as `aws cloudwatch get-metric-data`) drawn with uPlot.
import { cloudwatch } from "./api.js";
import { errorBox, h } from "./dom.js";
import uPlot from "../vendor/uplot/uPlot.esm.js";

const RANGES = [["1 hour", 3600, 60], ["6 hours", 6 * 3600, 300], ["1 day", 86400, 300], ["1 week", 7 * 86400, 3600]];

// The series' points on one time axis, oldest first, null where a series has no point.
function align(results) {
  const times = [...new Set(results.flatMap((r) => r.Timestamps || []))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  return [times, ...results.map((r) => {
    const values = new Array(times.length).fill(null);
    (r.Timestamps || []).forEach((t, i) => (values[index.get(t)] = r.Values[i]));
    return values;
  })];
}

// A chart of `series` ([{label, metric: {Namespace, MetricName, Dimensions}, stat}]) over a range the user picks; `unit`
// labels the y axis.
export function metricChart(id, title, series, unit = "%") {
  const plot = h("div", { class: "chart-plot" });
  const select = h("select", { "aria-label": `${title} range` }, RANGES.map(([label], i) => h("option", { value: i }, label)));
  const element = h("div", { class: "chart", id }, h("div", { class: "chart-head" }, h("h3", {}, title), select), plot);
  let chart = null;
  const draw = async () => {
    const [, seconds, period] = RANGES[Number(select.value)];
    const end = Math.floor(Date.now() / 1000);
    try {
      const answer = await cloudwatch("GetMetricData", {
        StartTime: end - seconds,
        EndTime: end,
        ScanBy: "TimestampAscending",
        MetricDataQueries: series.map((s, i) => ({ Id: `m${i}`, MetricStat: { Metric: s.metric, Period: period, Stat: s.stat || "Average" } })),
      });
      const byId = new Map(answer.MetricDataResults.map((r) => [r.Id, r]));
      const data = align(series.map((_, i) => byId.get(`m${i}`) || {}));
      chart?.destroy();
      plot.replaceChildren();
      chart = new uPlot({
        width: Math.max(320, plot.clientWidth || 600),
        height: 200,
        scales: { x: { time: true, range: [end - seconds, end] } },
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: ["#0b5cad", "#c2410c", "#157f3b"][i % 3], width: 2, spanGaps: false }))],
        axes: [{}, { label: unit }],
      }, data, plot);
    } catch (e) {
      plot.replaceChildren(errorBox(e));
    }
  };
  select.addEventListener("change", draw);
  return { element, draw };
}

// CPU and memory utilization of an ECS service (AWS/ECS, by ClusterName and ServiceName), as CloudWatch shows them.
export const serviceUtilization = (cluster, service) =>
  utilization("service-metrics", [{ Name: "ClusterName", Value: cluster }, { Name: "ServiceName", Value: service }]);

// The same for a whole cluster (AWS/ECS by ClusterName: units used ÷ units its instances register).
export const clusterUtilization = (cluster) => utilization("cluster-metrics", [{ Name: "ClusterName", Value: cluster }]);

function utilization(id, dimensions) {
  return metricChart(id, "CPU and memory utilization", [
    { label: "CPU", metric: { Namespace: "AWS/ECS", MetricName: "CPUUtilization", Dimensions: dimensions } },
    { label: "Memory", metric: { Namespace: "AWS/ECS", MetricName: "MemoryUtilization", Dimensions: dimensions } },
  ]);
}
