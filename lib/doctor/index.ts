/**
 * `workzone-cpr doctor`: checks a real WorkZone (and KMD Logic, when credentials are given) against the
 * assumptions this project makes (assumptions.ts), without changing anything unless `write` is set.
 */
import { providerHttpClient } from '../providers/http-settings';
import { redactUrl, type HttpClient } from '../providers/http';
import { DiagnosticError } from '../providers/plugin/types';
import { workzoneSchema } from '../schemas/workzone';
import type { Service } from './assumptions';
import { examineKmdLogic } from './kmdlogic';
import { buildReport, type CheckResult, type DoctorReport } from './report';
import { roundTrip, type RoundTripEvents } from './round-trip';
import type { DoctorSettings } from './settings';
import { examineWorkZone } from './workzone';

export { DoctorUsageError, doctorSettings, settingHint, settingList, settingOptions } from './settings';
export { renderText, scrubOutput, type DoctorReport } from './report';
export { DISPOSABLE_NAME } from './round-trip';

export interface DoctorRun {
  readonly settings: DoctorSettings;
  /** Add the --write round trip. */
  readonly write: boolean;
  /** Ctrl-C: stop before the next step, clean up, report. */
  readonly signal?: AbortSignal;
  readonly events?: RoundTripEvents;
}

export async function runDoctor(run: DoctorRun): Promise<DoctorReport> {
  const startedAt = new Date();
  const results = new Map<string, CheckResult>();
  // A later, more direct observation (the round trip) replaces an earlier one of the same assumption.
  const record = (r: CheckResult) => void results.set(r.id, r);
  const { workzone, kmdlogic } = run.settings;
  const clients: HttpClient[] = [];
  const httpFor = (service: string, settings: Parameters<typeof providerHttpClient>[1]) => {
    try {
      const client = providerHttpClient(service, settings, { userAgent: 'workzone-cpr-doctor' });
      clients.push(client);
      return client;
    } catch (err) {
      // An unreadable ca_file: the same error the provider gives, naming the setting.
      if (err instanceof DiagnosticError) throw new DoctorSetupError(`${err.summary}: ${err.detail ?? ''}`);
      throw err;
    }
  };
  try {
    const wzHttp = httpFor('WorkZone', workzone);
    const found = await examineWorkZone(workzone, wzHttp, record);
    if (run.write) {
      if (found?.writable && !run.signal?.aborted) {
        await roundTrip(workzone, found, wzHttp, record, run.signal ?? new AbortController().signal, run.events);
      } else {
        const why = found ? 'not run: the OAuth clients set cannot be used (see above)' : 'not run: WorkZone could not be checked (see above)';
        for (const id of ['generated-secret', 'secret-not-shown', 'round-trip']) record({ id, outcome: 'skipped', summary: why });
      }
    } else {
      for (const id of ['generated-secret', 'secret-not-shown', 'round-trip']) record({ id, outcome: 'skipped', summary: 'needs --write (creates and deletes a disposable client)' });
    }
    if (kmdlogic) await examineKmdLogic(kmdlogic, httpFor('KMD Logic', kmdlogic), record);
  } finally {
    for (const c of clients) c.close();
  }
  const services: Service[] = kmdlogic ? ['workzone', 'kmdlogic'] : ['workzone'];
  return buildReport({
    version: workzoneSchema.version,
    startedAt,
    write: run.write,
    interrupted: run.signal?.aborted ?? false,
    results,
    services,
    target: {
      workzone: {
        url: redactUrl(workzone.url),
        username: workzone.username,
        odataPath: workzone.odataPath ?? '/odata',
        oauthClientsPath: workzone.oauthClientsPath ?? 'OAuthClients',
        usersPath: workzone.usersPath ?? 'Users',
        tokenUrl: workzone.tokenUrl ? redactUrl(workzone.tokenUrl) : null,
        user: workzone.user,
        caFile: workzone.caFile ?? null,
        insecureSkipVerify: workzone.insecureSkipVerify ?? false,
      },
      ...(kmdlogic && {
        kmdlogic: {
          clientId: kmdlogic.clientId,
          tokenUrl: redactUrl(kmdlogic.tokenUrl),
          apiUrl: redactUrl(kmdlogic.apiUrl),
          scope: kmdlogic.scope,
          subscriptionId: kmdlogic.subscriptionId ?? null,
          productId: kmdlogic.productId ?? null,
        },
      }),
    },
  });
}

/** A setting that stops the doctor before any request (an unreadable CA file). */
export class DoctorSetupError extends Error {}
