import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  denyWindowOpen,
  isDownloadAllowed,
  isNavigationAllowed,
  isPermissionGranted,
  mainWindowOptions,
} from './security.js';

describe('the window’s security settings', () => {
  it('isolates the page: context isolation and sandbox on, no Node anywhere, no webviews', () => {
    const { webPreferences: w } = mainWindowOptions('/app/preload.cjs', false);
    expect(w.preload).toBe('/app/preload.cjs');
    expect(w.contextIsolation).toBe(true);
    expect(w.sandbox).toBe(true);
    expect(w.nodeIntegration).toBe(false);
    expect(w.nodeIntegrationInWorker).toBe(false);
    expect(w.nodeIntegrationInSubFrames).toBe(false);
    expect(w.webSecurity).toBe(true);
    expect(w.allowRunningInsecureContent).toBe(false);
    expect(w.webviewTag).toBe(false);
    expect(w.navigateOnDragDrop).toBe(false);
    expect(w.devTools).toBe(false);
    expect(mainWindowOptions('/app/preload.cjs', true).webPreferences.devTools).toBe(true);
  });

  it('has a strict Content-Security-Policy: nothing by default, no inline or eval scripts, no remote hosts', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('the page’s own CSP (index.html) is the same policy minus frame-ancestors, which a meta tag cannot set', async () => {
    const { readFile } = await import('node:fs/promises');
    const html = await readFile('src/renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const expected = CONTENT_SECURITY_POLICY.split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    expect(meta).toBe(expected);
  });

  it('blocks navigation away from the app page, and every new window', () => {
    const app = 'file:///opt/Mixel/resources/app.asar/dist-renderer/index.html';
    expect(isNavigationAllowed(`${app}#classes`, app)).toBe(true);
    expect(isNavigationAllowed('https://example.com/', app)).toBe(false);
    expect(isNavigationAllowed('file:///home/me/cells.tif', app)).toBe(false);
    expect(isNavigationAllowed('not a url', app)).toBe(false);
    expect(denyWindowOpen()).toEqual({ action: 'deny' });
  });

  it('downloads nothing, whatever the page links to', () => {
    expect(isDownloadAllowed('blob:mixel://app/1234')).toBe(false);
    expect(isDownloadAllowed('https://example.com/payload.sh')).toBe(false);
  });

  it('grants no permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(isPermissionGranted(p)).toBe(false);
    }
  });
});
