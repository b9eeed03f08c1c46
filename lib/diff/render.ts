import type { ObjectChange } from './compare.ts';
import { hasChanges, isChange, type Counts, type DiffResult, type GroupDiff } from './diff.ts';
import { fitToBudget } from './budget.ts';
import { formatPath, formatValue, lineDiff, type FieldChange } from './field-diff.ts';
import type { Impact } from './impact/impact.ts';
import { FLEET } from './group.ts';

export type DiffFormat = 'text' | 'markdown';

/** The marker a CI job looks for to update its one PR comment instead of adding another. */
export const COMMENT_MARKER = '<!-- orrery-diff -->';

export interface RenderOptions {
  readonly format: DiffFormat;
  /** Budget in bytes; undefined writes everything (`--full`). */
  readonly maxBytes?: number;
  /** Where the full diff is, for the footer ("full diff: …"). */
  readonly fullDiff?: string;
}

/** A block larger than this many lines is cut (the full diff has it whole). */
const BLOCK_LINES = 300;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function countsText(c: Counts): string {
  const parts = [`${c.added} added`, `${c.changed} changed`, `${c.removed} removed`];
  if (c.renamed) parts.push(`${c.renamed} renamed`);
  if (c.moved) parts.push(`${c.moved} moved (no change)`);
  return parts.join(', ');
}

/** Markdown outside code: no HTML, no table breaks, no newlines from file content. */
const md = (s: string): string => s.replace(/[\r\n]+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cell = (s: string): string => md(s).replace(/\|/g, '\\|');

function fieldLines(f: FieldChange): string[] {
  const p = formatPath(f.path);
  if (f.op === 'change' && typeof f.before === 'string' && typeof f.after === 'string' && (f.before.includes('\n') || f.after.includes('\n'))) {
    const d = lineDiff(f.before, f.after);
    return [`  ${p}: (${plural(d.context, 'line')} unchanged)`, ...d.removed.map((l) => `-   ${l}`), ...d.added.map((l) => `+   ${l}`)];
  }
  const multi = (sign: string, v: unknown): string[] => (typeof v === 'string' && v.includes('\n') ? [`${sign} ${p}: |`, ...v.split('\n').map((l) => `${sign}   ${l}`)] : [`${sign} ${p}: ${formatValue(v)}`]);
  if (f.op === 'add') return multi('+', f.after);
  if (f.op === 'remove') return multi('-', f.before);
  return [...multi('-', f.before), ...multi('+', f.after)];
}

function changeLines(c: ObjectChange, cut: boolean): string[] {
  const lines: string[] = [];
  if (c.status === 'renamed' && c.previous) lines.push(`  (renamed from ${c.previous.label})`);
  else if (c.previous && c.previous.path !== c.entry.path) lines.push(`  (moved from ${c.previous.path})`);
  if (c.note) lines.push(`  ${c.note}`);
  if (c.status === 'removed') lines.push('  (removed from the output)');
  for (const f of c.fields) lines.push(...fieldLines(f));
  if (cut && lines.length > BLOCK_LINES) return [...lines.slice(0, BLOCK_LINES), `  … ${lines.length - BLOCK_LINES} more lines in the full diff`];
  return lines;
}

const fenceFor = (body: string): string => '`'.repeat(Math.max(3, ...[...body.matchAll(/`+/g)].map((m) => m[0].length + 1)));

function block(c: ObjectChange, o: RenderOptions): string {
  const status = c.status === 'moved' ? 'moved, no change' : c.status;
  const lines = changeLines(c, o.maxBytes !== undefined);
  if (o.format === 'text') return `--- ${c.group}: ${c.entry.label} (${status}) ${c.entry.path}\n${lines.join('\n')}\n\n`;
  const body = lines.join('\n');
  const fence = fenceFor(body);
  return `<details><summary><code>${md(c.group)}</code> ${md(c.entry.label)} — ${status}</summary>\n\n<code>${md(c.entry.path)}</code>\n\n${fence}diff\n${body}\n${fence}\n\n</details>\n\n`;
}

const MARK_TEXT = { dangerous: '!!', warning: '! ', info: '- ' } as const;
const MARK_MD = { dangerous: '🛑 **', warning: '⚠️ ', info: '' } as const;

function impactLine(i: Impact, o: RenderOptions): string {
  if (o.format === 'text') return `  ${MARK_TEXT[i.severity]} ${i.area}: ${i.text}\n`;
  return `- ${MARK_MD[i.severity]}${i.area}: ${md(i.text)}${i.severity === 'dangerous' ? '**' : ''}\n`;
}

function groupSection(g: GroupDiff, o: RenderOptions): string {
  const head = o.format === 'text' ? `${g.name}: ${countsText(g.counts)}\n` : `#### \`${md(g.name)}\` — ${countsText(g.counts)}\n\n`;
  const body = g.impacts.map((i) => impactLine(i, o)).join('');
  return `${head}${body}${o.format === 'text' ? '\n' : body ? '\n' : ''}`;
}

function header(r: DiffResult, o: RenderOptions): string {
  const changed = r.groups.filter((g) => g.changes.some(isChange));
  const clusters = changed.filter((g) => g.name !== FLEET).length;
  const fleet = changed.some((g) => g.name === FLEET) ? `${clusters > 0 ? ' and' : ''} the fleet-wide files` : '';
  const title = hasChanges(r) ? `${clusters > 0 ? plural(clusters, 'cluster') : ''}${fleet} changed — ${countsText(r.totals)} objects`.trimStart() : 'no change';
  const foreign = r.files.foreign > 0 ? ` (${plural(r.files.foreign, 'file')} orrery did not write ignored)` : '';
  if (o.format === 'text') return `orrery diff: ${title}\nbase: ${r.base}\nhead: ${r.head}${foreign}\n\n`;
  const lines = [`${COMMENT_MARKER}`, `### orrery diff: ${md(title)}`, '', `Base: ${md(r.base)} · head: ${md(r.head)}${md(foreign)}`, ''];
  const dangerous = r.groups.flatMap((g) => g.impacts.filter((i) => i.severity === 'dangerous').map((i) => `> - \`${md(g.name)}\` ${i.area}: ${md(i.text)}`));
  if (dangerous.length > 0) lines.push('> [!CAUTION]', `> **${plural(dangerous.length, 'dangerous change')}** (\`orrery diff --fail-on dangerous\` fails on these):`, ...dangerous, '');
  if (changed.length > 0) {
    lines.push('| cluster | added | changed | removed | renamed | impact |', '|---|--:|--:|--:|--:|---|');
    for (const g of r.groups) {
      const sev = (s: Impact['severity']): number => g.impacts.filter((i) => i.severity === s).length;
      const impact = [sev('dangerous') ? `🛑 ${sev('dangerous')} dangerous` : '', sev('warning') ? `⚠️ ${plural(sev('warning'), 'warning')}` : '', sev('info') ? `${sev('info')} info` : ''].filter(Boolean).join(', ') || '—';
      lines.push(`| \`${cell(g.name)}\` | ${g.counts.added} | ${g.counts.changed} | ${g.counts.removed} | ${g.counts.renamed} | ${impact} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** The report: summary first (per cluster, the impact in plain words), then object diffs within the budget. */
export function renderDiff(r: DiffResult, o: RenderOptions): string {
  const headSections = [header(r, o), ...r.groups.filter((g) => g.changes.length > 0 || g.impacts.length > 0).map((g) => groupSection(g, o))];
  const changes = r.groups.flatMap((g) => [...g.changes.filter(isChange), ...g.changes.filter((c) => !isChange(c))]);
  const blocks = changes.map((c) => block(c, o));
  if (o.format === 'markdown' && blocks.length > 0) headSections.push('#### Object diffs\n\n');
  const where = o.fullDiff ? `full diff: ${o.fullDiff}` : 'run orrery diff --full FILE for the full diff';
  if (o.maxBytes === undefined) return [...headSections, ...blocks].join('');
  return fitToBudget({
    headSections,
    headOverflow: (n) => (o.format === 'text' ? `… ${plural(n, 'more section')} not shown\n\n` : `_… ${plural(n, 'more section')} not shown_\n\n`),
    blocks,
    footer: (n) => (o.format === 'text' ? `… ${plural(n, 'more object')} not shown; ${where}\n` : `---\n_${plural(n, 'more object')} not shown (this report is limited to ${o.maxBytes} bytes); ${md(where)}_\n`),
    maxBytes: o.maxBytes,
  }).text;
}
