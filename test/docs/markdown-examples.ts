// Reads the tested examples out of a Markdown page, and the tables the docs test compares with
// the code. The convention (stated in docs/api/place-order.md, "How the examples are tested"):
//
//   ```sh                      a curl command (the first word is `curl`)
//   curl … 'http://127.0.0.1:8080/products/!PlaceOrder' …
//   ```
//   ```text                    directly after it (blank lines only in between): the answer —
//   HTTP/1.1 200 OK            the status line,
//   Content-Type: …            the headers that matter (each compared exactly),
//                              a blank line,
//   errorCode=0&…              and the body, byte for byte.
//   ```
//
// In the expected answer, `orderNumber=<digits>` matches any order number (numbers depend on
// what ran before), everything else is exact.

export interface DocRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query string, as sent. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

export interface DocAnswer {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

export interface DocExample {
  /** Line of the curl block in the Markdown file (1-based), for failure messages. */
  readonly line: number;
  /** The nearest heading above the example. */
  readonly heading: string;
  readonly curl: string;
  readonly request: DocRequest;
  readonly answer: DocAnswer;
}

interface Fence {
  readonly info: string;
  readonly text: string;
  readonly line: number;
  /** Index of the fence's closing line. */
  readonly end: number;
}

function fences(markdown: string): Array<Fence & { heading: string; gapFromPrevious: string }> {
  const lines = markdown.split('\n');
  const out: Array<Fence & { heading: string; gapFromPrevious: string }> = [];
  let heading = '';
  let lastEnd = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const open = /^```(\S*)\s*$/.exec(line);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && lines[j] !== '```') j++;
    if (j >= lines.length) throw new Error(`unclosed code fence at line ${i + 1}`);
    out.push({
      info: open[1]!,
      text: lines.slice(i + 1, j).join('\n'),
      line: i + 1,
      end: j,
      heading,
      gapFromPrevious: lastEnd < 0 ? '' : lines.slice(lastEnd + 1, i).join('\n'),
    });
    lastEnd = j;
    i = j;
  }
  return out;
}

/** Every curl block followed directly by a text answer block. */
export function extractExamples(markdown: string): DocExample[] {
  const all = fences(markdown);
  const examples: DocExample[] = [];
  for (let k = 0; k < all.length; k++) {
    const f = all[k]!;
    if (f.info !== 'sh' || !/^curl\s/.test(f.text.trimStart())) continue;
    const next = all[k + 1];
    if (!next || next.info !== 'text' || next.gapFromPrevious.trim() !== '') {
      throw new Error(`line ${f.line}: a curl example must be followed directly by a \`\`\`text answer block`);
    }
    examples.push({ line: f.line, heading: f.heading, curl: f.text, request: parseCurl(f.text), answer: parseAnswer(next.text) });
  }
  return examples;
}

/** Shell words of one command: single quotes, double quotes, backslash-newline continuations. */
export function shellWords(text: string): string[] {
  const src = text.replace(/\\\n/g, ' ');
  const words: string[] = [];
  let i = 0;
  while (i < src.length) {
    while (i < src.length && /\s/.test(src[i]!)) i++;
    if (i >= src.length) break;
    if (src[i] === '#') break;
    let word = '';
    while (i < src.length && !/\s/.test(src[i]!)) {
      const c = src[i]!;
      if (c === "'") {
        const end = src.indexOf("'", i + 1);
        if (end < 0) throw new Error('unclosed single quote');
        word += src.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        let j = i + 1;
        while (j < src.length && src[j] !== '"') {
          if (src[j] === '\\' && j + 1 < src.length) j++;
          word += src[j];
          j++;
        }
        if (j >= src.length) throw new Error('unclosed double quote');
        i = j + 1;
      } else if (c === '\\' && i + 1 < src.length) {
        word += src[i + 1];
        i += 2;
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}

/** curl's --data-urlencode: everything but unreserved characters is percent-encoded. */
function curlEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The curl options the docs use; anything else is refused so an example cannot silently mean something else. */
export function parseCurl(text: string): DocRequest {
  const words = shellWords(text);
  if (words[0] !== 'curl') throw new Error('not a curl command');
  let method: string | undefined;
  let get = false;
  let url: string | undefined;
  const data: string[] = [];
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const arg = () => {
      const v = words[++i];
      if (v === undefined) throw new Error(`${w} needs a value`);
      return v;
    };
    switch (w) {
      case '-s':
      case '--silent':
      case '-i':
      case '--include':
        break;
      case '-X':
      case '--request':
        method = arg();
        break;
      case '-G':
      case '--get':
        get = true;
        break;
      case '-H':
      case '--header': {
        const h = arg();
        const colon = h.indexOf(':');
        headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
        break;
      }
      case '-d':
      case '--data':
      case '--data-raw':
        data.push(arg());
        break;
      case '--data-urlencode': {
        const v = arg();
        const eq = v.indexOf('=');
        data.push(eq < 0 ? curlEscape(v) : `${v.slice(0, eq)}=${curlEscape(v.slice(eq + 1))}`);
        break;
      }
      default:
        if (/^https?:\/\//.test(w) && url === undefined) url = w;
        else throw new Error(`curl option not supported by the docs test: ${w}`);
    }
  }
  if (url === undefined) throw new Error('curl command without a URL');
  const u = new URL(url);
  let pathAndQuery = u.pathname + u.search;
  // A literal `!` in the path is what curl sends; URL() keeps it.
  const joined = data.join('&');
  if (get && data.length > 0) pathAndQuery += (u.search ? '&' : '?') + joined;
  const sendsBody = !get && data.length > 0;
  const finalMethod = (method ?? (sendsBody ? 'POST' : 'GET')).toUpperCase();
  if (finalMethod !== 'GET' && finalMethod !== 'POST') throw new Error(`method ${finalMethod} not supported`);
  if (sendsBody && headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return { method: finalMethod, url: pathAndQuery, headers, body: sendsBody ? joined : undefined };
}

export function parseAnswer(text: string): DocAnswer {
  const lines = text.split('\n');
  const status = /^HTTP\/1\.1 (\d{3})\b/.exec(lines[0] ?? '');
  if (!status) throw new Error(`an answer block starts with "HTTP/1.1 <status>", got "${lines[0]}"`);
  const headers: Array<[string, string]> = [];
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const colon = lines[i]!.indexOf(':');
    if (colon < 0) throw new Error(`not a header line: "${lines[i]}"`);
    headers.push([lines[i]!.slice(0, colon).trim().toLowerCase(), lines[i]!.slice(colon + 1).trim()]);
  }
  return { status: Number(status[1]), headers, body: lines.slice(i + 1).join('\n') };
}

/** A pattern for an expected text: exact, except that any order number matches. */
export function expectedPattern(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp('^' + escaped.replace(/orderNumber=\d+/g, 'orderNumber=\\d+') + '$');
}

/** The rows of the first Markdown table under a heading, cells trimmed, backticks removed. */
export function tableUnder(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{1,6} /.test(l) && l.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  let i = start + 1;
  while (i < lines.length && !lines[i]!.startsWith('|')) {
    if (/^#{1,6} /.test(lines[i]!)) throw new Error(`no table under "${heading}"`);
    i++;
  }
  const rows: string[][] = [];
  for (; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(splitRow(lines[i]!));
  // Header row and the |---| separator are not data.
  return rows.slice(2);
}

function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let i = 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '`') inCode = !inCode;
    if (c === '\\' && line[i + 1] === '|') {
      cell += '|';
      i++;
      continue;
    }
    if (c === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
      continue;
    }
    cell += c;
  }
  return cells.map((c) => c.replace(/`/g, '').trim());
}
