import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { ComponentContext, ComponentOutput, PlatformComponent } from './component.ts';
import { compareCodePoints } from '../util/order.ts';

export interface PlannedComponent {
  readonly component: PlatformComponent;
  readonly output: ComponentOutput;
}

export interface Plan {
  /** Enabled components, dependencies first. */
  readonly components: readonly PlannedComponent[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Builds the enabled components of a cluster in dependency order. A dependency that is not
 * enabled, or a cycle, is a compile error naming the components involved.
 */
export function planComponents(registry: readonly PlatformComponent[], ctx: ComponentContext): Plan {
  const enabled = new Map(registry.filter((c) => c.enabled(ctx.cluster)).map((c) => [c.name, c]));
  const diagnostics: Diagnostic[] = [];
  const fail = (rule: string, message: string): void => {
    diagnostics.push({ severity: 'error', file: ctx.cluster.source, line: 1, col: 1, pointer: '/components', rule, message });
  };
  for (const c of enabled.values()) {
    for (const d of c.dependsOn ?? []) {
      if (!enabled.has(d)) fail('components/missing-dependency', `${c.name} needs ${d}, which is not enabled in cluster ${JSON.stringify(ctx.cluster.name)}: enable it under components`);
    }
  }
  const order: PlatformComponent[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: PlatformComponent, path: string[]): void => {
    const s = state.get(c.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      fail('components/dependency-cycle', `components depend on each other in a cycle: ${[...path.slice(path.indexOf(c.name)), c.name].join(' → ')}`);
      return;
    }
    state.set(c.name, 'visiting');
    for (const d of c.dependsOn ?? []) {
      const dep = enabled.get(d);
      if (dep) visit(dep, [...path, c.name]);
    }
    state.set(c.name, 'done');
    order.push(c);
  };
  for (const c of [...enabled.values()].sort((a, b) => compareCodePoints(a.name, b.name))) visit(c, []);
  if (diagnostics.length > 0) return { components: [], diagnostics };
  return { components: order.map((component) => ({ component, output: component.build(ctx) })), diagnostics };
}
