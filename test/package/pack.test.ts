// The published package, as a user gets it: `npm pack` (which runs the build through prepack), then
// a fresh project outside the repository installs the tarball (and express) from the registry and
// uses it: the library and the client from an ESM script, the types from TypeScript, and the CLI
// through `npx scim2-server`. A file missing from `files`, a wrong `exports` or `bin`, a dependency
// listed as dev-only: each fails here.
//
// The package is packed from a copy of the working tree, so the build (prepack) never races with
// another run over the repository's own dist/.
//
// The database drivers are optional peer dependencies, so the install compiles no native addon.
// The timeouts are generous all the same: npm install of a tarball on a busy machine.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

// The child npm runs as if from a plain shell: none of the calling `npm test`'s package context.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_(package|lifecycle|config_(?!cache$|registry$|userconfig$))/i.test(key)),
);

interface PackResult {
  filename: string;
  files: { path: string; mode: number }[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Ends the process group this test started for the CLI (npx and the server under it). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = once(child, 'exit');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  await exited;
}

const CONSUMER_SCRIPT = `
import { once } from 'node:events';
import express from 'express';
import { ScimServer, createApp } from 'scim2-server';
import { createScimClient, ScimClientError } from 'scim2-server/client';

const server = await ScimServer.create({ tokens: ['packed-token'], logError: () => {} });
const app = express();
app.use('/api/identity/scim', server.router);
const mounted = app.listen(0, '127.0.0.1');
await once(mounted, 'listening');
const full = createApp(server).listen(0, '127.0.0.1');
await once(full, 'listening');
try {
  const scim = createScimClient({ baseUrl: \`http://127.0.0.1:\${mounted.address().port}/api/identity/scim\`, token: 'packed-token' });
  const created = await scim.createUser({ userName: 'packed' });
  const found = await scim.findUserByUserName('PACKED');
  let conflict;
  try {
    await scim.createUser({ userName: 'packed' });
  } catch (err) {
    conflict = err instanceof ScimClientError ? { status: err.status, scimType: err.scimType } : String(err);
  }
  const anonymous = await fetch(\`http://127.0.0.1:\${mounted.address().port}/api/identity/scim/Users\`);
  const origin = \`http://127.0.0.1:\${full.address().port}\`;
  const openapi = await fetch(\`\${origin}/openapi.json\`);
  const docs = await fetch(\`\${origin}/docs/\`);
  console.log(JSON.stringify({
    created: created.id,
    found: found?.id,
    location: created.meta?.location,
    conflict,
    anonymous: anonymous.status,
    openapi: openapi.status,
    title: (await openapi.json()).info?.title,
    docs: docs.status,
    docsType: docs.headers.get('content-type'),
  }));
} finally {
  for (const s of [mounted, full]) {
    s.closeAllConnections();
    s.close();
  }
  await server.close();
}
`;

// Typed use of the published declarations (dist/**/*.d.ts), as a TypeScript user compiles it.
const CONSUMER_TS = `
import { ScimServer, createApp, type ScimUser } from 'scim2-server';
import { createScimClient, type ScimClient, type ScimGroup } from 'scim2-server/client';

export async function main(): Promise<string | undefined> {
  const server: ScimServer = await ScimServer.create();
  createApp(server);
  const user: ScimUser = await server.users.create({ userName: 'typed' });
  const scim: ScimClient = createScimClient({ baseUrl: 'http://127.0.0.1/scim/v2' });
  const group: ScimGroup = await scim.createGroup({ displayName: 'g', members: [{ value: user.id! }] });
  for await (const u of scim.iterate('/Users', { filter: 'userName sw "t"' })) u.userName?.toUpperCase();
  // @ts-expect-error userName is a string in the contract
  const wrong: number = user.userName;
  return group.id ?? String(wrong);
}
`;

describe('the npm package', () => {
  let dir: string;
  let project: string;
  let packed: PackResult;
  let cli: ChildProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scim2-pack-'));
    const source = join(dir, 'source');
    const skip = new Set(['node_modules', '.git', 'dist', 'coverage'].map((name) => join(ROOT, name)));
    cpSync(ROOT, source, { recursive: true, filter: (path) => !skip.has(path.replace(/\/+$/, '')) });
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
    // npm pack runs prepack, i.e. the build.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: source,
      env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 180_000,
    });
    [packed] = JSON.parse(stdout) as PackResult[];

    project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify(
        {
          name: 'scim2-server-consumer',
          private: true,
          type: 'module',
          // npm 11 runs a dependency's install scripts only when allowed: better-sqlite3 builds its addon.
          allowScripts: manifest.allowScripts ?? {},
        },
        null,
        2,
      ),
    );
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed.filename), `express@${manifest.dependencies.express}`],
      { cwd: project, env, maxBuffer: 64 * 1024 * 1024, timeout: 420_000 },
    );
  }, 600_000);

  afterAll(async () => {
    if (cli) await stop(cli);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('contains the build, the contract and the generated types, and no sources or tests', () => {
    const paths = packed.files.map((f) => f.path);
    expect(packed.filename).toBe(`${manifest.name}-${manifest.version}.tgz`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/client/index.js',
        'dist/src/client/index.d.ts',
        'dist/src/cli.js',
        'dist/generated/scim.d.ts',
        'LICENSE',
        'openapi/scim.yaml',
        'generated/scim.ts',
      ]),
    );
    expect(paths.filter((p) => /^(src|test|scripts|bench|node_modules)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('dist/') && p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    // The bin is executable, with a shebang.
    const cliFile = packed.files.find((f) => f.path === 'dist/src/cli.js')!;
    expect(cliFile.mode & 0o111).not.toBe(0);
    expect(readFileSync(join(project, 'node_modules', manifest.name, 'dist/src/cli.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('imports ScimServer, createApp and the client in an ESM script; the router mounts in Express', async () => {
    writeFileSync(join(project, 'consumer.mjs'), CONSUMER_SCRIPT);
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: project, env, timeout: 120_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({
      created: expect.any(String),
      conflict: { status: 409, scimType: 'uniqueness' },
      anonymous: 401,
      openapi: 200,
      title: expect.stringContaining('SCIM'),
      docs: 200,
      docsType: expect.stringMatching(/^text\/html/),
    });
    expect(result.found).toBe(result.created);
    expect(result.location).toMatch(new RegExp(`/api/identity/scim/Users/${result.created}$`));
  }, 150_000);

  it('type-checks a TypeScript consumer against the published declarations', async () => {
    writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        },
        files: ['consumer.ts'],
      }),
    );
    const result = await run(process.execPath, [TSC, '-p', '.'], { cwd: project, env, timeout: 120_000 }).catch(
      (err: { stdout?: string; stderr?: string }) => ({ stdout: `${err.stdout}${err.stderr}`, failed: true }),
    );
    expect(result.stdout).toBe('');
  }, 150_000);

  it('runs the CLI: npx scim2-server --port N answers GET /scim/v2/ServiceProviderConfig', async () => {
    const port = await freePort();
    const { PORT: _port, HOST: _host, ...cliEnv } = env; // the flag alone names the port
    cli = spawn('npx', ['--no-install', 'scim2-server', '--port', String(port)], {
      cwd: project,
      env: cliEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    cli.stdout!.on('data', (chunk) => (output += chunk));
    cli.stderr!.on('data', (chunk) => (output += chunk));

    const url = `http://127.0.0.1:${port}/scim/v2/ServiceProviderConfig`;
    const deadline = Date.now() + 120_000;
    let res: Response | undefined;
    while (!res && Date.now() < deadline) {
      if (cli.exitCode !== null) throw new Error(`scim2-server exited with ${cli.exitCode}:\n${output}`);
      res = await fetch(url).catch(() => undefined);
      if (!res) await new Promise((r) => setTimeout(r, 250));
    }
    expect(res, `no answer on ${url}:\n${output}`).toBeDefined();
    expect(res!.status, output).toBe(200);
    expect(res!.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(await res!.json()).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
    });

    await stop(cli);
  }, 180_000);

  it('installs no database driver: --store sqlite: says which package to install, and exits', async () => {
    expect(readdirSync(join(project, 'node_modules'))).not.toEqual(expect.arrayContaining(['better-sqlite3']));
    expect(readdirSync(join(project, 'node_modules'))).not.toEqual(expect.arrayContaining(['pg']));
    const { PORT: _port, HOST: _host, ...cliEnv } = env;
    const port = await freePort();
    const result = await run('npx', ['--no-install', 'scim2-server', '--port', String(port), '--store', `sqlite:${join(dir, 'x.db')}`], {
      cwd: project,
      env: cliEnv,
      timeout: 120_000,
    }).then(
      () => ({ code: 0, output: '' }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code, output: `${err.stdout}${err.stderr}` }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain('npm install better-sqlite3@12');
  }, 150_000);
});
