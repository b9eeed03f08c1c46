/** UTF-8 size, the unit GitHub's comment limit (65,536) and `--max-bytes` count in. */
export const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export interface Budgeted {
  readonly text: string;
  /** How many blocks did not fit. */
  readonly omitted: number;
}

/**
 * Lays out `head`, then as many blocks as fit, then the footer, never over `maxBytes`. The head
 * (the summary) always comes first; when even it does not fit, its sections are cut from the
 * end with their own count. The footer says honestly how many blocks were left out.
 */
export function fitToBudget(options: {
  readonly headSections: readonly string[];
  readonly headOverflow: (omittedSections: number) => string;
  readonly blocks: readonly string[];
  readonly footer: (omittedBlocks: number) => string;
  readonly maxBytes: number;
}): Budgeted {
  const { headSections, blocks, maxBytes } = options;
  // Room for the longest footer this layout can produce.
  const reserve = bytes(options.footer(blocks.length)) + bytes(options.headOverflow(headSections.length));
  let used = 0;
  const head: string[] = [];
  let cutSections = 0;
  for (let i = 0; i < headSections.length; i++) {
    const s = headSections[i]!;
    if (used + bytes(s) + reserve > maxBytes) {
      cutSections = headSections.length - i;
      break;
    }
    head.push(s);
    used += bytes(s);
  }
  if (cutSections > 0) {
    const overflow = options.headOverflow(cutSections);
    head.push(overflow);
    used += bytes(overflow);
  }
  const shown: string[] = [];
  let omitted = 0;
  const footerRoom = bytes(options.footer(blocks.length));
  for (const b of blocks) {
    if (cutSections === 0 && used + bytes(b) + footerRoom <= maxBytes) {
      shown.push(b);
      used += bytes(b);
    } else omitted++;
  }
  const footer = omitted > 0 ? options.footer(omitted) : '';
  return { text: [...head, ...shown, footer].join(''), omitted };
}
