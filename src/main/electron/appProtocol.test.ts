import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, appFileForUrl, appResponseHeaders } from './appProtocol.js';
import { isNavigationAllowed } from './security.js';

const dir = '/opt/Mixel/resources/app.asar/dist-renderer';

describe('the mixel:// app scheme', () => {
  it('serves the window’s own files', () => {
    expect(appFileForUrl(APP_INDEX_URL, dir)).toBe(join(dir, 'index.html'));
    expect(appFileForUrl('mixel://app/', dir)).toBe(join(dir, 'index.html'));
    expect(appFileForUrl('mixel://app/assets/index-1.js?v=2#x', dir)).toBe(join(dir, 'assets', 'index-1.js'));
  });

  it('serves nothing outside dist-renderer, nor for another host or scheme', () => {
    for (const url of [
      'mixel://app/../../../etc/passwd',
      'mixel://app/%2e%2e/%2e%2e/etc/passwd',
      'mixel://app/assets/..%2f..%2f..%2fetc%2fpasswd',
    ]) {
      const file = appFileForUrl(url, dir);
      if (file !== null) expect(file.startsWith(`${dir}/`), `${url} → ${file}`).toBe(true);
    }
    expect(appFileForUrl('mixel://app/assets/..%2f..%2f..%2fetc%2fpasswd', dir)).toBeNull();
    for (const url of [
      'mixel://app/%00',
      'mixel://app/%zz',
      'mixel://other/index.html',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(appFileForUrl(url, dir), url).toBeNull();
    }
  });

  it('sends the page with its CSP (frame-ancestors included) and every file with a fixed type', () => {
    const page = appResponseHeaders(join(dir, 'index.html'));
    expect(page['content-type']).toMatch(/^text\/html/);
    expect(page['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(appResponseHeaders(join(dir, 'a.js'))['content-type']).toMatch(/^text\/javascript/);
    expect(appResponseHeaders(join(dir, 'a.bin'))['x-content-type-options']).toBe('nosniff');
  });

  it('lets the window move within its page only', () => {
    expect(isNavigationAllowed(`${APP_INDEX_URL}#features`, APP_INDEX_URL)).toBe(true);
    expect(isNavigationAllowed('mixel://app/assets/x.js', APP_INDEX_URL)).toBe(false);
    expect(isNavigationAllowed('file:///etc/passwd', APP_INDEX_URL)).toBe(false);
  });
});
