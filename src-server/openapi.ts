import { z } from 'zod';
import { hubContract } from '../src-shared/contract/hub.ts';

const ReplyError = { type: 'object', required: ['ok', 'error'], properties: { ok: { const: false }, error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } } };

/** The OpenAPI document, generated from the same zod schemas the hub validates with. */
export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/healthz': { get: { summary: 'Liveness and database reachability.', security: [], responses: { 200: { description: 'Healthy' } } } },
    '/openapi.json': { get: { summary: 'This document.', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } } },
  };
  for (const [name, spec] of Object.entries(hubContract)) {
    paths[`/v1/${name}`] = {
      post: {
        operationId: name,
        summary: spec.summary,
        description: `Roles: ${spec.roles.join(', ')}${'deviceOnly' in spec && spec.deviceOnly ? ' (device credential only)' : ''}.`,
        'x-roles': spec.roles,
        'x-mutates': spec.mutates,
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }) } } },
        responses: {
          200: {
            description: 'The result',
            content: { 'application/json': { schema: { type: 'object', required: ['ok', 'value'], properties: { ok: { const: true }, value: z.toJSONSchema(spec.output, { io: 'output', unrepresentable: 'any' }) } } } },
          },
          400: { description: 'Invalid argument or refused input', content: { 'application/json': { schema: ReplyError } } },
          401: { description: 'No valid credential', content: { 'application/json': { schema: ReplyError } } },
          403: { description: 'The role may not make this call', content: { 'application/json': { schema: ReplyError } } },
          409: { description: 'Conflict (already decided, leased, out of order, fork)', content: { 'application/json': { schema: ReplyError } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Countersign hub', version, description: 'Coordinates devices, queues and audit trails; never holds document content.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'User token (csu_), device credential (csd_) or, for device.enroll, an enrollment code (cse_).' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
