/**
 * A YAML subset reader for our own config files (electron-builder.yml): nested maps by two-space indent,
 * lists of scalars or maps with `- `, quoted or plain scalars, `#` comments, true/false/numbers. Enough to
 * validate the file without adding a YAML dependency; anything outside the subset throws.
 */
type Value = string | number | boolean | Value[] | { [key: string]: Value };

interface Line {
  indent: number;
  text: string;
  number: number;
}

export function parseSimpleYaml(source: string): Value {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    const text = stripComment(raw).trimEnd();
    if (text.trim())
      lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), number: i + 1 });
  });
  let pos = 0;

  const parseBlock = (indent: number): Value => {
    if (lines[pos].text.startsWith('- ')) {
      const list: Value[] = [];
      while (pos < lines.length && lines[pos].indent === indent && lines[pos].text.startsWith('- ')) {
        const line = lines[pos];
        const rest = line.text.slice(2);
        if (/^[\w.-]+:( |$)/.test(rest)) {
          // A map inside a list item: re-read this line as the map's first key, two columns in.
          lines[pos] = { ...line, indent: indent + 2, text: rest };
          list.push(parseBlock(indent + 2));
        } else {
          list.push(scalar(rest));
          pos++;
        }
      }
      return list;
    }
    const map: { [key: string]: Value } = {};
    while (pos < lines.length && lines[pos].indent === indent) {
      const line = lines[pos];
      const m = /^([\w.-]+):(?: (.*))?$/.exec(line.text);
      if (!m) throw new Error(`line ${line.number}: not a key: value pair`);
      pos++;
      if (m[2] !== undefined && m[2] !== '') map[m[1]] = scalar(m[2]);
      else if (pos < lines.length && lines[pos].indent > indent) map[m[1]] = parseBlock(lines[pos].indent);
      else if (pos < lines.length && lines[pos].indent === indent && lines[pos].text.startsWith('- '))
        map[m[1]] = parseBlock(indent);
      else map[m[1]] = '';
    }
    if (pos < lines.length && lines[pos].indent > indent)
      throw new Error(`line ${lines[pos].number}: unexpected indent`);
    return map;
  };

  return lines.length ? parseBlock(lines[0].indent) : {};
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ')) return line.slice(0, i);
  }
  return line;
}

function scalar(text: string): Value {
  const t = text.trim();
  if (/^'.*'$/.test(t)) return t.slice(1, -1).replace(/''/g, "'");
  if (/^".*"$/.test(t)) return JSON.parse(t) as string;
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}
