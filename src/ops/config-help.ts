// `--help`, written from the settings table so it lists every option with its environment
// variable, config-file key and default.
import { SETTINGS, type Setting } from './config-settings.ts';

export function flagText(s: Setting): string | undefined {
  if (!s.flag) return undefined;
  return s.arg ? `--${s.flag} ${s.arg}` : s.default === false && s.file !== false ? `--[no-]${s.flag}` : `--${s.flag}`;
}

export function defaultText(s: Setting): string {
  if (s.defaultText !== undefined) return s.defaultText;
  return Array.isArray(s.default) ? s.default.join(',') : String(s.default);
}

/** How an operator can set a setting, for messages about a setting that was not given. */
export function describeSetting(s: Setting): string {
  const ways = [s.flag && `--${s.flag}`, s.env, s.file !== false && `${s.key} in a config file`].filter(Boolean);
  return ways.join(', ');
}

export function helpText(): string {
  const lines = [
    'Usage: scim2-server [options]        (from a checkout: npm start -- [options])',
    '',
    'A SCIM 2.0 service provider. Each setting comes from a flag, an environment variable or the',
    'config file (--config / SCIM_CONFIG); precedence: flags > environment > config file > defaults.',
    'Also served: GET /healthz, GET /readyz, GET /metrics (Prometheus), /docs, /openapi.json.',
    '',
    'Options:',
  ];
  for (const s of SETTINGS) {
    const where = [s.env ? `env ${s.env}` : 'no env', s.file === false ? 'not in config file' : `config ${s.key}`];
    lines.push(`  ${flagText(s) ?? '(no flag)'}`);
    lines.push(`      ${s.help}`);
    lines.push(`      [${where.join('; ')}; default: ${defaultText(s)}]`);
  }
  lines.push('  -h, --help', '      Print this help and exit.', '');
  return lines.join('\n');
}
