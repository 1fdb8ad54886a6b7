import Fastify, { type FastifyInstance } from 'fastify';
import { dispatch } from '../src-shared/contract/dispatch.ts';
import { hubContract, type HubPrincipalRole } from '../src-shared/contract/hub.ts';
import { authenticate, AuthRateLimiter, bearerHash, CheckedDeviceCredentials, type Principal } from './auth.ts';
import { HubService } from './hub-service.ts';
import { buildOpenApi } from './openapi.ts';
import { registerMetricsRoute } from './metrics/prometheus.ts';
import type { SigningKey } from '../src-common/signing/ed25519.ts';
import { registerInsightsPage } from './insights-page/insights-page.ts';
import { LocalDiskBlobStore } from './blob-store.ts';
import type { HubDatabase } from './store/database.ts';

export const HUB_VERSION = '0.1.0';

/** How a typed error code maps to an HTTP status (the body is always the `{ok, error}` reply). */
const STATUS: Record<string, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid_argument: 400,
  field_not_exportable: 400,
  unknown_call: 404,
  conflict: 409,
  already_decided: 409,
  leased: 409,
  revoked: 409,
  mutation_out_of_order: 409,
  audit_gap: 409,
  audit_fork: 409,
  audit_bad_hash: 400,
  bad_signature: 400,
  not_configured: 503,
  rate_limited: 429,
  shutting_down: 503,
  internal: 500,
};

export interface HubAppOptions {
  db: HubDatabase;
  clock?: () => Date;
  logger?: boolean;
  /** Failed authentications allowed per client address and minute before 429 (default 20). */
  authFailuresPerMinute?: number;
  /** Addresses of reverse proxies whose X-Forwarded-For names the client (for the rate limit). */
  trustProxy?: string;
  /** The artifact signing key (main.ts: the one in the data directory); tests get one per database. */
  signingKey?: SigningKey;
  /** Where model package files are kept (local disk); without it the model calls answer `not_configured`. */
  blobDir?: string;
}

/** The hub over HTTP: `POST /v1/<call>` for each contract entry; auth and role checks before dispatch. */
export function buildHubApp(opts: HubAppOptions): FastifyInstance & { draining: () => void } {
  const clock = opts.clock ?? (() => new Date());
  const service = new HubService(opts.db, clock, opts.signingKey, opts.blobDir ? new LocalDiskBlobStore(opts.blobDir) : undefined);
  const limiter = new AuthRateLimiter(opts.authFailuresPerMinute ?? 20);
  // Calls whose transaction checks the device credential again itself (store/push-function.ts, handlers/sync.ts).
  const checkedInStatement = new Set(['sync.push']);
  const checkedCredentials = new CheckedDeviceCredentials();
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 16 * 1024 * 1024, ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}) });
  const openapi = buildOpenApi(HUB_VERSION);
  let draining = false;

  // Liveness: the process answers. Never touches the database, never prints its errors.
  app.get('/healthz', async () => ({ ok: true, version: HUB_VERSION, database: opts.db.dialect }));
  // Readiness: the database answers and the process is not shutting down. The cause stays in the hub's log.
  app.get('/readyz', async (_req, reply) => {
    if (draining) return reply.code(503).send({ ok: false, error: { code: 'shutting_down', message: 'This hub process is shutting down' } });
    try {
      await opts.db.ping();
      return { ok: true, version: HUB_VERSION, database: opts.db.dialect };
    } catch (err) {
      process.stderr.write(`hub: readiness check failed: ${(err as Error).message}\n`);
      return reply.code(503).send({ ok: false, error: { code: 'database_unavailable', message: 'The hub cannot reach its database' } });
    }
  });
  app.get('/openapi.json', async () => openapi);
  registerMetricsRoute(app, { db: opts.db, clock, limiter });
  registerInsightsPage(app);

  for (const [name, spec] of Object.entries(hubContract)) {
    const roles = spec.roles as readonly HubPrincipalRole[];
    const deviceOnly = 'deviceOnly' in spec && spec.deviceOnly === true;
    app.post(`/v1/${name}`, async (req, reply) => {
      const now = clock();
      const wait = limiter.blockedFor(req.ip, now.getTime());
      if (wait > 0) {
        reply.header('retry-after', String(Math.ceil(wait / 1000)));
        return reply.code(429).send({ ok: false, error: { code: 'rate_limited', message: `Too many failed authentications from this address; try again in ${Math.ceil(wait / 1000)} s` } });
      }
      const hash = checkedInStatement.has(name) ? bearerHash(req.headers.authorization) : null;
      let principal: Principal | null = (hash && checkedCredentials.get(hash, now.getTime())) || null;
      if (!principal) {
        principal = await authenticate(opts.db, req.headers.authorization, now);
        if (principal && hash) checkedCredentials.remember(hash, principal, now.getTime());
      }
      if (!principal) {
        limiter.fail(req.ip, now.getTime());
        return reply.code(401).send({ ok: false, error: { code: 'unauthenticated', message: 'A valid, unrevoked, unexpired credential is needed (Authorization: Bearer …)' } });
      }
      if (!roles.includes(principal.role)) {
        return reply.code(403).send({ ok: false, error: { code: 'forbidden', message: `The ${principal.role} role may not call ${name}` } });
      }
      if (deviceOnly && principal.kind !== 'device') {
        return reply.code(403).send({ ok: false, error: { code: 'forbidden', message: `${name} is made by an enrolled device, with its device credential` } });
      }
      const result = await dispatch(hubContract, service.bind(principal), name, req.body);
      if (!result.ok) {
        // The statement found the credential revoked or expired since it was remembered.
        if (result.error.code === 'unauthenticated' && hash) {
          checkedCredentials.forget(hash);
          limiter.fail(req.ip, now.getTime());
        }
        // Always on stderr, logger or not: an internal error is a bug or an outage someone must see.
        if (result.error.code === 'internal') {
          process.stderr.write(`hub: ${name} failed: ${result.error.message}\n`);
          return reply.code(500).send({ ok: false, error: { code: 'internal', message: `The hub failed to complete ${name}; the cause is in its log` } });
        }
        return reply.code(STATUS[result.error.code] ?? 400).send(result);
      }
      return result;
    });
  }
  return Object.assign(app, { draining: () => void (draining = true) });
}

export { HubService };
