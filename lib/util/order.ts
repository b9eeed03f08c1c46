/**
 * Locale-independent string order (Unicode code points). `localeCompare` sorts `ch`, `aa` or
 * `hr` differently under cs_CZ, da_DK or lt_LT, so output bytes would depend on the machine's
 * locale; every ordering orrery writes uses this instead.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
