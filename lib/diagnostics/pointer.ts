/** JSON pointer helpers (RFC 6901). */
export function escapeSegment(segment: string | number): string {
  if (typeof segment === 'number') return String(segment);
  // Most segments hold neither `~` nor `/`: no regular-expression passes for them (the check
  // rules build a pointer per node, address and pool of a 1000-cluster fleet).
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointer(...segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const s of segments) out += `/${escapeSegment(s)}`;
  return out;
}

export function parsePointer(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
