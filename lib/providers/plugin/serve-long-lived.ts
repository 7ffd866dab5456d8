/**
 * The process side of long-lived mode: `terraform-provider-<name> --serve [--idle-timeout SECONDS]
 * [--exit-with-parent]`. Prints its TF_REATTACH_PROVIDERS map as one JSON line on stdout, serves until
 * SIGTERM or SIGINT (after in-flight calls finish), after SECONDS without a connection (default 3600,
 * 0 = never), or, with --exit-with-parent, when the process that started it goes away.
 */
import { parseArgs } from 'node:util';
import { HclogLogger, levelFromEnv } from './log';
import { startLongLivedProvider } from './long-lived';
import { guardStdout } from './stdout-guard';
import type { ProviderDefinition } from './types';
import { logUncaught, watchParent } from './process';
import { takeStartupSettings } from './startup';

export const DEFAULT_IDLE_TIMEOUT_S = 3600;

function fail(name: string, message: string): void {
  process.stderr.write(`terraform-provider-${name} --serve: ${message}\n`);
  process.exitCode = 2;
}

export function serveLongLived(definition: ProviderDefinition<any>, argv: string[]): void {
  const name = definition.schema.name;
  let values: { 'idle-timeout'?: string; 'exit-with-parent'?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { serve: { type: 'boolean' }, 'idle-timeout': { type: 'string' }, 'exit-with-parent': { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    return fail(name, (error as Error).message);
  }
  const idle = Number(values['idle-timeout'] ?? DEFAULT_IDLE_TIMEOUT_S);
  if (!Number.isFinite(idle) || idle < 0) return fail(name, `--idle-timeout must be a number of seconds >= 0, got ${JSON.stringify(values['idle-timeout'])}`);

  takeStartupSettings();
  // Nobody collects this log at terraform's TF_LOG level: warnings and errors by default.
  const level = process.env.TF_LOG_PROVIDER || process.env.TF_LOG ? levelFromEnv() : 'warn';
  const log = new HclogLogger(`provider.terraform-provider-${name}`, level);
  logUncaught(log);

  let stop: (why: string) => void = () => process.exit(0);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (values['exit-with-parent']) watchParent(() => stop('parent process went away'));

  startLongLivedProvider(definition, { log, idleTimeoutMs: idle * 1000, onIdle: () => stop(`idle for ${idle} s`) }).then(
    (provider) => {
      stop = (why) => {
        log.info('stopping', { reason: why, connections_served: provider.sessionsServed() });
        void provider.close().then(() => process.exit(0));
      };
      process.stdout.write(JSON.stringify(provider.reattach) + '\n');
      guardStdout(log);
      log.debug('serving for TF_REATTACH_PROVIDERS', { socket: provider.socketPath });
    },
    (error: Error) => {
      process.stderr.write(`terraform-provider-${name} --serve: cannot start: ${error.message}\n`);
      process.exit(1);
    },
  );
}
