import crypto from 'node:crypto';

export const TOKEN_QUERY = 'token';

/** The cookie is per port: cookies ignore ports, and two instances must not share a login. */
export const tokenCookieName = (port: number) => `countersign_token_${port}`;

export type AccessVerdict = { ok: true; fromQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

export interface RequestFacts {
  host: string | undefined;
  origin: string | undefined;
  /** Sec-Fetch-Site, where the browser sends it. */
  fetchSite: string | undefined;
  queryToken: string | undefined;
  cookieHeader: string | undefined;
  authorization: string | undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * Our cookie's raw value, never decoded: the token is hex, so anything else (a stray `%`, quotes) is
 * simply a wrong token (401), not an exception (500). Other cookies on 127.0.0.1 are not looked at.
 */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/**
 * Decides whether a request may reach the app (as Jupyter's token login): the Host must name this
 * loopback port (DNS rebinding), a browser's Origin must be ours (CSRF), and the token must come
 * in the URL, the cookie, or an `Authorization: Bearer` header.
 */
export function checkAccess(req: RequestFacts, port: number, token: string): AccessVerdict {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (!req.host || !allowedHosts.has(req.host.toLowerCase())) return { ok: false, status: 403, reason: 'foreign Host header' };
  if (req.origin !== undefined && !new Set([...allowedHosts].map((h) => `http://${h}`)).has(req.origin.toLowerCase())) {
    return { ok: false, status: 403, reason: 'foreign Origin header' };
  }
  if (req.fetchSite === 'cross-site') return { ok: false, status: 403, reason: 'cross-site request' };
  if (req.queryToken !== undefined) return sameToken(req.queryToken, token) ? { ok: true, fromQuery: true } : { ok: false, status: 401, reason: 'wrong token' };
  const bearer = /^Bearer\s+(.+)$/i.exec(req.authorization ?? '')?.[1];
  const presented = bearer ?? cookieValue(req.cookieHeader, tokenCookieName(port));
  if (presented === undefined) return { ok: false, status: 401, reason: 'no token' };
  return sameToken(presented, token) ? { ok: true, fromQuery: false } : { ok: false, status: 401, reason: 'wrong token' };
}

export const newToken = () => crypto.randomBytes(24).toString('hex');
