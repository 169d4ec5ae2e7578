// After `tsc -p tsconfig.build.json`: make the CLI executable with a shebang, so `npx scim2-server`
// runs it. (The contract is read from the package's own openapi/ folder; nothing is copied.)
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

const cli = 'dist/src/cli.js';
const text = readFileSync(cli, 'utf8');
if (!text.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${text}`);
chmodSync(cli, 0o755);
