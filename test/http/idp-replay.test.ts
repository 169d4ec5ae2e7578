// Replays what identity providers send (test/fixtures/idp/*.json, written from the public
// documentation summarised in /work/shared/reference/idp-requests.md) against the real app, step
// by step. Each step's status and body are checked, and after every write the resulting state is
// read back with GET. Ids come from earlier responses: a step with `capture: "user1"` keeps its
// response body, and later steps say `{{user1.id}}`; `{{run}}` (and `{{RUN}}`, upper case) make
// every replay's names unique. The test client also validates every response against the contract.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type ScimResponse, type TestApp } from '../helpers/scim-app.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** An attribute path: a top-level name, or the keys down to it (URNs contain dots). */
type AttributePath = string | string[];

interface Check {
  status: number;
  /** Matched as a subset (vitest toMatchObject: arrays must have the same length). */
  body?: Json;
  absent?: AttributePath[];
}

interface StateCheck extends Check {
  get: string;
}

interface Step {
  name: string;
  request: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; body?: Json; headers?: Record<string, string> };
  capture?: string;
  expect: Check;
  /** Required on writes: the resource state read back afterwards. */
  state?: StateCheck[];
}

interface Fixture {
  name: string;
  sources: string[];
  headers?: Record<string, string>;
  steps: Step[];
}

const FIXTURES = new URL('../fixtures/idp/', import.meta.url);
const fixtureFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const TEMPLATE = /\{\{([^{}]+)\}\}/g;
const WHOLE = /^\{\{([^{}]+)\}\}$/;

class Variables {
  private readonly values = new Map<string, unknown>();

  constructor(run: string) {
    this.values.set('run', run);
    this.values.set('RUN', run.toUpperCase());
  }

  capture(name: string, body: unknown): void {
    this.values.set(name, body);
  }

  lookup(ref: string): unknown {
    const [name, ...path] = ref.trim().split('.');
    if (!this.values.has(name)) throw new Error(`{{${ref}}}: nothing was captured as "${name}"`);
    let v = this.values.get(name);
    for (const key of path) {
      if (typeof v !== 'object' || v === null || !(key in v)) throw new Error(`{{${ref}}}: "${key}" is not in the captured value`);
      v = (v as Record<string, unknown>)[key];
    }
    return v;
  }

  /** Substitutes every {{ref}}; a string that is only {{ref}} becomes the raw value (an object for {{user1.meta}}). */
  fill<T>(value: T): T {
    if (typeof value === 'string') {
      const whole = WHOLE.exec(value);
      if (whole) return this.lookup(whole[1]) as T;
      return value.replace(TEMPLATE, (_, ref: string) => String(this.lookup(ref))) as T;
    }
    if (Array.isArray(value)) return value.map((v) => this.fill(v)) as T;
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.fill(k), this.fill(v)])) as T;
    }
    return value;
  }
}

function valueAt(body: unknown, path: AttributePath): unknown {
  let v = body;
  for (const key of typeof path === 'string' ? [path] : path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function expectCheck(res: ScimResponse, check: Check, where: string): void {
  expect(res.status, `${where}: ${res.text.slice(0, 400)}`).toBe(check.status);
  if (check.body !== undefined) expect(res.body, where).toMatchObject(check.body as object);
  for (const path of check.absent ?? []) {
    expect(valueAt(res.body, path), `${where}: ${JSON.stringify(path)} must be absent`).toBeUndefined();
  }
}

for (const file of fixtureFiles) {
  const fixture = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Fixture;

  describe(`${file}: ${fixture.name}`, () => {
    const vars = new Variables(randomBytes(4).toString('hex'));
    let broken: string | undefined;

    it('is well formed: sources named, every write followed by a state check', () => {
      expect(fixture.sources.length).toBeGreaterThan(0);
      for (const step of fixture.steps) {
        if (WRITES.has(step.request.method)) expect(step.state?.length, `${step.name}: a write needs a state check`).toBeGreaterThan(0);
      }
    });

    fixture.steps.forEach((step, i) => {
      it(`step ${i + 1}: ${step.request.method} — ${step.name}`, async (ctx) => {
        // Later steps depend on earlier ones: once a step fails, the rest are reported as skipped.
        if (broken) ctx.skip(`after the failure of "${broken}"`);
        try {
          const headers = Object.fromEntries(
            Object.entries({ ...fixture.headers, ...step.request.headers }).map(([k, v]) => [k.toLowerCase(), v]),
          );
          const path = vars.fill(step.request.path);
          const res = await app.client.request(step.request.method, path, {
            headers,
            ...(step.request.body !== undefined ? { body: vars.fill(step.request.body) } : {}),
          });
          expectCheck(res, vars.fill(step.expect), `${step.request.method} ${path}`);
          if (step.capture) vars.capture(step.capture, res.body);
          for (const state of step.state ?? []) {
            const s = vars.fill(state);
            const got = await app.client.get(s.get, { headers: { accept: 'application/scim+json' } });
            expectCheck(got, s, `state after "${step.name}": GET ${s.get}`);
          }
        } catch (err) {
          broken = step.name;
          throw err;
        }
      });
    });
  });
}
