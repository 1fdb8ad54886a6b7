import Fastify from 'fastify';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Transport } from '../../src-shared/contract/dispatch.ts';
import { checkAccess, newToken, TOKEN_QUERY, tokenCookieName } from './access-guard.ts';
import type { EventHub } from './event-hub.ts';
import { resolveStatic } from './static-files.ts';

/** The page may load only its own scripts and styles, talk only to this server, and never be framed. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface HttpServerOptions {
  /** The server side of every call: `dispatch(appContract, handlers, name, arg)`. */
  call: Transport;
  /** The built renderer (index.html and its assets). */
  rendererDir: string;
  port?: number;
  token?: string;
  events?: EventHub;
  /** Uploads arrive as base64 in JSON. */
  bodyLimitBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * Browser mode: the renderer and `POST /rpc/<name>` on 127.0.0.1 only, behind a random token
 * (URL once, then an HttpOnly cookie, or a Bearer header), with Host and Origin checked on every request.
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const rendererDir = path.resolve(opts.rendererDir);
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: opts.bodyLimitBytes ?? 256 * 1024 * 1024 });
  let port = opts.port ?? 0;

  app.addHook('onRequest', async (req, reply) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
    const q = req.query as Record<string, string | undefined>;
    const verdict = checkAccess(
      {
        host: req.headers.host,
        origin: req.headers.origin,
        fetchSite: req.headers['sec-fetch-site'] as string | undefined,
        queryToken: q[TOKEN_QUERY],
        cookieHeader: req.headers.cookie,
        authorization: req.headers.authorization,
      },
      port,
      token,
    );
    if (!verdict.ok) return reply.code(verdict.status).type('text/plain; charset=utf-8').send(`${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${verdict.reason}\n`);
    if (verdict.fromQuery && req.method === 'GET') {
      // Trade the token in the URL for a cookie, and drop it from the address bar and history.
      const clean = new URL(req.url, 'http://localhost');
      clean.searchParams.delete(TOKEN_QUERY);
      reply.header('Set-Cookie', `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      return reply.redirect(`${clean.pathname}${clean.search}`, 302);
    }
  });

  app.post<{ Params: { name: string } }>('/rpc/:name', async (req, reply) => {
    // Only JSON: a plain HTML form (text/plain, urlencoded) cannot send it without a CORS preflight.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return reply.code(415).send({ ok: false, error: { code: 'unsupported_media_type', message: 'Calls are JSON' } });
    return opts.call(req.params.name, req.body ?? {});
  });

  app.get('/events', (req, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    const off = opts.events?.on((channel, payload) => reply.raw.write(`data: ${JSON.stringify({ channel, payload })}\n\n`));
    req.raw.on('close', () => off?.());
  });

  app.get('/*', async (req, reply) => {
    const found = resolveStatic(rendererDir, req.url);
    if (!found) return reply.code(404).type('text/plain').send('Not found\n');
    return reply.type(found.type).send(fs.createReadStream(found.file));
  });

  await app.listen({ host: '127.0.0.1', port });
  port = (app.server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/?${TOKEN_QUERY}=${token}`, port, token, close: () => app.close() };
}
