// Unknown-field check for rendered objects. The JSON schemas of the kubernetes-models packages accept any extra field,
// so a misspelt one (`failureTreshold`) would pass them; their TypeScript declarations list every field of every
// type, and this walks an object against them: any key a type does not declare is reported.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const roots = ["kubernetes-models", "@kubernetes-models/apimachinery", "@kubernetes-models/keda",
  "@kubernetes-models/prometheus-operator"].map((p) => path.join(here, "node_modules", p));

const types = new Map(); // interface name (local and exported alias) -> { props: Map(name -> type text), typeMeta }

function walkFiles(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "_schemas" && entry.name !== "node_modules") walkFiles(p, out);
    else if (entry.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function parse(file) {
  const text = fs.readFileSync(file, "utf8");
  const head = /export interface (I\w+)(?: extends ([\w, ]+))? \{\n/.exec(text);
  if (!head) return;
  const props = new Map();
  let current = null;
  let depth = 0;
  for (const line of text.slice(head.index + head[0].length).split("\n")) {
    if (current === null) {
      if (/^\}/.test(line)) break;
      const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(line);
      if (!m) continue;
      current = { name: m[1], type: m[2] };
    } else {
      current.type += line.trim();
    }
    depth = (current.type.match(/\{/g) || []).length - (current.type.match(/\}/g) || []).length;
    if (depth === 0 && current.type.endsWith(";")) {
      props.set(current.name, current.type.replace(/\s+/g, "").replace(/;$/, ""));
      current = null;
    }
  }
  const entry = { props, typeMeta: (head[2] || "").includes("TypeMeta") };
  types.set(head[1], entry);
  for (const alias of text.matchAll(new RegExp(`export type \\{ ${head[1]} as (I\\w+)`, "g"))) {
    types.set(alias[1], entry);
  }
  types.set(`${file}#root`, entry);
}

for (const root of roots) for (const f of walkFiles(root, [])) parse(f);

function check(value, typeText, where, problems) {
  if (value === null || typeof value !== "object") return;
  const array = /^Array<(.+)>$/.exec(typeText);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => check(v, array[1], `${where}[${i}]`, problems));
    return;
  }
  const map = /^\{\[key:string\]:(.+);?\}$/.exec(typeText);
  if (map) {
    for (const [k, v] of Object.entries(value)) check(v, map[1].replace(/;$/, ""), `${where}.${k}`, problems);
    return;
  }
  const type = types.get(typeText);
  if (!type || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (type.typeMeta && (k === "apiVersion" || k === "kind")) continue;
    if (!type.props.has(k)) problems.push(`${where}: unknown field ${k}`);
    else check(v, type.props.get(k), `${where}.${k}`, problems);
  }
}

/** Unknown fields of `doc`, whose model is the declaration file `modulePath` (e.g. kubernetes-models/apps/v1/Deployment). */
export function unknownFields(doc, modulePath) {
  const file = path.join(here, "node_modules", `${modulePath}.d.ts`);
  const root = types.get(`${file}#root`);
  if (!root) return [`no declarations for ${modulePath}`];
  const problems = [];
  for (const [k, v] of Object.entries(doc)) {
    if (k === "apiVersion" || k === "kind") continue;
    if (!root.props.has(k)) problems.push(`unknown field ${k}`);
    else check(v, root.props.get(k), k, problems);
  }
  return problems;
}
