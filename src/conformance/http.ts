// The conformance suite's view of a server: plain HTTP with fetch, nothing of ours in between,
// so the same checks judge any implementation of the API.

export type Pairs = ReadonlyArray<readonly [string, string]>;

export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly location: string | null;
  readonly body: string;
  /** First occurrence of each name. */
  readonly fields: Readonly<Record<string, string>>;
  /** Names in the order they arrived. */
  readonly names: readonly string[];
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface Target {
  /** The server's base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
}

export function encode(pairs: Pairs): string {
  return new URLSearchParams(pairs as Array<[string, string]>).toString();
}

export async function send(
  target: Target,
  method: 'GET' | 'POST',
  path: string,
  pairs: Pairs,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const query = method === 'GET' && pairs.length > 0 ? `?${encode(pairs)}` : '';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), target.timeoutMs);
  try {
    const res = await target.fetch(`${target.baseUrl}${path}${query}`, {
      method,
      redirect: 'manual',
      signal: controller.signal,
      headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded', ...headers } : headers,
      ...(method === 'POST' ? { body: encode(pairs) } : {}),
    });
    const body = await res.text();
    const fields: Record<string, string> = {};
    const names: string[] = [];
    for (const [k, v] of new URLSearchParams(body)) {
      names.push(k);
      if (!(k in fields)) fields[k] = v;
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', location: res.headers.get('location'), body, fields, names };
  } finally {
    clearTimeout(timer);
  }
}
