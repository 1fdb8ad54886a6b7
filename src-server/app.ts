import Fastify, { type FastifyInstance } from 'fastify';
import { dispatch } from '../src-shared/contract/dispatch.ts';
import { hubContract, type HubPrincipalRole } from '../src-shared/contract/hub.ts';
import { authenticate } from './auth.ts';
import { HubService } from './hub-service.ts';
import { buildOpenApi } from './openapi.ts';
import type { SqlDb } from './store/sql.ts';

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
  internal: 500,
};

export interface HubAppOptions {
  db: SqlDb;
  clock?: () => Date;
  logger?: boolean;
}

/** The hub over HTTP: `POST /v1/<call>` for each contract entry; auth and role checks before dispatch. */
export function buildHubApp(opts: HubAppOptions): FastifyInstance {
  const clock = opts.clock ?? (() => new Date());
  const service = new HubService(opts.db, clock);
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 16 * 1024 * 1024 });
  const openapi = buildOpenApi(HUB_VERSION);

  app.get('/healthz', async (_req, reply) => {
    try {
      await opts.db.get('SELECT 1 AS one');
      return { ok: true, version: HUB_VERSION, database: opts.db.dialect };
    } catch (err) {
      return reply.code(503).send({ ok: false, error: { code: 'database_unavailable', message: (err as Error).message } });
    }
  });
  app.get('/openapi.json', async () => openapi);

  for (const [name, spec] of Object.entries(hubContract)) {
    const roles = spec.roles as readonly HubPrincipalRole[];
    const deviceOnly = 'deviceOnly' in spec && spec.deviceOnly === true;
    app.post(`/v1/${name}`, async (req, reply) => {
      const principal = await authenticate(opts.db, req.headers.authorization, clock());
      if (!principal) return reply.code(401).send({ ok: false, error: { code: 'unauthenticated', message: 'A valid, unrevoked credential is needed (Authorization: Bearer …)' } });
      if (!roles.includes(principal.role)) {
        return reply.code(403).send({ ok: false, error: { code: 'forbidden', message: `The ${principal.role} role may not call ${name}` } });
      }
      if (deviceOnly && principal.kind !== 'device') {
        return reply.code(403).send({ ok: false, error: { code: 'forbidden', message: `${name} is made by an enrolled device, with its device credential` } });
      }
      const result = await dispatch(hubContract, service.bind(principal), name, req.body);
      if (!result.ok) {
        // Always on stderr, logger or not: an internal error is a bug or an outage someone must see.
        if (result.error.code === 'internal') process.stderr.write(`hub: ${name} failed: ${result.error.message}\n`);
        return reply.code(STATUS[result.error.code] ?? 400).send(result);
      }
      return result;
    });
  }
  return app;
}

export { HubService };
