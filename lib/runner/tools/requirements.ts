import { compareVersions } from '../../data/talos-kubernetes.ts';
import type { ToolName } from './command.ts';
import { ToolMissingError, type Tools } from './process-tools.ts';

/** What a run needs of one tool: at least `min`, and why (which clusters). */
export interface Requirement {
  readonly tool: ToolName;
  readonly min?: string;
  /** Kubernetes minor the tool talks to (kubectl skew ±1, helm's support window: warnings). */
  readonly kubernetes?: string;
  readonly why: string;
}

const VERSION_COMMANDS: Record<ToolName, readonly string[]> = {
  talosctl: ['version', '--client', '--short'],
  kubectl: ['version', '--client', '-o', 'json'],
  helm: ['version', '--short'],
  flux: ['version', '--client', '-o', 'json'],
  clusterctl: ['version', '-o', 'short'],
  kind: ['version'],
};

const INSTALL: Record<ToolName, string> = {
  talosctl: 'https://github.com/siderolabs/talos/releases',
  kubectl: 'https://kubernetes.io/docs/tasks/tools/',
  helm: 'https://github.com/helm/helm/releases',
  flux: 'https://github.com/fluxcd/flux2/releases',
  clusterctl: 'https://github.com/kubernetes-sigs/cluster-api/releases',
  kind: 'https://github.com/kubernetes-sigs/kind/releases',
};

/** The tool's version from its version command's output. */
export function parseToolVersion(tool: ToolName, stdout: string): string | undefined {
  try {
    if (tool === 'kubectl') return (JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
    if (tool === 'flux') return (JSON.parse(stdout) as { flux?: string }).flux;
  } catch {
    return undefined;
  }
  return /v?(\d+\.\d+\.\d+)/.exec(stdout)?.[0];
}

const minor = (v: string): [number, number] => {
  const m = /v?(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
};

/**
 * Helm N.M supports Kubernetes versions from the one it was compiled against down to n-3:
 * 3.20 → 1.35–1.32, 3.19 → 1.34–1.31 (https://helm.sh/docs/topics/version_skew/); Helm 4.0 is
 * compiled against 1.34. A warning only: Helm makes no forward-compatibility promise.
 */
function helmWindow(version: string): [number, number] | undefined {
  const [major, m] = minor(version);
  if (major === 3) return [m + 12, m + 15];
  if (major === 4) return [m + 31, m + 34];
  return undefined;
}

export interface ToolCheck {
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
  readonly versions: ReadonlyMap<ToolName, string>;
}

/** Presence and versions before anything runs; every problem at once, each with what to install. */
export async function checkTools(tools: Tools, requirements: readonly Requirement[]): Promise<ToolCheck> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const versions = new Map<ToolName, string>();
  const byTool = new Map<ToolName, Requirement[]>();
  for (const r of requirements) byTool.set(r.tool, [...(byTool.get(r.tool) ?? []), r]);
  for (const [tool, reqs] of byTool) {
    const needs = reqs.map((r) => r.why).filter((w, i, a) => a.indexOf(w) === i).join('; ');
    const mins = reqs.map((r) => r.min).filter((m): m is string => m !== undefined);
    const min = mins.sort((a, b) => compareVersions(b, a))[0];
    let out: string;
    try {
      const r = await tools.run({ tool, args: VERSION_COMMANDS[tool], timeoutMs: 30_000 });
      out = r.stdout;
      if (r.code !== 0) {
        problems.push(`${tool} does not run (${VERSION_COMMANDS[tool].join(' ')}: exit ${r.code}): needed for ${needs}`);
        continue;
      }
    } catch (err) {
      if (err instanceof ToolMissingError) {
        problems.push(`${tool} is not installed (not found on PATH): needed for ${needs}${min ? `; install ${tool} ${min} or newer` : ''} — ${INSTALL[tool]}`);
        continue;
      }
      throw err;
    }
    const version = parseToolVersion(tool, out);
    if (!version) {
      problems.push(`cannot tell which ${tool} this is (${VERSION_COMMANDS[tool].join(' ')} printed ${JSON.stringify(out.trim().slice(0, 80))})`);
      continue;
    }
    versions.set(tool, version);
    if (min && compareVersions(version.replace(/^v/, ''), min.replace(/^v/, '')) < 0) problems.push(`${tool} ${version} is too old: ${needs} needs ${tool} ${min} or newer — ${INSTALL[tool]}`);
    for (const r of reqs) {
      if (!r.kubernetes) continue;
      const [, k] = minor(r.kubernetes);
      if (tool === 'kubectl') {
        // kubectl is supported within one minor version (older or newer) of kube-apiserver
        // (https://kubernetes.io/releases/version-skew-policy/#kubectl).
        const [, c] = minor(version);
        if (Math.abs(c - k) > 1) problems.push(`kubectl ${version} is more than one minor version away from Kubernetes ${r.kubernetes} of ${r.why}: install kubectl 1.${k - 1}–1.${k + 1} — ${INSTALL.kubectl}`);
      }
      if (tool === 'helm') {
        const w = helmWindow(version);
        if (w && (k < w[0] || k > w[1])) warnings.push(`helm ${version} supports Kubernetes 1.${w[0]}–1.${w[1]}; ${r.why} runs ${r.kubernetes}`);
      }
    }
  }
  return { problems, warnings, versions };
}
