/**
 * Data source `workzone_update_service_health`: the readiness of a contact update module's service, read
 * from `<main page>/<service>/readiness` (docs/workzone-api.md, "Update service health"). A service that is
 * not Healthy fails the read, naming its parts, unless `fail_when_unhealthy` is false.
 */
import { redactUrl } from '../http';
import { workzoneSchema } from '../../schemas/workzone';
import { DiagnosticError, type DataSourceDefinition } from '../plugin/types';
import type { WorkZoneClient } from './client';

const block = workzoneSchema.dataSources.workzone_update_service_health;

/** The statuses ASP.NET Core health checks report. */
export const HEALTH_STATUSES = ['Healthy', 'Degraded', 'Unhealthy'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface Readiness {
  readonly status: HealthStatus;
  /** Each part and its status, in the order reported (`self`, `OData`, `Logic`). */
  readonly entries: readonly { readonly name: string; readonly status: HealthStatus; readonly description?: string }[];
  readonly totalDuration?: string;
}

const isStatus = (v: unknown): v is HealthStatus => typeof v === 'string' && (HEALTH_STATUSES as readonly string[]).includes(v);

/**
 * A readiness answer: the JSON of the health checks UI writer (`{"status", "totalDuration", "entries": {name:
 * {"status", ...}}}`, as WorkZone's guide shows), or the plain text ASP.NET Core writes by default
 * (`Healthy`). Undefined when it is neither.
 */
export function parseReadiness(text: string): Readiness | undefined {
  const trimmed = text.trim();
  if (isStatus(trimmed)) return { status: trimmed, entries: [] };
  let body: unknown;
  try {
    body = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object' || !isStatus((body as { status?: unknown }).status)) return undefined;
  const { status, totalDuration, entries } = body as { status: HealthStatus; totalDuration?: unknown; entries?: unknown };
  const parts: Readiness['entries'][number][] = [];
  if (entries && typeof entries === 'object' && !Array.isArray(entries)) {
    for (const [name, entry] of Object.entries(entries as Record<string, unknown>)) {
      const e = (entry ?? {}) as { status?: unknown; description?: unknown };
      // A part without a status we know is reported as Unhealthy: better a stopped pipeline than a silent one.
      parts.push({ name, status: isStatus(e.status) ? e.status : 'Unhealthy', ...(typeof e.description === 'string' && { description: e.description }) });
    }
  }
  return { status, entries: parts, ...(typeof totalDuration === 'string' && { totalDuration }) };
}

/** The parts (or, without parts, the service itself) that are not Healthy, as `OData (Unhealthy: why)`. */
function notHealthy(readiness: Readiness, service: string): string[] {
  const parts = readiness.entries.filter((e) => e.status !== 'Healthy');
  if (parts.length === 0) return readiness.status === 'Healthy' ? [] : [`${service} (${readiness.status})`];
  return parts.map((p) => `${p.name} (${p.status}${p.description ? `: ${p.description.slice(0, 200)}` : ''})`);
}

export const updateServiceHealthDataSource: DataSourceDefinition<WorkZoneClient, typeof block> = {
  async read({ config, client }) {
    const service = config.service.replace(/^\/+|\/+$/g, '');
    const url = client.updateServiceUrl(service, config.readiness_path ?? block.attributes.readiness_path.default, config.base_url ?? undefined);
    const shown = redactUrl(url);
    const res = await client.readHealth(url);
    if (res.status === 404) {
      throw new DiagnosticError(
        `No update service answers at ${shown} (HTTP 404)`,
        `Check service ("${service}") and readiness_path, and base_url (or the provider's url): it is WorkZone's main page. The module's service may not be deployed yet; a set-up whose module is not running leaves this check out.`,
        ['service'],
      );
    }
    const readiness = parseReadiness(res.text);
    if (readiness === undefined || (res.status !== 200 && res.status !== 503)) {
      throw new DiagnosticError(
        `Unexpected answer from the update service at ${shown}`,
        `HTTP ${res.status}${readiness ? '' : ', without a health report (JSON with a status, or the text Healthy/Degraded/Unhealthy)'}. Check service and readiness_path.`,
        ['service'],
      );
    }
    const unhealthy = readiness.entries.filter((e) => e.status !== 'Healthy').map((e) => e.name);
    if ((config.fail_when_unhealthy ?? block.attributes.fail_when_unhealthy.default) && readiness.status !== 'Healthy') {
      throw new DiagnosticError(
        `${service} is ${readiness.status}: ${notHealthy(readiness, service).join(', ')}`,
        `Read from ${shown}. Look at the part named (in WorkZone's guide, OData is the service's connection to WorkZone and Logic its connection to KMD Logic). Set fail_when_unhealthy = false to read the status without failing.`,
        ['service'],
      );
    }
    return {
      id: shown,
      status: readiness.status,
      entries: Object.fromEntries(readiness.entries.map((e) => [e.name, e.status])),
      unhealthy,
      total_duration: readiness.totalDuration ?? '',
    };
  },
};
