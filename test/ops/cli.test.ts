// The real CLI as a child process (`node --import tsx src/cli.ts`): --help, validation exits,
// the refusal to serve the network without a credential, and a graceful SIGTERM that lets an
// in-flight request finish. Every child is killed in afterAll, whatever happened.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { flagText } from '../../src/ops/config-help.ts';
import { SETTINGS } from '../../src/ops/config-settings.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'cli-test-token';
const children: ChildProcess[] = [];

interface Cli {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (a signal is reported as its name). */
  readonly exited: Promise<number | string>;
  /** Resolves with the first JSON log line `match` accepts. */
  line(match: (l: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
}

function cli(args: string[], env: Record<string, string> = {}): Cli {
  // Only what the child needs from the environment: no HOST, PORT, SCIM_* or LOG_LEVEL of the runner.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HOST|PORT|LOG_LEVEL|SCIM_)/.test(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const parsed = () =>
    out.split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, any>];
      } catch {
        return [];
      }
    });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line: (match, timeoutMs = 80_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = parsed().find(match);
          if (found) done(() => resolve(found));
        };
        const done = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no such log line; stdout:\n${out}\nstderr:\n${err}`))), timeoutMs);
        void exited.then(() => setImmediate(() => done(() => reject(new Error(`exited; stdout:\n${out}\nstderr:\n${err}`)))));
        waiters.add(check);
        check();
      }),
  };
}

// Start-up (tsx, contract loading) can take a while on a busy machine.
const SLOW = 90_000;
const listening = (l: Record<string, any>) => typeof l.port === 'number' && /listening/.test(l.msg);

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A raw HTTP/1.1 request whose body is sent later, so it can be held in flight. */
function openRequest(port: number, body: string): { socket: Socket; received: () => string; continued: Promise<void>; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let onContinue: () => void;
  const continued = new Promise<void>((resolve) => (onContinue = resolve));
  socket.setEncoding('utf8').on('data', (d: string) => {
    received += d;
    if (received.includes('100 Continue')) onContinue();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  // Expect: 100-continue makes the server confirm it has taken the request before the body is sent.
  socket.write(
    'POST /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/scim+json\r\n' +
      `Authorization: Bearer ${TOKEN}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
  );
  return { socket, received: () => received, continued, closed };
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('scim2-server CLI', () => {
  it('--help prints every option and exits 0', async () => {
    const run = cli(['--help']);
    expect(await run.exited).toBe(0);
    for (const s of SETTINGS) {
      if (s.flag) expect(run.stdout()).toContain(flagText(s));
      if (s.env) expect(run.stdout()).toContain(`env ${s.env}`);
    }
    expect(run.stdout()).toContain('default: 8000');
  });

  it('a bad PORT exits non-zero with a message naming PORT, and no stack', async () => {
    const run = cli([], { PORT: 'abc' });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toBe('scim2-server: PORT must be an integer between 0 and 65535, got "abc"\n');
    expect(run.stdout()).toBe('');
  });

  it('a short SCIM_CURSOR_SECRET stops the start with exit code 2, without echoing it', async () => {
    const run = cli(['--port', '0'], { SCIM_CURSOR_SECRET: 'too-short-a-secret' });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toBe('scim2-server: SCIM_CURSOR_SECRET must be a string of at least 32 characters (value not shown)\n');
    expect(run.stdout()).toBe('');
  });

  it('refuses a non-loopback host without a credential', async () => {
    const run = cli(['--host', '0.0.0.0', '--port', '0']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/^scim2-server: --host is "0\.0\.0\.0", not a loopback address, and no credential is configured/);
    expect(run.stderr()).toContain('--insecure');
    expect(run.stdout()).not.toMatch(/"port"/);
  });

  it('with --insecure it starts on 0.0.0.0, warns, and serves', async () => {
    const run = cli(['--host', '0.0.0.0', '--port', '0', '--insecure']);
    const { port, address } = await run.line(listening);
    expect(address).toBe('0.0.0.0');
    const warning = await run.line((l) => l.level === 'warn');
    expect(warning.msg).toMatch(/--insecure: listening on 0\.0\.0\.0 with no credential/);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, SLOW);

  it('on SIGTERM lets an in-flight request finish, refuses new connections, and exits 0', async () => {
    const run = cli(['--port', '0'], { SCIM_TOKENS: TOKEN });
    const { port } = await run.line(listening);
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'in-flight' });
    const request = openRequest(port, body);
    await request.continued; // the server has the request: it is in flight

    run.child.kill('SIGTERM');
    await run.line((l) => /^shutting down/.test(l.msg));
    expect(await refused(port)).toBe(true);

    request.socket.write(body);
    await request.closed; // answered, then the connection is closed for shutdown
    expect(request.received()).toMatch(/HTTP\/1\.1 201 Created[\s\S]*"userName":"in-flight"/);
    expect(await run.exited).toBe(0);
    const completed = await run.line((l) => l.msg === 'request completed');
    expect(completed).toMatchObject({ operationId: 'createUser', status: 201 });
    await run.line((l) => l.msg === 'shutdown complete');
  }, SLOW);

  it('closes a request still running after the shutdown timeout, then exits 0', async () => {
    const run = cli(['--port', '0', '--shutdown-timeout-ms', '300'], { SCIM_TOKENS: TOKEN });
    const { port } = await run.line(listening);
    const request = openRequest(port, '{"never": "sent"}');
    await request.continued;

    run.child.kill('SIGTERM');
    await request.closed; // cut off by the timeout: the body never came
    expect(request.received()).not.toMatch(/HTTP\/1\.1 [2-5]\d\d/);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/shutdown timeout: closing the remaining connections/);
  }, SLOW);
});
