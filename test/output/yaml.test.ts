import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from '../../lib/output/yaml.ts';

describe('toYaml', () => {
  it('quotes strings that YAML 1.1 readers (kubectl, go-yaml) would turn into booleans, numbers or null', () => {
    const risky = ['on', 'off', 'yes', 'no', 'y', 'n', 'true', 'NO', '0755', '1.10', '12:30', '0x1F', '~', 'null', '1e3'];
    const out = toYaml(Object.fromEntries(risky.map((v, i) => [`k${i}`, v])));
    for (const [i, v] of risky.entries()) expect(out).toContain(`k${i}: "${v}"`);
    // And they read back as the same strings under YAML 1.1 rules.
    expect(parse(out, { version: '1.1' })).toEqual(Object.fromEntries(risky.map((v, i) => [`k${i}`, v])));
  });

  it('never wraps long lines and never emits anchors for repeated objects', () => {
    const shared = { a: 1 };
    const long = 'x'.repeat(300);
    const out = toYaml({ long, list: [shared, shared] });
    expect(out.split('\n')[0]).toBe(`long: ${long}`);
    expect(out).not.toMatch(/[&*]a\d/);
    expect(out).not.toContain('&');
  });

  it('writes LF line endings and a trailing newline, with block scalars for multi-line text', () => {
    const out = toYaml({ text: 'line 1\nline 2\n' });
    expect(out).toBe('text: |\n  line 1\n  line 2\n');
    expect(out).not.toContain('\r');
  });

  it('is stable: same value, same bytes', () => {
    const v = { b: [1, 2], a: { z: 'on', y: null } };
    expect(toYaml(v)).toBe(toYaml(structuredClone(v)));
  });
});
