// A small SCIM client over fetch (undici, keep-alive), for seeding and probing.
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly bytes: number;
}

export class ScimClient {
  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<Reply> {
    const res = await fetch(this.base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed, bytes: Buffer.byteLength(text) };
  }

  /** Like call(), but anything outside 2xx is an error that names the request. */
  async ok(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<Reply> {
    const r = await this.call(method, path, body, timeoutMs);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} answered ${r.status}: ${brief(r.body)}`);
    return r;
  }
}

export function brief(body: unknown, max = 300): string {
  const s = typeof body === 'string' ? body : JSON.stringify(body);
  return s === undefined ? '' : s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; stops at the first error. */
export async function inPool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  onProgress?: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed ??= err;
        return;
      }
      done++;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failed !== undefined) throw failed;
}
