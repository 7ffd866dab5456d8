/** `workzone-cpr providers serve|stop`: long-lived providers for pipelines (docs/long-lived-providers.md). */
import { fstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './emulators';
import { launchProviders, parseReattachProviders, REATTACH_VARIABLE, shellExport, stopProviders } from '../providers/plugin/reattach';

export const PROVIDERS_SERVE_USAGE = `Usage: workzone-cpr providers serve [--print-env] [--json] [--log FILE] [--idle-timeout SECONDS]
       workzone-cpr providers stop [--print-env]

Runs the providers long-lived for pipelines that run many terraform or cdktf commands: terraform
reattaches to them through ${REATTACH_VARIABLE} instead of starting each provider 3-5 times per command.
  serve --print-env     start them in the background, print \`export ${REATTACH_VARIABLE}=...\`, exit:
                          eval "$(npx workzone-cpr providers serve --print-env)"
  serve                 run them in the foreground after printing the same line (--json: the JSON value
                        alone) until Ctrl-C, SIGTERM, or the end of its stdin when that is a pipe
  stop                  stop the providers named in ${REATTACH_VARIABLE}; with --print-env print the
                        line that unsets it:  eval "$(npx workzone-cpr providers stop --print-env)"
  --log FILE            append the providers' logs to FILE (level from TF_LOG_PROVIDER or TF_LOG;
                        default warnings and errors)
  --idle-timeout S      a provider exits after S seconds with no terraform connected (default 3600, 0 never)
Provider settings from the environment (WORKZONE_URL, KMDLOGIC_CLIENT_SECRET, ...) are read from the
environment of \`serve\`, once: export them before it. Settings in the provider blocks apply per command.`;

export async function runProvidersServe(command: 'serve' | 'stop', argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'print-env': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      log: { type: 'string' },
      'idle-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(PROVIDERS_SERVE_USAGE);
  const existing = parseReattachProviders(process.env[REATTACH_VARIABLE]);

  if (command === 'stop') {
    const { stopped, remaining } = await stopProviders(existing);
    console.error(stopped.length > 0 ? `Stopped ${stopped.join(', ')}.` : `No running providers of ours in ${REATTACH_VARIABLE}.`);
    if (values['print-env']) console.log(shellExport(remaining));
    return;
  }

  const idle = values['idle-timeout'] === undefined ? 3600 : Number(values['idle-timeout']);
  if (!Number.isFinite(idle) || idle < 0) throw new UsageError(`--idle-timeout must be a number of seconds >= 0, got ${JSON.stringify(values['idle-timeout'])}`);
  // Providers started by an earlier `serve` in this shell would only linger: replace them.
  const { remaining } = await stopProviders(existing);
  const detached = values['print-env'];
  const env = { ...process.env };
  delete env[REATTACH_VARIABLE];
  const launched = await launchProviders({ detached, logFile: values.log && resolve(values.log), idleTimeoutS: idle, env });
  const all = { ...remaining, ...launched.providers };
  console.log(values.json ? JSON.stringify(all) : shellExport(all));
  console.error(`Serving ${Object.keys(launched.providers).join(', ')} (pids ${launched.children.map((c) => c.pid).join(', ')}).`);
  if (detached) return;

  // Foreground: stop the providers with this process.
  let stopping = false;
  const stop = async (why: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    console.error(`Stopping the providers (${why}).`);
    await stopProviders(launched.providers).catch((error: Error) => console.error(error.message));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  for (const child of launched.children) child.once('exit', (code) => void stop(`a provider exited with code ${code}`, 1));
  const stdin = fstatSync(0);
  if (stdin.isFIFO() || stdin.isSocket()) {
    process.stdin.on('data', () => {});
    process.stdin.once('end', () => void stop('stdin closed'));
  }
}
