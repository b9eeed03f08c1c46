import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../lib/read/read-spec.ts';
import { parsePatchText } from '../../lib/read/patch-files.ts';
import { formatDiagnostic } from '../../lib/diagnostics/diagnostic.ts';

const errorOf = (text: string): string => parseSpecText(text, 'clusters/lab.yaml', 'clusters/lab.yaml').diagnostics.map(formatDiagnostic).join('\n');

/** YAML syntax errors in the words of the file (yaml 2.9 error codes), never the parser's grammar terms. */
describe('YAML syntax errors', () => {
  it.each([
    ['an unclosed [ list names the line that opened it', 'network:\n  podCidr: [10.244.0.0/16\n  serviceCidr: 10.96.0.0/12\n', 'a [ … ] list is not closed: end it with ] on the same line, or write one item per line (line 2: "podCidr: [10.244.0.0/16")'],
    ['an unclosed { mapping', 'endpoint: {mode: vip\nnetwork: x\n', 'a { … } mapping is not closed'],
    ['keys at different columns', 'network:\n  podCidr: a\n serviceCidr: b\n', 'the indentation does not line up'],
    ['a tab', 'network:\n\tpodCidr: a\n', 'a tab indents this line; YAML indents with spaces only (line 2'],
    ['a bad escape', 'name: "lab\\q"\n', 'a "double-quoted" value holds a backslash escape YAML does not know (\\q)'],
    ['a reserved first character', 'name: `lab`\n', 'an unquoted value cannot start with `; put the value in quotes'],
    ['a second key on a line', 'name: lab: x\n', 'a value has a "key:" of its own on the same line'],
    ['a line without a colon', 'name\nrole: standalone\n', 'a line without a "key:" where a key is expected'],
    ['a list item among keys', '- a\nname: lab\n', 'this line does not fit the structure above it'],
    ['an unknown tag', 'name: !secret lab\n', 'the tag !secret means nothing here'],
  ])('%s', (_what, text, expected) => {
    const error = errorOf(text);
    expect(error).toContain(expected);
    // The parser's own vocabulary stays out of the message.
    expect(error).not.toMatch(/Flow sequence|block collection|implicit key|compact mapping|YAML stream|map-value-ind/i);
  });
});

/** A Talos patch file next to the spec (lib/read/patch-files.ts) is parsed by the same code: the same words, at its own line. */
describe('YAML syntax errors in a Talos patch file', () => {
  const patchErrorOf = (text: string): string => parsePatchText(text, 'clusters/patches/audit.yaml', 'clusters/patches/audit.yaml').diagnostics.map(formatDiagnostic).join('\n');
  it('an unclosed [ list in the second document names its line in the patch file', () => {
    const error = patchErrorOf('machine: {sysctls: {vm.swappiness: "10"}}\n---\napiVersion: v1alpha1\nkind: KmsgLogConfig\nname: remote\nurls: [udp://10.0.0.5:514/\n');
    expect(error).toMatch(/^clusters\/patches\/audit\.yaml:\d+:\d+ error/);
    expect(error).toContain('a [ … ] list is not closed: end it with ] on the same line, or write one item per line (line 6: "urls: [udp://10.0.0.5:514/")');
    expect(error).not.toMatch(/Flow sequence|block collection/i);
  });
  it('a tab in a patch file', () => {
    expect(patchErrorOf('machine:\n\tsysctls: {}\n')).toContain('clusters/patches/audit.yaml:2:1 error YAML: a tab indents this line; YAML indents with spaces only (line 2');
  });
});
