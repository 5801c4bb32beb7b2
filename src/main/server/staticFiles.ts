/**
 * The HTTP side of browser mode: the built renderer as static files. The scripts and styles hold no
 * secret and are served to any request with our own Host header; the page itself (index.html) asks for
 * the token in its URL, so someone who opens the bare address learns which URL to use. The token is never
 * put in a cookie: cookies ignore ports, so every other local server would receive it.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../electron/security.js';
import { contentTypeOf } from './contentTypes.js';
import {
  SERVER_HOST,
  decodePath,
  hasToken,
  isOwnHost,
  parseRequestTarget,
  serverOrigin,
  type Refusal,
  type ServerIdentity,
} from './requestGuard.js';
import type { ResponseBudget } from './responseBudget.js';

const NO_TOKEN_MESSAGE = 'Forbidden: open the URL that `mixel serve` printed (it carries the access token).';

export async function serveStaticFile(
  req: IncomingMessage,
  res: ServerResponse,
  rendererDir: string,
  identity: ServerIdentity,
  budget: ResponseBudget,
): Promise<void> {
  if (!budget.admitRequest(req, res)) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const found = locate(req, rendererDir, identity);
  if ('status' in found) {
    res.writeHead(found.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${found.message}\n`);
    return;
  }
  const size = await stat(found.file).then(
    (s) => (s.isFile() ? s.size : null),
    () => null,
  );
  if (size === null) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  if (req.method === 'GET' && !budget.reserve(size, req, res)) {
    res
      .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' })
      .end('busy: too much is being sent to clients that do not read it; try again\n');
    return;
  }
  let body: Buffer | undefined;
  try {
    if (req.method === 'GET') body = await readFile(found.file);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(found.file),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'content-length': String(body?.length ?? size),
  };
  if (extname(found.file) === '.html') {
    headers['content-security-policy'] = CONTENT_SECURITY_POLICY.replace(
      "connect-src 'self'",
      `connect-src 'self' ws://${SERVER_HOST}:${identity.port}`,
    );
    headers['x-frame-options'] = 'DENY';
  }
  res.writeHead(200, headers);
  res.end(body);
}

/** The file a request names inside the renderer folder, or why it is refused. */
function locate(
  req: IncomingMessage,
  rendererDir: string,
  identity: ServerIdentity,
): { file: string } | Refusal {
  if (!isOwnHost(req, identity.port)) {
    return {
      status: 403,
      message: `Forbidden: wrong Host header; open ${serverOrigin(identity.port)}/ as printed.`,
    };
  }
  const url = parseRequestTarget(req.url);
  if (!url) return { status: 400, message: 'Bad request: malformed request target.' };
  const path = decodePath(url);
  if (path === null) return { status: 400, message: 'Bad request: malformed percent-encoding in the path.' };
  const indexFile = join(rendererDir, 'index.html');
  const file = path === '/' ? indexFile : normalize(join(rendererDir, path));
  if (!file.startsWith(rendererDir + sep) || file.includes('\0')) {
    return { status: 404, message: 'not found' };
  }
  if (file === indexFile && !hasToken(url, identity.token)) return { status: 403, message: NO_TOKEN_MESSAGE };
  return { file };
}
