import { ConfigError, onShutdown } from '@mueang/runtime';
import pino from 'pino';
import { loadConfig } from './config.ts';
import { startPlatform } from './platform.ts';

/** `npm start`: the whole platform in one process, configured from the environment. */
let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
const log = pino({ name: 'mueang', level: config.LOG_LEVEL, redact: ['password', '*.password', 'secret', '*.secret'] });
if (config.https && config.https.validTo < Date.now()) log.warn({ validTo: new Date(config.https.validTo).toISOString() }, 'the HTTPS certificate (HTTPS_CERT) has expired: browsers will refuse it; renew it');
try {
  const platform = await startPlatform(config, log);
  const { mqtt, ws, http, console: consoleUrl, docs } = platform.addresses;
  process.stdout.write(
    [
      '',
      'Mueang platform is running',
      `  MQTT            ${mqtt}`,
      `  MQTT WebSocket  ${ws ?? 'off'}`,
      `  Console         ${consoleUrl}`,
      `  API docs        ${docs}   (health: ${http}/health, metrics: ${http}/metrics)`,
      `  admin API key   ${config.API_ADMIN_KEY ? '(API_ADMIN_KEY)' : `${config.dataDir}/admin-key.txt`}`,
      `  data            ${config.dataDir}`,
      platform.demo ? `  simulator       ${platform.demo.fleet.devices.length} devices in ${platform.demo.fleet.cities.map((c) => c.name).join(', ')}; credentials in ${config.dataDir}/sim-credentials.json` : '  simulator       off',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  onShutdown(log, () => platform.stop());
} catch (err) {
  log.fatal({ err: err instanceof Error ? err.message : err }, 'the platform could not start');
  process.exit(1);
}
