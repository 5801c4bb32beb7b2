/**
 * Who may talk to the browser-mode server. Everything in a request is untrusted: the request target, the
 * Host and Origin headers and the token are checked here without ever throwing, so a malformed request
 * gets an answer (400/403) instead of ending the process.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The only address the server listens on and the only host name it answers to. */
export const SERVER_HOST = '127.0.0.1';

/** A refused request: the HTTP status and one line saying why. */
export interface Refusal {
  readonly status: 400 | 403 | 404;
  readonly message: string;
}

/** What a request must match: the server's own origin (scheme, host and port) and its token. */
export interface ServerIdentity {
  readonly port: number;
  readonly token: string;
}

/** The origin the server prints (`http://127.0.0.1:<port>`); browsers omit the default port 80. */
export function serverOrigin(port: number): string {
  return port === 80 ? `http://${SERVER_HOST}` : `http://${SERVER_HOST}:${port}`;
}

/**
 * The request target as a URL, or null when it is not a plain path: absolute and protocol-relative forms
 * (`http://[x]/`, `//[x]/`), backslash tricks and anything `URL` cannot parse. Browsers talking to us
 * directly always send a path.
 */
export function parseRequestTarget(target: string | undefined): URL | null {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.includes('\\')) return null;
  try {
    const url = new URL(target, `http://${SERVER_HOST}`);
    return url.host === SERVER_HOST ? url : null;
  } catch {
    return null;
  }
}

/** The decoded path, or null when its percent-encoding is malformed (`/%zz`). */
export function decodePath(url: URL): string | null {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

/**
 * DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 reaches us with
 * `Host: evil.example:<port>`. Only our own address is answered (not `localhost`: we print and serve
 * 127.0.0.1 only, so one origin holds the window).
 */
export function isOwnHost(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `${SERVER_HOST}:${port}` || (port === 80 && host === SERVER_HOST);
}

/**
 * Pages of other origins, including other programs' pages on 127.0.0.1 at other ports, may open
 * WebSockets to us (WebSockets are not covered by CORS), so the exact origin is required. Browsers always
 * send Origin on a WebSocket handshake; a request without one is not from our page.
 */
export function isOwnOrigin(req: IncomingMessage, port: number): boolean {
  return req.headers.origin === serverOrigin(port);
}

export function hasToken(url: URL, token: string): boolean {
  const given = url.searchParams.get('token');
  return given !== null && safeEqual(given, token);
}

/** Why a WebSocket upgrade is refused, or null when it may proceed: own Host, own Origin, /ws, token. */
export function refuseUpgrade(req: IncomingMessage, identity: ServerIdentity): Refusal | null {
  const url = parseRequestTarget(req.url);
  if (!url) return { status: 400, message: 'malformed request target' };
  if (!isOwnHost(req, identity.port)) return { status: 403, message: 'wrong Host header' };
  if (!isOwnOrigin(req, identity.port)) {
    return { status: 403, message: `wrong Origin: only ${serverOrigin(identity.port)} may connect` };
  }
  if (url.pathname !== '/ws') return { status: 404, message: 'no WebSocket here: use /ws' };
  if (!hasToken(url, identity.token)) return { status: 403, message: 'missing or wrong token' };
  return null;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
