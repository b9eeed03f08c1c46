/**
 * Every secret the run holds in memory (decrypted values, the age key, client keys in a
 * talosconfig or kubeconfig) is registered here; every text the runner shows or stores (tool
 * output in errors, diffs, the journal) passes through `redact`. Base64 forms are registered too,
 * since configs carry certificates and keys base64-encoded.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Strings shorter than this are not treated as secrets (they would mangle ordinary words). */
  static readonly MIN_LENGTH = 8;

  add(secret: string): void {
    for (const form of [secret, secret.trim(), Buffer.from(secret).toString('base64')]) {
      if (form.length >= Redactor.MIN_LENGTH && !this.secrets.has(form)) {
        this.secrets.add(form);
        this.pattern = undefined;
      }
    }
    // PEM blocks are also matched line by line (a tool may print a wrapped fragment).
    for (const line of secret.split('\n')) {
      if (line.length >= 24 && !line.startsWith('-----')) this.addExact(line.trim());
    }
  }

  private addExact(s: string): void {
    if (s.length >= Redactor.MIN_LENGTH && !this.secrets.has(s)) {
      this.secrets.add(s);
      this.pattern = undefined;
    }
  }

  /** Every string leaf of a decrypted document. */
  addValues(value: unknown): void {
    if (typeof value === 'string') this.add(value);
    else if (Array.isArray(value)) value.forEach((v) => this.addValues(v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => this.addValues(v));
  }

  has(text: string): boolean {
    return this.find(text) !== undefined;
  }

  /** The first registered secret inside the text (for assertions; never print it). */
  find(text: string): string | undefined {
    const re = this.regex();
    if (!re) return undefined;
    re.lastIndex = 0;
    return re.exec(text)?.[0];
  }

  redact(text: string): string {
    const re = this.regex();
    return re ? text.replace(re, '<redacted>') : text;
  }

  private regex(): RegExp | undefined {
    if (this.secrets.size === 0) return undefined;
    if (!this.pattern) {
      // Longest first, so a secret containing another is replaced whole.
      const sorted = [...this.secrets].sort((a, b) => b.length - a.length);
      this.pattern = new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    }
    return this.pattern;
  }
}
