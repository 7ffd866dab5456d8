/**
 * `workzone-cpr doctor`: checks a WorkZone (and KMD Logic) against what the providers assume, read-only
 * unless --write, and prints one line per assumption, the settings that fit, and a summary (or one JSON
 * document with --json). Exit status 0: everything fits; 1: some assumption fails or needs a setting;
 * 2: could not connect or authenticate (or bad usage); 130: interrupted.
 */
import { parseArgs } from 'node:util';
import { DISPOSABLE_NAME, DoctorSetupError, DoctorUsageError, doctorSettings, renderText, runDoctor, scrubOutput, settingHint, settingList, settingOptions } from '../doctor';
import { UsageError } from './emulators';

function settingsUsage(): string {
  return settingList()
    .map((s) => {
      const how = s.flag ? `${s.flag}${s.type === 'bool' ? '' : ' VALUE'}` : `(${s.env.join(', ')} only: a secret)`;
      const env = s.flag && s.env.length ? `  [${s.env.join(', ')}]` : '';
      return `  ${how.padEnd(42)} ${s.service === 'kmdlogic' ? 'KMD Logic ' : ''}${s.name}${env}`;
    })
    .join('\n');
}

export const DOCTOR_USAGE = `Usage: workzone-cpr doctor [--json] [--write] [settings]

Checks a WorkZone (and, given its credentials, KMD Logic) against what the workzone and kmdlogic
providers assume (docs/workzone-api.md, docs/kmdlogic-api.md), without changing anything, and says
which settings fit it. Settings are the providers' own, from flags or their environment variables;
secrets only from the environment.
  --json     one JSON document (no secrets in it), to attach to a support request
  --write    also create, use, update and delete a disposable OAuth client ("${DISPOSABLE_NAME}");
             it is removed on failure and on Ctrl-C
Exit status: 0 everything fits; 1 an assumption fails or needs a setting; 2 could not connect or
authenticate; 130 interrupted.

Settings:
${settingsUsage()}`;

export async function runDoctorCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { ...settingOptions(), json: { type: 'boolean', default: false }, write: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(DOCTOR_USAGE);
    return;
  }
  const { json, write, help: _help, ...flags } = values as Record<string, string | boolean | undefined>;
  let settings;
  try {
    settings = doctorSettings(flags, process.env);
  } catch (err) {
    if (err instanceof DoctorUsageError) throw new UsageError(err.message);
    throw err;
  }
  const secrets: string[] = [settings.workzone.password, ...(settings.kmdlogic ? [settings.kmdlogic.clientSecret] : [])];
  // Progress and notices go to stderr with --json, so that stdout is the document alone.
  const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

  const interrupt = new AbortController();
  /** The disposable client while the round trip runs: before and after it there is nothing to clean up. */
  let disposable: string | undefined;
  const onSignal = () => {
    if (!disposable) {
      process.stderr.write('workzone-cpr doctor: interrupted; nothing was changed\n');
      process.exit(130);
    }
    if (interrupt.signal.aborted) {
      process.stderr.write(`workzone-cpr doctor: stopped before cleaning up: delete OAuth client ${disposable} in Configurator > Global > OAuth settings if it is there\n`);
      process.exit(130);
    }
    interrupt.abort();
    process.stderr.write(`workzone-cpr doctor: interrupted; stopping after the request in flight and removing the disposable client ${disposable} (Ctrl-C again to stop at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report;
  try {
    report = await runDoctor({
      settings,
      write: write === true,
      signal: interrupt.signal,
      events: {
        planned: (id) => {
          disposable = id;
          say(
            `--write: creating the disposable OAuth client ${id} ("${DISPOSABLE_NAME}", ${settings.workzone.user}), getting a token with its secret, updating it, deleting it and checking that it is gone; it is removed on failure and on Ctrl-C.`,
          );
        },
        secret: (s) => secrets.push(s),
        cleanup: (message) => say(`workzone-cpr doctor: ${message}`),
        done: () => (disposable = undefined),
      },
    });
  } catch (err) {
    if (err instanceof DoctorSetupError) throw new UsageError(err.message);
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const output = json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, settingHint);
  process.stdout.write(scrubOutput(output, secrets));
  process.exitCode = report.interrupted ? 130 : report.summary.exitCode;
}
