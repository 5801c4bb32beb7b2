/**
 * The window's own URL scheme, `mixel://app/…`, serving the built renderer (dist-renderer/). Electron's
 * security guide asks apps not to load from file://: a file:// page may fetch any other file:// URL, and
 * the `grantFileProtocolExtraPrivileges` fuse (electron-builder.yml) takes those powers away. Here the
 * page's origin is `mixel://app`, so CSP `'self'` means the app's own files and nothing on disk besides.
 */
import { extname, join, normalize, sep } from 'node:path';
import { contentTypeOf } from '../server/contentTypes.js';
import { CONTENT_SECURITY_POLICY } from './security.js';

export const APP_SCHEME = 'mixel';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * `standard` gives the scheme origins and relative URLs like https; `secure` makes it a secure context;
 * `supportFetchAPI` and `corsEnabled` let the page's module scripts (fetched in CORS mode) load. The scheme
 * serves only the app's own bundle and no other origin exists in the window, so CORS opens nothing else.
 * No service workers, no CSP bypass.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
} as const;

/**
 * The file under `rendererDir` a `mixel://app/…` URL names, or null for another host or scheme, a path
 * that leaves the folder (`..`, encoded or not) or one that cannot be decoded.
 */
export function appFileForUrl(url: string, rendererDir: string): string | null {
  let pathname: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== 'app') return null;
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = normalize(rendererDir);
  const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

/**
 * Headers of a served file: its type, no sniffing, and on the page the full CSP — as a header it can
 * also carry `frame-ancestors`, which the page's meta tag cannot.
 */
export function appResponseHeaders(file: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(file),
    'x-content-type-options': 'nosniff',
  };
  if (extname(file) === '.html') headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
  return headers;
}
