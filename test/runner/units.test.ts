import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDuration } from '../../lib/runner/cli.ts';
import { defaultCredentialFiles, extractKubeContext, kubeContextStatus, mergeKubeconfig, mergeTalosContext, talosContextStatus } from '../../lib/runner/credentials.ts';
import { runningSchematic } from '../../lib/runner/day2/upgrade.ts';
import { serverTag } from '../../lib/runner/talos/version.ts';
import { Journal } from '../../lib/runner/journal.ts';
import { clusterRegistration } from '../../lib/runner/kube/argocd-cluster.ts';
import { parseJsonStream } from '../../lib/runner/json-stream.ts';
import { createPrivateDir, PrivateDirError } from '../../lib/runner/private-dir.ts';
import { Redactor } from '../../lib/runner/redactor.ts';
import { diskMatches } from '../../lib/runner/talos/disks.ts';
import { factoryImage, installImageOf } from '../../lib/runner/talos/patches.ts';
import { etcdMemberCount } from '../../lib/runner/talos/steps.ts';
import { goDuration } from '../../lib/runner/tools/command.ts';
import { displayCommand, shellQuote, tmp } from '../../lib/runner/tools/command.ts';
import { minimalEnv } from '../../lib/runner/tools/process-tools.ts';
import { parseToolVersion } from '../../lib/runner/tools/requirements.ts';
import { REPO } from '../helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function scratch(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'orrery-units-'));
  dirs.push(d);
  return d;
}

describe('commands are data, printed exactly', () => {
  it('quotes only what a POSIX shell would split or expand', () => {
    expect(shellQuote('--nodes')).toBe('--nodes');
    expect(shellQuote('192.168.42.201,192.168.42.202')).toBe('192.168.42.201,192.168.42.202');
    expect(shellQuote('^cilium$')).toBe("'^cilium$'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
  });

  it('shows temp files as <tmp:…> and stdin as a label, never its bytes', () => {
    const line = displayCommand({ tool: 'kubectl', args: ['--kubeconfig', tmp('c/kubeconfig'), 'apply', '-f', '-'], stdin: { label: '<decrypted Secret>', data: () => Buffer.from('SECRET-BYTES') } });
    expect(line).toBe('kubectl --kubeconfig <tmp:c/kubeconfig> apply -f - < <decrypted Secret>');
    expect(displayCommand({ tool: 'talosctl', args: ['--config-patch', tmp('x.yaml', '@')] })).toBe('talosctl --config-patch @<tmp:x.yaml>');
  });

  it('durations: what the CLI takes and what Go flags take', () => {
    expect(parseDuration('20m')).toBe(1_200_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration('20 minutes')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(goDuration(600_000)).toBe('10m0s');
    expect(goDuration(90_000)).toBe('90s');
  });
});

describe('helm chart references', () => {
  it('https repositories take --repo; OCI registries are the chart reference', async () => {
    const { chartRef } = await import('../../lib/runner/kube/steps.ts');
    const base = { name: 'cilium', namespace: 'kube-system', chart: 'cilium', version: '1.19.5', valuesFile: 'x', values: {}, timeout: '15m' };
    expect(chartRef({ ...base, repositoryUrl: 'https://helm.cilium.io' })).toEqual(['cilium', '--repo', 'https://helm.cilium.io']);
    expect(chartRef({ ...base, repositoryUrl: 'oci://quay.io/cilium/charts/' })).toEqual(['oci://quay.io/cilium/charts/cilium']);
  });
});

describe('tool output parsing (formats read from the tools’ sources)', () => {
  it('talosctl get -o json prints one object per resource, not an array', () => {
    const text = `{\n    "node": "10.0.0.1",\n    "spec": {"stage": "running", "s": "} {"}\n}\n{\n    "node": "10.0.0.2",\n    "spec": {"stage": "maintenance"}\n}\n`;
    expect(parseJsonStream(text)).toEqual([
      { node: '10.0.0.1', spec: { stage: 'running', s: '} {' } },
      { node: '10.0.0.2', spec: { stage: 'maintenance' } },
    ]);
  });

  it('etcd members: rows under the table header, with or without the NODE column', () => {
    expect(etcdMemberCount('NODE   ID   HOSTNAME   PEER URLS   CLIENT URLS   LEARNER\n10.0.0.1   a   cp1   x   y   false\n10.0.0.1   b   cp2   x   y   false\n')).toBe(2);
    expect(etcdMemberCount('ID   HOSTNAME   PEER URLS   CLIENT URLS   LEARNER\na   cp1   x   y   false\n')).toBe(1);
    expect(etcdMemberCount('')).toBe(0);
  });

  it('talosctl version: the server block’s Tag, not the client’s', () => {
    expect(serverTag('Client:\n\tTag:         v1.14.0\nServer:\n\tNODE:        10.0.0.1\n\tTag:         v1.13.9\n')).toBe('v1.13.9');
    expect(serverTag('Client:\n\tTag:         v1.14.0\n')).toBeUndefined();
  });

  it('the Image Factory schematic extension carries the schematic ID as its version', () => {
    const ext = `{"metadata":{"id":"0"},"spec":{"metadata":{"name":"qemu-guest-agent","version":"9.1"}}}\n{"metadata":{"id":"1"},"spec":{"metadata":{"name":"schematic","version":"abc123"}}}\n`;
    expect(runningSchematic(ext)).toBe('abc123');
    expect(runningSchematic('')).toBeUndefined();
  });

  it('tool versions from each tool’s version command', () => {
    expect(parseToolVersion('talosctl', 'Client:\nTalos v1.13.9\n')).toBe('v1.13.9');
    expect(parseToolVersion('kubectl', '{"clientVersion":{"gitVersion":"v1.36.1"}}')).toBe('v1.36.1');
    expect(parseToolVersion('flux', '{"flux":"v2.9.4"}')).toBe('v2.9.4');
    expect(parseToolVersion('helm', 'v3.21.0+g1234567\n')).toBe('v3.21.0');
    expect(parseToolVersion('kind', 'kind v0.30.0 go1.24.0 linux/amd64\n')).toBe('v0.30.0');
    expect(parseToolVersion('kubectl', 'not json')).toBeUndefined();
  });

  it('installer image from a node patch, v1alpha1 or the 1.14 UnattendedInstallConfig', () => {
    const image = `factory.talos.dev/installer/${'a'.repeat(64)}:v1.13.9`;
    expect(installImageOf(`machine:\n  install:\n    image: ${image}\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: x\n`)).toBe(image);
    expect(installImageOf(`apiVersion: v1alpha1\nkind: UnattendedInstallConfig\ninstaller:\n  image: ${image.replace('installer/', 'metal-installer/')}\n`)).toBe(image.replace('installer/', 'metal-installer/'));
    expect(installImageOf('apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: x\n')).toBeUndefined();
    expect(factoryImage(image)).toEqual({ schematic: 'a'.repeat(64), version: 'v1.13.9' });
    expect(factoryImage('ghcr.io/siderolabs/installer:v1.13.9')).toEqual({ version: 'v1.13.9' });
  });
});

describe('disk selectors mean what the Talos volume CEL orrery writes means', () => {
  const hdd = { dev_path: '/dev/sdb', size: 4e12, rotational: true, transport: 'sata', model: 'HDD' };
  const ssd = { dev_path: '/dev/sda', size: 256e9, rotational: false, transport: 'sata' };
  const nvme = { dev_path: '/dev/nvme0n1', size: 1e12, rotational: false, transport: 'nvme' };
  it('type, size, path, model', () => {
    expect(diskMatches(hdd, { selector: { type: 'hdd' } })).toBe(true);
    expect(diskMatches(ssd, { selector: { type: 'hdd' } })).toBe(false);
    expect(diskMatches(ssd, { selector: { type: 'ssd' } })).toBe(true);
    expect(diskMatches(nvme, { selector: { type: 'ssd' } })).toBe(false);
    expect(diskMatches(nvme, { selector: { type: 'nvme' } })).toBe(true);
    expect(diskMatches(hdd, { selector: { size: '>= 1TB' } })).toBe(true);
    expect(diskMatches(ssd, { selector: { size: '>= 1TB' } })).toBe(false);
    expect(diskMatches(hdd, { path: '/dev/sdb' })).toBe(true);
    expect(diskMatches(hdd, { path: '/dev/sdc' })).toBe(false);
    expect(diskMatches(hdd, { selector: { model: 'SSD' } })).toBe(false);
  });
  it('never a read-only disk or a CD-ROM', () => {
    expect(diskMatches({ ...hdd, readonly: true }, { selector: { type: 'hdd' } })).toBe(false);
    expect(diskMatches({ ...hdd, cdrom: true }, { selector: {} })).toBe(false);
  });
});

describe('redaction', () => {
  it('replaces registered secrets and their base64 form, longest first; short strings are not secrets', () => {
    const r = new Redactor();
    r.add('s3cr3t-token-value');
    r.add('abc');
    const b64 = Buffer.from('s3cr3t-token-value').toString('base64');
    expect(r.redact(`token=s3cr3t-token-value b64=${b64} abc`)).toBe('token=<redacted> b64=<redacted> abc');
    expect(r.has('nothing here')).toBe(false);
  });
  it('registers every string leaf of a decrypted document, and PEM lines on their own', () => {
    const r = new Redactor();
    const pem = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(64)}\n${'B'.repeat(30)}\n-----END PRIVATE KEY-----\n`;
    r.addValues({ a: { b: ['x-long-secret-1'] }, key: pem });
    expect(r.redact('x-long-secret-1')).toBe('<redacted>');
    expect(r.redact(`line: ${'A'.repeat(64)}`)).toBe('line: <redacted>');
  });
});

describe('the private temp directory', () => {
  it('is 0700 with 0600 files, outside the repository, and gone after dispose', async () => {
    const base = await scratch();
    const dir = createPrivateDir({ base, outside: [REPO] });
    expect(statSync(dir.root).mode & 0o777).toBe(0o700);
    const file = await dir.write('c/secrets.yaml', 'x');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    await expect(dir.write('c/secrets.yaml', 'y')).rejects.toThrow(); // exclusive create
    await dir.replace('c/secrets.yaml', 'z');
    expect(readFileSync(file, 'utf8')).toBe('z');
    expect(() => dir.path('../escape')).toThrow(PrivateDirError);
    dir.dispose();
    expect(existsSync(dir.root)).toBe(false);
  });
  it('refuses a temp base inside the repository (TMPDIR set into it)', () => {
    expect(() => createPrivateDir({ base: path.join(REPO, 'lib'), outside: [REPO] })).toThrow(/inside .*: set TMPDIR/);
  });
});

describe('tools see a minimal environment', () => {
  it('passes PATH, HOME and the SSH agent; never SOPS_AGE_KEY, KUBECONFIG or tokens', () => {
    const env = minimalEnv({ PATH: '/bin', HOME: '/h', SSH_AUTH_SOCK: '/s', SOPS_AGE_KEY: 'AGE-SECRET-KEY-1X', SOPS_AGE_KEY_FILE: '/k', KUBECONFIG: '/kc', TALOSCONFIG: '/tc', GITHUB_TOKEN: 't', AWS_SECRET_ACCESS_KEY: 'a' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', SSH_AUTH_SOCK: '/s' });
  });
});

describe('credentials merged where the operator asks, by name, 0600, idempotent', () => {
  const kubeconfig = (server: string, key: string): string =>
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'lab', cluster: { server, 'certificate-authority-data': 'Q0E=' } }],
      users: [{ name: 'admin@lab', user: { 'client-certificate-data': 'Q1JU', 'client-key-data': key } }],
      contexts: [{ name: 'admin@lab', context: { cluster: 'lab', user: 'admin@lab' } }],
      'current-context': 'admin@lab',
    });

  it('defaults: TALOSCONFIG / first KUBECONFIG entry, else ~/.talos/config and ~/.kube/config', () => {
    expect(defaultCredentialFiles({}, '/home/u')).toEqual({ talosconfig: '/home/u/.talos/config', kubeconfig: '/home/u/.kube/config' });
    expect(defaultCredentialFiles({ TALOSCONFIG: '/t', KUBECONFIG: `${path.delimiter}/a${path.delimiter}/b` }, '/home/u')).toEqual({ talosconfig: '/t', kubeconfig: '/a' });
  });

  it('kubeconfig: other contexts kept, ours replaced, current-context left alone, a rerun is a no-op', async () => {
    const dir = await scratch();
    const file = path.join(dir, '.kube', 'config');
    const other = { apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'other', cluster: { server: 'https://o' } }], users: [{ name: 'o', user: { token: 't' } }], contexts: [{ name: 'o', context: { cluster: 'other', user: 'o' } }], 'current-context': 'o' };
    await mergeKubeconfig(path.join(dir, 'fresh'), kubeconfig('https://10.0.0.5:6443', 'S0VZ'));
    expect(parse(readFileSync(path.join(dir, 'fresh'), 'utf8'))['current-context']).toBe('admin@lab');
    writeFileSync(path.join(dir, 'seed'), stringify(other));
    await mergeKubeconfig(path.join(dir, 'seed'), kubeconfig('https://10.0.0.5:6443', 'S0VZ'));
    const merged = parse(readFileSync(path.join(dir, 'seed'), 'utf8'));
    expect(merged['current-context']).toBe('o');
    expect(merged.contexts.map((c: { name: string }) => c.name)).toEqual(['o', 'admin@lab']);
    expect(await kubeContextStatus(file, kubeconfig('https://10.0.0.5:6443', 'S0VZ'))).toBe('missing');
    await mergeKubeconfig(file, kubeconfig('https://10.0.0.5:6443', 'S0VZ'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    // A fresh kubeconfig has a new client key; same server and CA: the same cluster, nothing to do.
    expect(await kubeContextStatus(file, kubeconfig('https://10.0.0.5:6443', 'TkVX'))).toBe('same');
    expect(await kubeContextStatus(file, kubeconfig('https://10.0.0.6:6443', 'TkVX'))).toBe('different');
    await mergeKubeconfig(file, kubeconfig('https://10.0.0.6:6443', 'TkVX'));
    expect(parse(readFileSync(file, 'utf8')).clusters).toHaveLength(1);
    const extracted = parse((await extractKubeContext(file, 'admin@lab'))!);
    expect(extracted.clusters[0].cluster.server).toBe('https://10.0.0.6:6443');
    expect(await extractKubeContext(file, 'nope')).toBeUndefined();
  });

  it('talosconfig: the context by name, same CA and endpoints are the same cluster', async () => {
    const dir = await scratch();
    const file = path.join(dir, '.talos', 'config');
    const ctx = { endpoints: ['10.0.0.1'], nodes: ['10.0.0.1', '10.0.0.2'], ca: 'Q0E=', crt: 'Q1JU', key: 'S0VZ' };
    expect(await talosContextStatus(file, 'lab', ctx)).toBe('missing');
    await mergeTalosContext(file, 'lab', ctx);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await talosContextStatus(file, 'lab', { ...ctx, crt: 'TkVX', key: 'TkVX' })).toBe('same');
    expect(await talosContextStatus(file, 'lab', { ...ctx, endpoints: ['10.0.0.9'] })).toBe('different');
    await mergeTalosContext(file, 'other', ctx);
    const doc = parse(readFileSync(file, 'utf8'));
    expect(Object.keys(doc.contexts)).toEqual(['lab', 'other']);
    expect(doc.context).toBe('lab');
  });
});

describe('the journal', () => {
  it('records steps and wipes per cluster, survives a reload, forgets a reset node', async () => {
    const dir = await scratch();
    const j = new Journal(dir, () => new Date('2026-12-01T00:00:00Z'));
    await j.recordStep('lab', 'lab/apply/n1');
    await j.recordWipe('lab', 'n1', ['sdb']);
    const again = await new Journal(dir).load('lab');
    expect(again.steps['lab/apply/n1']).toEqual({ at: '2026-12-01T00:00:00.000Z' });
    expect(again.wiped.n1).toEqual({ disks: ['sdb'], at: '2026-12-01T00:00:00.000Z' });
    await j.forgetNode('lab', 'n1');
    const after = await new Journal(dir).load('lab');
    expect(after.wiped).toEqual({});
    expect(after.steps).toEqual({});
  });

  it('remembers which settings a node waits to reboot for, merged across runs, until the reboot clears them', async () => {
    const dir = await scratch();
    const j = new Journal(dir, () => new Date('2026-12-01T00:00:00Z'));
    await j.recordReboot('lab', 'n1', ['machine.env (x)']);
    await new Journal(dir).recordReboot('lab', 'n1', ['cluster.etcd (y)', 'machine.env (x)']);
    expect((await new Journal(dir).load('lab')).reboots.n1?.reasons).toEqual(['machine.env (x)', 'cluster.etcd (y)']);
    await new Journal(dir).clearReboot('lab', 'n1');
    expect((await new Journal(dir).load('lab')).reboots).toEqual({});
    await new Journal(dir).recordReboot('lab', 'n2', ['a']);
    await new Journal(dir).forgetNode('lab', 'n2');
    expect((await new Journal(dir).load('lab')).reboots).toEqual({});
  });
});

describe('ProcessTools: argument arrays, stdin, minimal env, timeouts', () => {
  async function bin(script: string): Promise<{ tools: import('../../lib/runner/tools/process-tools.ts').ProcessTools; dir: string }> {
    const { ProcessTools } = await import('../../lib/runner/tools/process-tools.ts');
    const dir = await scratch();
    writeFileSync(path.join(dir, 'kubectl'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    const tmpDir = createPrivateDir({ base: await scratch(), outside: [] });
    return { tools: new ProcessTools({ cwd: dir, env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir, SOPS_AGE_KEY: 'AGE-SECRET-KEY-1SECRET' }, tmp: tmpDir }), dir };
  }

  it('stdin reaches the tool; arguments are not split or expanded by a shell', async () => {
    const { tools } = await bin('printf "%s|" "$@"; cat');
    const r = await tools.run({ tool: 'kubectl', args: ['a b', '$HOME', '*'], stdin: { label: 'x', data: () => Buffer.from('from-stdin') } });
    expect(r).toMatchObject({ code: 0, stdout: 'a b|$HOME|*|from-stdin', timedOut: false });
  });

  it('the environment holds PATH and HOME, not the age key', async () => {
    const { tools } = await bin('env');
    const r = await tools.run({ tool: 'kubectl', args: [] });
    expect(r.stdout).toMatch(/^PATH=/m);
    expect(r.stdout).not.toContain('SOPS_AGE_KEY');
  });

  it('a tool that hangs is killed after its timeout', async () => {
    const { tools } = await bin('sleep 30');
    const started = Date.now();
    const r = await tools.run({ tool: 'kubectl', args: [], timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a tool that is not installed is a ToolMissingError naming it', async () => {
    const { tools } = await bin('true');
    const { ToolMissingError } = await import('../../lib/runner/tools/process-tools.ts');
    await expect(tools.run({ tool: 'helm', args: ['version'] })).rejects.toBeInstanceOf(ToolMissingError);
  });
});

describe('progress output', () => {
  const step = { id: 'c/x', cluster: 'c', title: 'wait for x', kind: 'wait' as const, risk: 'safe' as const, dryRun: () => [], check: async () => ({ state: 'done' as const, reason: '', commands: [] }), act: async () => undefined };
  it('on a terminal: step n/m, what it waits for with the elapsed time, redrawn in place', async () => {
    const { TextProgress } = await import('../../lib/runner/report.ts');
    let err = '';
    const p = new TextProgress({ out: () => undefined, err: (t) => (err += t), tty: true, interactive: false, prompt: async () => '' });
    p.stepStart(3, 19, step, { state: 'pending', reason: 'not yet', commands: [] });
    p.waiting('talos-cp-1 to boot');
    p.stepEnd(3, 19, step, { ok: true, elapsedMs: 75_000 });
    expect(err).toContain('[3/19] c: wait for x — not yet\n');
    expect(err).toContain('\r\x1b[2K  … waiting for talos-cp-1 to boot (0s)');
    expect(err).toContain('  ✓ done (1m15s)\n');
  });
  it('without a terminal: one plain line per event, no control characters', async () => {
    const { TextProgress } = await import('../../lib/runner/report.ts');
    let err = '';
    const p = new TextProgress({ out: () => undefined, err: (t) => (err += t), tty: false, interactive: false, prompt: async () => '' });
    p.stepStart(3, 19, step, { state: 'pending', reason: 'not yet', commands: [] });
    p.waiting('talos-cp-1 to boot');
    p.stepEnd(3, 19, step, { ok: false, elapsedMs: 1000, message: 'timed out' });
    expect(err).toBe('[3/19] c: wait for x — not yet\n  … waiting for talos-cp-1 to boot\n  ✗ timed out\n');
  });
});

describe('the Argo CD cluster Secret, from a kubeconfig', () => {
  const kubeconfig = (user: Record<string, string>, ca = 'Q0E='): string =>
    stringify({ 'current-context': 'admin@c1', contexts: [{ name: 'admin@c1', context: { cluster: 'c1', user: 'admin' } }], clusters: [{ name: 'c1', cluster: { server: 'https://10.0.0.1:6443', ...(ca ? { 'certificate-authority-data': ca } : {}) } }], users: [{ name: 'admin', user }] });
  it('carries the destination the Applications use; the kubeconfig server only when they name the cluster', () => {
    const byServer = clusterRegistration({ cluster: 'c1', namespace: 'argocd', destination: { server: 'https://c1.example:6443' }, kubeconfig: kubeconfig({ 'client-certificate-data': 'Q1JU', 'client-key-data': 'S0VZ' }) });
    expect(byServer.server).toBe('https://c1.example:6443');
    expect(byServer.secret).toMatchObject({ metadata: { name: 'orrery-cluster-c1', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, stringData: { name: 'c1', server: 'https://c1.example:6443' } });
    expect(JSON.parse((byServer.secret.stringData as { config: string }).config)).toEqual({ tlsClientConfig: { insecure: false, caData: 'Q0E=', certData: 'Q1JU', keyData: 'S0VZ' } });
    const byName = clusterRegistration({ cluster: 'c1', namespace: 'argocd', destination: { name: 'c1' }, kubeconfig: kubeconfig({ token: 'tok' }) });
    expect(byName.server).toBe('https://10.0.0.1:6443');
    expect(JSON.parse((byName.secret.stringData as { config: string }).config)).toEqual({ bearerToken: 'tok', tlsClientConfig: { insecure: false, caData: 'Q0E=' } });
  });
  it('refuses a kubeconfig Argo CD could not use: no embedded CA, or no credentials', () => {
    expect(() => clusterRegistration({ cluster: 'c1', namespace: 'argocd', destination: { name: 'c1' }, kubeconfig: kubeconfig({ token: 'tok' }, '') })).toThrow('the kubeconfig of c1 (context admin@c1) has no server with embedded certificate-authority-data: Argo CD cannot verify the API server');
    expect(() => clusterRegistration({ cluster: 'c1', namespace: 'argocd', destination: { name: 'c1' }, kubeconfig: kubeconfig({ 'client-certificate-data': 'Q1JU' }) })).toThrow('has neither an embedded client certificate and key nor a token');
  });
});
