import type { Entry } from '../entries.ts';
import { fieldDiff } from '../field-diff.ts';
import { field, isObject, str, type Impact, type ImpactContext } from './impact.ts';

/** A Helm release as the object that asks for it states it. */
export interface ChartRelease {
  readonly chart?: string;
  readonly version?: string;
  readonly values?: unknown;
}

/** Charts that are a cluster's pod network: removing one stops pod networking. */
const CNI_CHARTS = new Set(['cilium', 'calico', 'tigera-operator', 'flannel', 'antrea', 'kube-ovn']);

export function isCniChart(chart: string | undefined): boolean {
  return chart !== undefined && CNI_CHARTS.has(chart.split('/').at(-1)!);
}

/**
 * The chart, version and values of a Flux HelmRelease (spec.chart.spec, or a chartRef to a
 * source), an Argo CD Application of a Helm chart (spec.source or one of spec.sources with a
 * `chart`), or a Cluster API add-on HelmChartProxy. Undefined for anything else.
 */
export function chartRelease(e: Entry): ChartRelease | undefined {
  const v = e.value;
  if (e.type !== 'object') return undefined;
  if (e.apiGroup === 'helm.toolkit.fluxcd.io' && e.kind === 'HelmRelease') {
    const ref = field(v, 'spec', 'chartRef');
    const chart = str(field(v, 'spec', 'chart', 'spec', 'chart')) ?? (isObject(ref) ? `${str(ref.kind) ?? 'source'} ${str(ref.name) ?? ''}`.trim() : undefined);
    return { chart, version: str(field(v, 'spec', 'chart', 'spec', 'version')), values: field(v, 'spec', 'values') };
  }
  if (e.apiGroup === 'argoproj.io' && e.kind === 'Application') {
    const sources = [field(v, 'spec', 'source'), ...((field(v, 'spec', 'sources') as unknown[] | undefined) ?? [])];
    const source = sources.find((s) => isObject(s) && typeof s.chart === 'string');
    if (!source) return undefined;
    return { chart: str(field(source, 'chart')), version: str(field(source, 'targetRevision')), values: field(source, 'helm', 'valuesObject') ?? field(source, 'helm', 'values') };
  }
  if (e.apiGroup === 'addons.cluster.x-k8s.io' && e.kind === 'HelmChartProxy') {
    return { chart: str(field(v, 'spec', 'chartName')), version: str(field(v, 'spec', 'version')), values: field(v, 'spec', 'valuesTemplate') };
  }
  return undefined;
}

type Bump = 'major' | 'minor' | 'patch' | 'downgrade' | 'changed';

function parse(v: string): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

/** How far a chart version moves. Below 1.0 a minor step is a breaking one (semver §4), so major. */
export function versionBump(from: string, to: string): Bump {
  const a = parse(from);
  const b = parse(to);
  if (!a || !b) return 'changed';
  for (let i = 0; i < 3; i++) {
    if (a[i] === b[i]) continue;
    if (b[i]! < a[i]!) return 'downgrade';
    if (i === 0 || (i === 1 && a[0] === 0)) return 'major';
    return i === 1 ? 'minor' : 'patch';
  }
  return 'changed';
}

function releaseImpact(group: string, label: string, before: ChartRelease, after: ChartRelease): Impact | undefined {
  const name = after.chart ?? before.chart ?? 'chart';
  if (before.chart !== after.chart) {
    return { group, area: 'helm', severity: 'warning', text: `${label}: chart ${before.chart ?? '?'} → ${after.chart ?? '?'} (a different chart under the same release)` };
  }
  if (before.version !== after.version && before.version && after.version) {
    const bump = versionBump(before.version, after.version);
    const tag = bump === 'major' ? ' — MAJOR: read the chart\'s upgrade notes' : bump === 'downgrade' ? ' — DOWNGRADE: Helm rolls back to an older chart' : ` (${bump})`;
    return { group, area: 'helm', severity: bump === 'major' || bump === 'downgrade' ? 'warning' : 'info', text: `${label}: ${name} ${before.version} → ${after.version}${tag}` };
  }
  const values = fieldDiff(before.values ?? {}, after.values ?? {}).length;
  if (values > 0 || before.version !== after.version) {
    return { group, area: 'helm', severity: 'info', text: `${label}: helm upgrade of ${name} ${after.version ?? ''} with ${values} changed value${values === 1 ? '' : 's'}`.replace('  ', ' ') };
  }
  return undefined;
}

/** Helm releases that install or upgrade, across which chart versions, major steps flagged. */
export function helmImpacts(ctx: ImpactContext): Impact[] {
  const out: Impact[] = [];
  for (const c of ctx.changes) {
    const after = chartRelease(c.entry);
    if (!after) continue;
    if (c.status === 'added') {
      out.push({ group: c.group, area: 'helm', severity: 'info', text: `${c.entry.label}: installs ${after.chart ?? 'a chart'}${after.version ? ` ${after.version}` : ''}` });
      continue;
    }
    if (c.status !== 'changed' && c.status !== 'renamed') continue;
    const before = c.previous ? chartRelease(c.previous) : undefined;
    if (!before) continue;
    const impact = releaseImpact(c.group, c.entry.label, before, after);
    if (impact) out.push(impact);
  }
  return out;
}
