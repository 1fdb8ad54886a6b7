import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dispatch } from '../../src-shared/contract/dispatch.ts';
import { query } from '../../src-shared/contract/define.ts';
import { tokenCookieName } from './access-guard.ts';
import { startHttpServer, type RunningServer } from './http-server.ts';

const contract = { 'math.add': query('adds two numbers', z.object({ a: z.number(), b: z.number() }), z.object({ sum: z.number() })) };
const handlers = { 'math.add': async ({ a, b }: { a: number; b: number }) => ({ sum: a + b }) };

let server: RunningServer;
let base: string;
let calls = 0;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-serve-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Countersign</title>');
  server = await startHttpServer({
    rendererDir: dir,
    call: (name, arg) => {
      calls += 1;
      return dispatch(contract, handlers, name, arg);
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

/** Raw requests, so the test controls Host and Origin exactly as an attacker's page or DNS name would. */
async function request(p: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const http = await import('node:http');
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method: init.method ?? 'GET', headers: { host: `127.0.0.1:${server.port}`, ...init.headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const rpc = (headers: Record<string, string>) =>
  request('/rpc/math.add', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ a: 2, b: 3 }) });

describe('browser mode: the token and the Host and Origin checks', () => {
  it('prints a loopback URL that carries the token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{48}$`));
  });

  it('answers a call with the Bearer token, and with the cookie the token URL sets', async () => {
    expect(JSON.parse((await rpc({ authorization: `Bearer ${server.token}` })).body)).toEqual({ ok: true, value: { sum: 5 } });
    const login = await request(`/?token=${server.token}`);
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('/');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toContain(`${tokenCookieName(server.port)}=${server.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await request('/', { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Countersign</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(JSON.parse((await rpc({ cookie: cookie.split(';')[0]!, origin: `http://127.0.0.1:${server.port}` })).body)).toMatchObject({ ok: true });
  });

  it('refuses a request with no token (401), for the page and for a call', async () => {
    const before = calls;
    expect((await request('/')).status).toBe(401);
    expect((await rpc({})).status).toBe(401);
    expect((await request('/events')).status).toBe(401);
    expect(calls).toBe(before);
  });

  it('refuses a wrong token in the URL, the cookie and the header (401)', async () => {
    const before = calls;
    const wrong = 'f'.repeat(48);
    expect((await request(`/?token=${wrong}`)).status).toBe(401);
    expect((await request('/?token=')).status).toBe(401);
    expect((await rpc({ authorization: `Bearer ${wrong}` })).status).toBe(401);
    expect((await rpc({ cookie: `${tokenCookieName(server.port)}=${wrong}` })).status).toBe(401);
    expect((await rpc({ cookie: `${tokenCookieName(server.port + 1)}=${server.token}` })).status).toBe(401);
    expect(calls).toBe(before);
  });

  it('answers a malformed cookie with 401, never a 500, and still finds its own cookie among others', async () => {
    const before = calls;
    for (const value of ['%', '%E0%A4%A', '%zz', `${server.token}%`, '"unterminated']) {
      expect((await rpc({ cookie: `${tokenCookieName(server.port)}=${value}` })).status).toBe(401);
      expect((await request('/', { headers: { cookie: `${tokenCookieName(server.port)}=${value}` } })).status).toBe(401);
    }
    expect((await rpc({ cookie: `other=%; ${tokenCookieName(server.port)}=${server.token}; =x; junk` })).status).toBe(200);
    expect(calls).toBe(before + 1);
  });

  it('refuses a foreign Origin even with the right token (403: CSRF)', async () => {
    const before = calls;
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', `https://127.0.0.1:${server.port}`]) {
      expect((await rpc({ authorization: `Bearer ${server.token}`, origin })).status).toBe(403);
    }
    expect((await rpc({ authorization: `Bearer ${server.token}`, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(calls).toBe(before);
  });

  it('refuses a foreign Host even with the right token (403: DNS rebinding)', async () => {
    const before = calls;
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `0.0.0.0:${server.port}`]) {
      expect((await request(`/?token=${server.token}`, { headers: { host } })).status).toBe(403);
      expect((await rpc({ host, authorization: `Bearer ${server.token}` })).status).toBe(403);
    }
    expect(calls).toBe(before);
  });

  it('accepts only JSON calls, so a plain HTML form cannot post one', async () => {
    const form = await request('/rpc/math.add', { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'text/plain' }, body: 'a=1' });
    expect(form.status).toBe(415);
  });

  it('answers unknown calls and bad arguments with a typed error, and never serves files outside the renderer', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    const unknown = await request('/rpc/fs.read', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    const bad = await request('/rpc/math.add', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"a":"x"}' });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect((await request('/../../etc/passwd.txt', { headers: auth })).status).toBe(404);
    expect((await request('/%2e%2e/%2e%2e/etc/hostname.txt', { headers: auth })).status).toBe(404);
  });

  it('listens on 127.0.0.1 only', async () => {
    const addrs = Object.values(os.networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal);
    for (const a of addrs) {
      await expect(fetch(`http://${a!.address}:${server.port}/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    }
  });
});
