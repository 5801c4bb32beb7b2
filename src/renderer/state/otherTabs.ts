/**
 * Tabs of this browser on the same server share one backend project: each tab says hello on a
 * BroadcastChannel, and every tab that hears another one warns that the project is open elsewhere (edits
 * in one tab are not shown in the other). A tab closing says goodbye.
 */
import { setApp } from './store.js';

type TabMessage = { type: 'hello' | 'here' | 'bye'; tab: string };

export function watchOtherTabs(): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(`mixel-project:${location.host}`);
  const self = crypto.randomUUID();
  const others = new Set<string>();
  const show = () => setApp({ otherTabs: others.size });
  channel.onmessage = (e: MessageEvent<TabMessage>) => {
    const m = e.data;
    if (!m || typeof m.tab !== 'string' || m.tab === self) return;
    if (m.type === 'bye') others.delete(m.tab);
    else others.add(m.tab);
    if (m.type === 'hello') channel.postMessage({ type: 'here', tab: self } satisfies TabMessage);
    show();
  };
  channel.postMessage({ type: 'hello', tab: self } satisfies TabMessage);
  const bye = () => channel.postMessage({ type: 'bye', tab: self } satisfies TabMessage);
  window.addEventListener('pagehide', bye);
  return () => {
    bye();
    window.removeEventListener('pagehide', bye);
    channel.close();
  };
}
