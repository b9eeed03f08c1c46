/**
 * `talosctl get … -o json` prints one indented JSON object per resource, one after another
 * (cmd/talosctl/cmd/talos/output/json.go: an encoder per resource), not an array. This splits
 * such a stream into its values.
 */
export function parseJsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0 && start >= 0) {
        values.push(JSON.parse(text.slice(start, i + 1)));
        start = -1;
      }
    }
  }
  return values;
}

/** The `spec` of each resource in a talosctl JSON stream. */
export function resourceSpecs<T>(text: string): { id: string; node?: string; spec: T }[] {
  return parseJsonStream(text).map((v) => {
    const r = v as { node?: string; metadata?: { id?: string }; spec?: T };
    return { id: r.metadata?.id ?? '', ...(r.node ? { node: r.node } : {}), spec: (r.spec ?? {}) as T };
  });
}
