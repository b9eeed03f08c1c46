import { escapeSegment } from '../diagnostics/pointer.ts';
import { describeCodePoint, isPrintable } from './text.ts';

/** A string (a key or a value) that escapes put a non-printable character into ("\0", "\x07", "\ud800"). */
export interface DataProblem {
  readonly pointer: string;
  /** The pointer shown in the message, when it differs from where the problem is. */
  readonly shownAt?: string;
  readonly onKey: boolean;
  readonly message: string;
}

/**
 * U+0085 (NEXT LINE) is printable YAML, but cannot reach a cluster: kustomize (which Flux and
 * `kubectl apply -k` build with) reads it and writes it back raw, and its own reader then folds
 * it into a space (pinned in test/output/yaml.test.ts). Refused rather than silently changed.
 */
const NEL = 0x85;

function firstNonPrintable(s: string): number | undefined {
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    else if (!isPrintable(cp) || cp === NEL) return cp;
  }
  return undefined;
}

function why(cp: number): string {
  return cp === NEL
    ? `holds ${describeCodePoint(cp)}, which kustomize turns into a space on its way to the cluster; use a line break or a space`
    : `holds ${describeCodePoint(cp)} (from an escape sequence); remove it`;
}

/**
 * The parsed document as plain data in which every mapping is a null-prototype object: a user
 * key such as `__proto__`, `constructor` or `toString` (a label, an annotation, a sysctl) is then
 * an ordinary key end to end — never the prototype, never an inherited method found by a lookup.
 * Also reports strings holding characters YAML escapes can produce but a spec must not hold.
 */
export function toPlainData(value: unknown, problems: DataProblem[], ptr = ''): unknown {
  if (typeof value === 'string') {
    const bad = firstNonPrintable(value);
    if (bad !== undefined) problems.push({ pointer: ptr, onKey: false, message: `the value ${why(bad)}` });
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => toPlainData(v, problems, `${ptr}/${i}`));
  if (value !== null && typeof value === 'object') {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) {
      const at = `${ptr}/${escapeSegment(k)}`;
      const bad = firstNonPrintable(k);
      // Located at the key, shown under its parent: the pointer would carry the raw character.
      if (bad !== undefined) problems.push({ pointer: at, shownAt: ptr, onKey: true, message: `the key ${JSON.stringify(k)} ${why(bad)}` });
      // A null-prototype object has no __proto__ setter: this defines an own property for every key.
      out[k] = toPlainData(v, problems, at);
    }
    return out;
  }
  return value;
}
