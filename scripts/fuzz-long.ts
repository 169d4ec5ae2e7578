// A long fuzzing run of test/security/fuzz.test.ts with a random seed (or a given one, to replay a
// failure): `npx tsx scripts/fuzz-long.ts [--seed N] [--runs N] [--minutes N]`. The seed is printed
// first, so any failure can be reproduced with `FUZZ_SEED=<seed> npx vitest run test/security/fuzz.test.ts`.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    runs: { type: 'string', default: '20000' },
    minutes: { type: 'string', default: '10' },
  },
});

const seed = values.seed ?? String(randomInt(2 ** 31 - 1));
const timeLimitMs = Math.round(Number(values.minutes) * 60_000);
console.log(`fuzz-long: seed ${seed}, up to ${values.runs} runs or ${values.minutes} min`);

const result = spawnSync('npx', ['vitest', 'run', 'test/security/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: values.runs, FUZZ_TIME_LIMIT_MS: String(timeLimitMs) },
});
if (result.status !== 0) console.error(`fuzz-long: FAILED with seed ${seed} (replay: FUZZ_SEED=${seed} npx vitest run test/security/fuzz.test.ts)`);
process.exit(result.status ?? 1);
