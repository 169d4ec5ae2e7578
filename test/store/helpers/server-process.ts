// The real server (src/cli.ts) as a child process on a free loopback port, for tests that need
// several instances or a hard kill. Its address is read from the JSON "listening" log line.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export interface ServerProcess {
  /** e.g. http://127.0.0.1:41234/scim/v2 */
  readonly base: string;
  readonly child: ChildProcess;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** SIGKILL: no shutdown, no flush, nothing. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** `env` adds to the server's environment (e.g. SCIM_CURSOR_SECRET). */
export async function startServer(store: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--store', store, '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, SCIM_TOKENS: '', SCIM_STORE: '', SCIM_CURSOR_SECRET: '', PORT: '', HOST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    const onLine = (line: string) => {
      try {
        const entry = JSON.parse(line) as { scim?: string };
        if (entry.scim) (clearTimeout(timer), resolve(entry.scim));
      } catch {
        // not a log line
      }
    };
    let pending = '';
    // Keep reading stdout for the whole run (request logs), or the child would block on a full pipe.
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      lines.forEach(onLine);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`server exited (${code}) before listening:\n${output}`))));
  });
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    base,
    child,
    request,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
