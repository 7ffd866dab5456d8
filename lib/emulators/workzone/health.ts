/**
 * The health endpoints of the contact update modules' services, published under WorkZone's main page:
 * `/<Service>/liveness` (plain text) and `/<Service>/readiness` (a JSON report per part), as WorkZone's guide
 * shows them for `CvrSubscriptionService` (docs/workzone-api.md, "Update service health"). Healthy by
 * default; each part can be switched (`PUT /_emulator/health`, `--unhealthy cvr:Logic`) to test a pipeline
 * that must stop when the module is not healthy.
 */
import type { ServerResponse } from 'node:http';
import { HttpError, parseJsonBody, sendEmpty, sendJson, type EmulatorRequest } from '../common/server';

/** The services this WorkZone publishes, by the short name the CLI and the admin route also take. */
export const UPDATE_SERVICES = { cpr: 'CprSubscriptionService', cvr: 'CvrSubscriptionService' } as const;
/** The parts of a readiness report: `self` (liveness and readiness), the service's OData and KMD Logic connections. */
export const HEALTH_PARTS = ['self', 'OData', 'Logic'] as const;
export const HEALTH_STATUSES = ['Healthy', 'Degraded', 'Unhealthy'] as const;
export const HEALTH_PATH = '/_emulator/health';

export type HealthStatus = (typeof HEALTH_STATUSES)[number];
type Part = (typeof HEALTH_PARTS)[number];
type Service = (typeof UPDATE_SERVICES)[keyof typeof UPDATE_SERVICES];

export class HealthSwitchError extends Error {}

const SERVICES = Object.values(UPDATE_SERVICES);
const RANK: Record<HealthStatus, number> = { Healthy: 0, Degraded: 1, Unhealthy: 2 };
const known = (list: readonly string[]) => list.map((x) => JSON.stringify(x)).join(', ');

/** A service by its name (any case, as IIS serves paths) or short name (`cvr`). */
function serviceOf(name: string): Service {
  const found = SERVICES.find((s) => s.toLowerCase() === name.toLowerCase()) ?? (UPDATE_SERVICES as Record<string, Service>)[name.toLowerCase()];
  if (!found) throw new HealthSwitchError(`unknown service ${JSON.stringify(name.slice(0, 60))}; known: ${known([...Object.keys(UPDATE_SERVICES), ...SERVICES])}`);
  return found;
}

function partOf(name: string): Part {
  const found = HEALTH_PARTS.find((p) => p.toLowerCase() === name.toLowerCase());
  if (!found) throw new HealthSwitchError(`unknown part ${JSON.stringify(name.slice(0, 60))}; known: ${known(HEALTH_PARTS)}`);
  return found;
}

/** `cvr:Logic` (or `CvrSubscriptionService:Logic`, with `=Degraded` for another status): a part to switch. */
export function parseHealthSwitch(spec: string): { service: Service; part: Part; status: HealthStatus } {
  const m = /^([^:=]+):([^:=]+)(?:=([^:=]+))?$/.exec(spec.trim());
  if (!m) throw new HealthSwitchError(`${JSON.stringify(spec.slice(0, 60))} is not SERVICE:PART[=STATUS], such as cvr:Logic or cpr:OData=Degraded`);
  const status = m[3] ?? 'Unhealthy';
  if (!(HEALTH_STATUSES as readonly string[]).includes(status)) throw new HealthSwitchError(`unknown status ${JSON.stringify(status.slice(0, 60))}; known: ${known(HEALTH_STATUSES)}`);
  return { service: serviceOf(m[1]), part: partOf(m[2]), status: status as HealthStatus };
}

/** The switchable state of every service's parts, and the routes that report it. */
export class UpdateServiceHealth {
  private readonly statuses = new Map<string, HealthStatus>();

  /** Sets one part of one service (`cvr` or `CvrSubscriptionService`; `Logic`). */
  set(service: string, part: string, status: HealthStatus): void {
    if (!(HEALTH_STATUSES as readonly string[]).includes(status)) throw new HealthSwitchError(`unknown status ${JSON.stringify(status)}; known: ${known(HEALTH_STATUSES)}`);
    this.statuses.set(`${serviceOf(service)}:${partOf(part)}`, status);
  }

  /** Every part of every service Healthy again. */
  reset(): void {
    this.statuses.clear();
  }

  status(service: string, part: string): HealthStatus {
    return this.statuses.get(`${serviceOf(service)}:${partOf(part)}`) ?? 'Healthy';
  }

  /** Serves `/<Service>/liveness`, `/<Service>/readiness` and the admin route; false for any other path. */
  handle(req: EmulatorRequest, res: ServerResponse): boolean {
    if (req.path === HEALTH_PATH) {
      this.admin(req, res);
      return true;
    }
    const m = /^\/([^/]+)\/(liveness|readiness)\/?$/i.exec(req.path);
    const service = m && SERVICES.find((s) => s.toLowerCase() === decodeURIComponent(m[1]).toLowerCase());
    if (!m || !service) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'MethodNotAllowed', `${req.method} is not allowed here; use GET`, { Allow: 'GET, HEAD' });
    const parts = m[2].toLowerCase() === 'liveness' ? (['self'] as const) : HEALTH_PARTS;
    const statuses = parts.map((part) => [part, this.status(service, part)] as const);
    const overall = statuses.reduce<HealthStatus>((worst, [, s]) => (RANK[s] > RANK[worst] ? s : worst), 'Healthy');
    // ASP.NET Core's health checks: 503 for Unhealthy, 200 otherwise.
    const code = overall === 'Unhealthy' ? 503 : 200;
    if (m[2].toLowerCase() === 'liveness') {
      res.writeHead(code, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(overall) });
      res.end(req.method === 'HEAD' ? undefined : overall);
      return true;
    }
    const entries = Object.fromEntries(
      statuses.map(([part, s]) => [
        part,
        {
          data: {},
          ...(s !== 'Healthy' && { description: `${part} switched to ${s} in the emulator (${HEALTH_PATH})` }),
          duration: '00:00:00.0010000',
          status: s,
          tags: part === 'self' ? ['liveness', 'readiness'] : ['readiness'],
        },
      ]),
    );
    sendJson(res, code, { status: overall, totalDuration: '00:00:00.0030000', entries }, { 'Cache-Control': 'no-store' });
    return true;
  }

  /** GET: every switched part; PUT `{"service": "cvr", "part": "Logic", "status": "Unhealthy"}`; DELETE: all Healthy. */
  private admin(req: EmulatorRequest, res: ServerResponse): void {
    if (req.method === 'GET') return sendJson(res, 200, Object.fromEntries(this.statuses));
    if (req.method === 'DELETE') {
      this.reset();
      return sendEmpty(res, 204);
    }
    if (req.method !== 'PUT') throw new HttpError(405, 'MethodNotAllowed', `${req.method} is not allowed here; use GET, PUT, DELETE`, { Allow: 'GET, PUT, DELETE' });
    const body = parseJsonBody(req) as { service?: unknown; part?: unknown; status?: unknown };
    try {
      if (typeof body?.service !== 'string' || typeof body.part !== 'string') throw new HealthSwitchError('send {"service": "cvr", "part": "Logic", "status": "Unhealthy"}');
      this.set(body.service, body.part, (body.status ?? 'Unhealthy') as HealthStatus);
    } catch (err) {
      if (err instanceof HealthSwitchError) throw new HttpError(400, 'BadRequest', err.message);
      throw err;
    }
    sendEmpty(res, 204);
  }
}
