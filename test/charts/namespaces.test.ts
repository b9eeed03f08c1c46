import { describe, expect, it } from 'vitest';
import { App, Chart } from 'cdk8s';
import * as plus from 'cdk8s-plus-34';
import { namespaceObjects } from '../../charts/namespaces.ts';
import type { NamespaceModel } from '../../lib/model/model.ts';

const ns = (name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): NamespaceModel => ({ name, labels, annotations });

describe('namespaceObjects: the typed cdk8s-plus import straight to data', () => {
  it('GIVEN names only THEN each object is what a chart of cdk8s-plus Namespace constructs synthesises', () => {
    // The reference the build used before: plus.Namespace in a Chart, Chart.toJson (cdk8s-plus-34
    // v2.0.54 lib/namespace.js: the L2 passes { metadata, spec: Lazy(() => ({})) } to KubeNamespace).
    const names = ['cert-manager', 'zz-last', 'a.b'];
    const chart = new Chart(new App({ outdir: 'cdk8s.out' }), 'namespaces', { disableResourceNameHashes: true });
    for (const name of names) new plus.Namespace(chart, `namespace-${name}`, { metadata: { name } });
    expect(namespaceObjects(names.map((n) => ns(n)))).toEqual(chart.toJson());
    expect(namespaceObjects([ns('x')])).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: {} }]);
  });

  it('GIVEN labels and annotations THEN they come in code-point order, annotations, labels, then name (key order is output bytes)', () => {
    const [o] = namespaceObjects([ns('web', { b: '2', B: '1', a: '0' }, { 'z/x': 'y', 'a/b': 'c' })]);
    expect(JSON.stringify(o)).toBe('{"apiVersion":"v1","kind":"Namespace","metadata":{"annotations":{"a/b":"c","z/x":"y"},"labels":{"B":"1","a":"0","b":"2"},"name":"web"},"spec":{}}');
  });

  it('GIVEN user keys named like Object.prototype members THEN they are own keys of the data, not lost', () => {
    const labels = Object.fromEntries([['__proto__', 'p'], ['constructor', 'c']]) as Record<string, string>;
    const [o] = namespaceObjects([ns('constructor', labels)]);
    const l = o!.metadata['labels'] as Record<string, string>;
    expect(Object.getPrototypeOf(l)).toBe(Object.prototype);
    expect(Object.keys(l)).toEqual(['__proto__', 'constructor']);
    expect(o!.metadata.name).toBe('constructor');
  });

  it('GIVEN no namespace THEN no object', () => {
    expect(namespaceObjects([])).toEqual([]);
  });
});
