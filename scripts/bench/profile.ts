// Summarises a V8 .cpuprofile (written by `node --cpu-prof`): self time per function.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  readonly fn: string;
  readonly where: string;
  readonly ms: number;
  readonly percent: number;
}

/** A span of the run (monotonic clock, µs, comparable with a profile's timestamps on Linux). */
export interface Window {
  readonly name: string;
  readonly startUs: number;
  readonly endUs: number;
}

export interface WindowSummary {
  readonly name: string;
  readonly startUs: number;
  readonly endUs: number;
  readonly seconds: number;
  /** Server CPU time in the window, as a share of the window's wall time (1 = one core busy). */
  readonly busyShare: number;
  readonly top: readonly SelfTime[];
  /** Self time by package / directory within the window. */
  readonly byOrigin: readonly SelfTime[];
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  /** Sampled time that was not idle. */
  readonly busyMs: number;
  readonly top: readonly SelfTime[];
  /** Self time grouped by package (node_modules/<pkg>), project directory (src/...) or node internals. */
  readonly byOrigin: readonly SelfTime[];
  /** The top functions within each phase of the run. */
  readonly windows: readonly WindowSummary[];
}

function shortUrl(url: string, root: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  return path.startsWith('/') ? relative(root, path) : path;
}

function originOf(where: string): string {
  const nm = where.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = where.slice(nm + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (where.startsWith('node:')) return 'node internals';
  if (where === '(native)') return '(native / V8)';
  const parts = where.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : where;
}

class Tally {
  readonly fns = new Map<string, { fn: string; where: string; us: number }>();
  busy = 0;
  add(fn: string, where: string, us: number): void {
    const key = `${fn} ${where}`;
    const e = this.fns.get(key) ?? { fn, where, us: 0 };
    e.us += us;
    this.fns.set(key, e);
    this.busy += us;
  }
  top(n: number): SelfTime[] {
    return [...this.fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, n)
      .map((e) => ({ fn: e.fn, where: e.where, ms: e.us / 1000, percent: this.busy > 0 ? (100 * e.us) / this.busy : 0 }));
  }
}

export function summariseProfile(file: string, root: string, windows: readonly Window[] = [], topN = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map<number, { fn: string; where: string; origin: string; idle: boolean }>();
  for (const n of profile.nodes) {
    const fn = n.callFrame.functionName || '(anonymous)';
    const url = shortUrl(n.callFrame.url, root);
    // Lines of tsx-compiled modules are not meaningful (V8 sees the transformed code): name the file only.
    const where = n.callFrame.url && !url.endsWith('.ts') ? `${url}:${n.callFrame.lineNumber + 1}` : url;
    const origin = fn === '(garbage collector)' ? '(garbage collector)' : originOf(url);
    frames.set(n.id, { fn, where, origin, idle: fn === '(idle)' || fn === '(program)' });
  }
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const all = new Tally();
  const origins = new Map<string, number>();
  const perWindow = windows.map(() => new Tally());
  const perWindowOrigin = windows.map(() => new Tally());
  let total = 0;
  let ts = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    ts += deltas[i] ?? 0;
    // timeDeltas[i] is the gap before sample i: sample i accounts for the gap after it.
    const dt = Math.max(0, deltas[i + 1] ?? 0);
    const f = frames.get(samples[i]!);
    if (!f) continue;
    total += dt;
    if (f.idle) continue;
    all.add(f.fn, f.where, dt);
    origins.set(f.origin, (origins.get(f.origin) ?? 0) + dt);
    for (let w = 0; w < windows.length; w++) {
      if (ts >= windows[w]!.startUs && ts < windows[w]!.endUs) {
        perWindow[w]!.add(f.fn, f.where, dt);
        perWindowOrigin[w]!.add(f.origin, '', dt);
      }
    }
  }
  const byOrigin = [...origins.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([origin, us]) => ({ fn: origin, where: '', ms: us / 1000, percent: all.busy > 0 ? (100 * us) / all.busy : 0 }));
  return {
    file: relative(root, file),
    totalMs: total / 1000,
    busyMs: all.busy / 1000,
    top: all.top(topN),
    byOrigin,
    windows: windows.map((w, i) => ({
      name: w.name,
      startUs: w.startUs,
      endUs: w.endUs,
      byOrigin: perWindowOrigin[i]!.top(6),
      seconds: (w.endUs - w.startUs) / 1e6,
      busyShare: perWindow[i]!.busy / Math.max(1, w.endUs - w.startUs),
      top: perWindow[i]!.top(5),
    })),
  };
}
