/**
 * Runs the WorkZone emulator as a process (sandbox): `node dist/lib/emulators/workzone/main.js`.
 * Settings come from the environment; the admin password is never printed: it is read from
 * WORKZONE_EMULATOR_ADMIN_PASSWORD, or generated and written to <data dir>/admin-password (mode 0600).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startWorkZoneEmulator } from './server';

async function main(): Promise<void> {
  const env = process.env;
  const port = Number(env.WORKZONE_EMULATOR_PORT ?? 8480);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`WORKZONE_EMULATOR_PORT must be a port number (got ${JSON.stringify(env.WORKZONE_EMULATOR_PORT)})`);
  const dataDir = env.WORKZONE_EMULATOR_DATA_DIR ?? path.resolve('.emulators/workzone');
  let password = env.WORKZONE_EMULATOR_ADMIN_PASSWORD;
  let passwordNote = 'from WORKZONE_EMULATOR_ADMIN_PASSWORD';
  if (!password) {
    const file = path.join(dataDir, 'admin-password');
    fs.mkdirSync(dataDir, { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
    password = fs.readFileSync(file, 'utf8').trim();
    passwordNote = `in ${file}`;
  }
  const emulator = await startWorkZoneEmulator({
    port,
    host: env.WORKZONE_EMULATOR_HOST,
    dataDir,
    adminUser: env.WORKZONE_EMULATOR_ADMIN_USER,
    adminPassword: password,
    log: (line) => console.log(line),
  });
  console.log(`WorkZone emulator at ${emulator.url} (token: ${emulator.tokenUrl}); admin user ${emulator.username}, password ${passwordNote}; data in ${dataDir}`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(`workzone emulator: ${err.message}`);
  process.exit(1);
});
