// Offline checks of what `kubectl kustomize` renders from deploy/, of the alert rules and of the Grafana dashboard
// (run by scripts/validate-deploy.sh, which then hands the files written to --out to promtool):
//  - every rendered object validates against the Kubernetes (1.3x), KEDA and Prometheus Operator schemas of the
//    kubernetes-models packages, and has no field their type declarations lack (strict.mjs); a kind without a
//    schema fails;
//  - the validator must refuse deliberately broken objects first, so a check that cannot fail is caught;
//  - the dashboard matches deploy/monitoring/dashboard.schema.json, and its queries are written as recording rules
//    for `promtool check rules` (PromQL syntax);
//  - every pipeline metric named by the alert rules and the dashboard is one the README documents.
// Usage: node validate.mjs --readme README.md --monitoring deploy/monitoring --out DIR RENDERED.yaml...
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import Ajv from "ajv";
import { unknownFields } from "./strict.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) throw new Error(`missing ${name}`);
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const readme = option("--readme");
const monitoring = option("--monitoring");
const out = option("--out");
const rendered = args;
fs.mkdirSync(out, { recursive: true });

const models = {
  "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
  "v1/Secret": "kubernetes-models/v1/Secret",
  "v1/Service": "kubernetes-models/v1/Service",
  "v1/Namespace": "kubernetes-models/v1/Namespace",
  "v1/PersistentVolumeClaim": "kubernetes-models/v1/PersistentVolumeClaim",
  "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
  "apps/v1/StatefulSet": "kubernetes-models/apps/v1/StatefulSet",
  "batch/v1/Job": "kubernetes-models/batch/v1/Job",
  "policy/v1/PodDisruptionBudget": "kubernetes-models/policy/v1/PodDisruptionBudget",
  "autoscaling/v2/HorizontalPodAutoscaler": "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
  "keda.sh/v1alpha1/ScaledObject": "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject",
  "keda.sh/v1alpha1/TriggerAuthentication": "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication",
  "monitoring.coreos.com/v1/PrometheusRule": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule",
  "monitoring.coreos.com/v1/PodMonitor": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor",
};

async function problemsOf(doc) {
  const key = `${doc.apiVersion}/${doc.kind}`;
  const module = models[key];
  if (!module) return [`no schema for ${key}`];
  const Model = Object.values(await import(module))[0];
  const problems = [];
  try {
    new Model(doc).validate();
  } catch (e) {
    problems.push(e.message);
  }
  // The schemas accept any extra field: a misspelt one is found against the type declarations.
  problems.push(...unknownFields(doc, module));
  return problems;
}

const failures = [];

// 1. The validator refuses broken objects (a check that cannot fail is no check).
const broken = [
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "broken" }, spec: { selector: { matchLabels: { a: "b" } },
    template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i",
      ports: [{ containerPort: "http" }] }] } } } },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "broken" }, spec: { selector: { matchLabels: { a: "b" } },
    template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i", livenesProbe: {} }] } } } },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "broken" }, spec: { selector: { matchLabels: { a: "b" } },
    template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i",
      readinessProbe: { httpGet: { path: "/q/health/ready", port: 9000 }, failureTreshold: 3 } }] } } } },
  { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "broken" },
    spec: { scaleTargetRef: { name: "w" }, maxReplicaCount: "six", triggers: [{ type: "kafka", metadata: {} }] } },
  { apiVersion: "batch/v1", kind: "Job", metadata: { name: "broken" }, spec: { backoffLimit: "two",
    template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "i" }] } } } },
  { apiVersion: "v1", kind: "Pod", metadata: { name: "unexpected-kind" } },
];
for (const doc of broken) {
  if ((await problemsOf(doc)).length === 0) failures.push(`self-test: a broken ${doc.kind} was accepted`);
}

// 2. Every rendered object.
let objects = 0;
const docs = [];
for (const file of rendered) {
  for (const doc of yaml.loadAll(fs.readFileSync(file, "utf8"))) {
    if (!doc) continue;
    objects++;
    docs.push(doc);
    for (const p of await problemsOf(doc)) failures.push(`${path.basename(file)}: ${doc.kind}/${doc.metadata?.name}: ${p}`);
  }
}

// 3. The alert rules, as a plain rule file for promtool.
const ruleObject = yaml.load(fs.readFileSync(path.join(monitoring, "prometheus-rule.yaml"), "utf8"));
for (const p of await problemsOf(ruleObject)) failures.push(`prometheus-rule.yaml: ${p}`);
fs.writeFileSync(path.join(out, "alerts.rules.yml"), yaml.dump(ruleObject.spec, { lineWidth: -1 }));
fs.copyFileSync(path.join(monitoring, "alerts.test.yml"), path.join(out, "alerts.test.yml"));

// 4. The dashboard: schema, unique panel ids, panels inside the 24-column grid; queries for promtool.
const dashboard = JSON.parse(fs.readFileSync(path.join(monitoring, "dashboard.json"), "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false });
const validDashboard = ajv.compile(JSON.parse(fs.readFileSync(path.join(monitoring, "dashboard.schema.json"), "utf8")));
if (!validDashboard(dashboard)) {
  for (const e of validDashboard.errors) failures.push(`dashboard.json${e.instancePath}: ${e.message}`);
}
const brokenDashboard = { ...dashboard, panels: [{ id: 1, type: "timeseries", title: "t", gridPos: { h: 8, w: 30, x: 0, y: 0 } }] };
if (validDashboard(brokenDashboard)) failures.push("self-test: a broken dashboard was accepted");
const ids = new Set();
const queries = [];
for (const panel of dashboard.panels ?? []) {
  if (ids.has(panel.id)) failures.push(`dashboard.json: panel id ${panel.id} used twice`);
  ids.add(panel.id);
  if (panel.gridPos && panel.gridPos.x + panel.gridPos.w > 24) failures.push(`dashboard.json: panel ${panel.id} wider than the grid`);
  for (const t of panel.targets ?? []) queries.push({ record: `dashboard:panel_${panel.id}_${t.refId}`, expr: t.expr });
}
fs.writeFileSync(path.join(out, "dashboard-queries.rules.yml"),
  yaml.dump({ groups: [{ name: "dashboard-queries", rules: queries }] }, { lineWidth: -1 }));

// 5. Pipeline metrics used by rules and dashboard are documented in the README (endpoint tables, /q/metrics rows).
const documented = new Set();
for (const line of fs.readFileSync(readme, "utf8").split("\n")) {
  if (!line.includes("/q/metrics")) continue;
  for (const m of line.matchAll(/`((?:fhir_worker|ingest)_[a-z_]+)/g)) documented.add(m[1]);
}
const base = (name) => name.replace(/_(bucket|count|sum|max)$/, "");
const used = new Set();
const exprs = [...queries.map((q) => q.expr), ...ruleObject.spec.groups.flatMap((g) => g.rules.map((r) => r.expr))];
for (const expr of exprs) for (const m of expr.matchAll(/\b((?:fhir_worker|ingest)_[a-z_]+)/g)) used.add(m[1]);
for (const name of used) {
  if (!documented.has(name) && !documented.has(base(name))) failures.push(`metric ${name} is not documented in the README`);
}
if (documented.size === 0) failures.push("no documented metric found in the README (/q/metrics rows)");

if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`deploy OK: ${objects} rendered objects valid, ${broken.length} broken ones refused, `
  + `${ruleObject.spec.groups[0].rules.length} alert rules and ${queries.length} dashboard queries written to ${out}, `
  + `${used.size} pipeline metrics documented`);
