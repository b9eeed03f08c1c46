/**
 * A YAML syntax error told in the words of the file: what is wrong in terms a spec author knows,
 * and the line it is about quoted from the file — not the parser's grammar terms ("Flow sequence
 * in block collection must be sufficiently indented"). Codes are the yaml library's (yaml 2.x
 * `YAMLError.code`); an unknown code keeps the library's message, so nothing is ever hidden.
 */
export function yamlSyntaxMessage(options: { code: string; message: string; text: string; line: number }): string {
  const lines = options.text.split(/\r?\n/);
  const quoteLine = (n: number): string => `line ${n}: ${JSON.stringify((lines[n - 1] ?? '').trim().slice(0, 80))}`;
  const here = quoteLine(options.line);
  const first = options.message.split('\n')[0]!;
  const unclosed = (open: string, close: string): string => {
    // The opening bracket is on an earlier line than where the parser noticed.
    for (let n = options.line; n >= 1; n--) {
      const l = lines[n - 1] ?? '';
      if (l.split(open).length > l.split(close).length) return `a ${open} … ${close} ${open === '[' ? 'list' : 'mapping'} is not closed: end it with ${close} on the same line, or write one item per line (${quoteLine(n)})`;
    }
    return `a ${open} … ${close} is not closed with ${close} (${here})`;
  };
  switch (options.code) {
    case 'BAD_INDENT':
      if (/^Flow sequence/.test(first)) return unclosed('[', ']');
      if (/^Flow map/.test(first)) return unclosed('{', '}');
      return `the indentation does not line up: the keys of one mapping start at the same column, and a nested value is indented further, with spaces (${here})`;
    case 'TAB_AS_INDENT':
      return `a tab indents this line; YAML indents with spaces only (${here})`;
    case 'BAD_DQ_ESCAPE':
      return `a "double-quoted" value holds a backslash escape YAML does not know (${first.replace(/^Invalid escape sequence /, '')}); use 'single quotes' to keep backslashes as they are (${here})`;
    case 'BAD_SCALAR_START':
      return `an unquoted value cannot start with ${first.replace(/^.*reserved character /, '')}; put the value in quotes (${here})`;
    case 'BLOCK_AS_IMPLICIT_KEY':
      return `a value has a "key:" of its own on the same line ("a: b: c"), or a line is indented under a value that is already set; put a nested mapping on its own lines, or quote a value that holds ": " (${here})`;
    case 'MULTILINE_IMPLICIT_KEY':
      return `a line without a "key:" where a key is expected (a colon missing?) (${here})`;
    case 'UNEXPECTED_TOKEN':
      return `this line does not fit the structure above it — a "key: value" where "- " list items are expected, or the reverse, or a stray character (${here})`;
    case 'TAG_RESOLVE_FAILED':
      return `the tag ${first.replace(/^Unresolved tag: /, '')} means nothing here: spec values are plain text, numbers, booleans, lists and mappings; remove the tag (${here})`;
    case 'MISSING_CHAR':
      return `a comma or a colon is missing between the items of a [ ] list or { } mapping (${here})`;
    default:
      return `${first} (${here})`;
  }
}
