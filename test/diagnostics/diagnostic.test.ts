import { describe, expect, it } from 'vitest';
import { renderDiagnostics, type Diagnostic } from '../../lib/diagnostics/diagnostic.ts';

const d = (over: Partial<Diagnostic>): Diagnostic => ({ severity: 'error', file: 'clusters/a.yaml', line: 1, col: 1, pointer: '/x', message: 'm', rule: 'r/x', ...over });

describe('renderDiagnostics', () => {
  it('text: sorted by file, line, column; one line each', () => {
    const text = renderDiagnostics([d({ file: 'clusters/b.yaml' }), d({ line: 9, col: 2, severity: 'warning' }), d({ line: 3 })], 'text');
    expect(text).toBe(
      'clusters/a.yaml:3:1 error /x: m\nclusters/a.yaml:9:2 warning /x: m\nclusters/b.yaml:1:1 error /x: m\n',
    );
  });

  it('github: workflow commands with escaped properties and message', () => {
    const text = renderDiagnostics([d({ message: 'a: 50%\nb', severity: 'note' })], 'github');
    expect(text).toBe('::notice file=clusters/a.yaml,line=1,col=1,title=orrery r/x::/x: a: 50%25%0Ab\n');
  });

  it('json: the sorted diagnostics as an array', () => {
    expect(JSON.parse(renderDiagnostics([d({ line: 2 }), d({})], 'json')).map((x: Diagnostic) => x.line)).toEqual([1, 2]);
  });
});
