import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANNOUNCEMENT_HOLD_MS, announce, showActivity } from './statusLine.js';
import { getApp, setApp } from './store.js';

describe('the status line', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps "Saved …" readable while the live loop reports, then shows its latest report', () => {
    announce('Saved /data/cells.mixel');
    showActivity('Training…');
    showActivity('Updated 4 tiles in 147 ms');
    expect(getApp().status).toBe('Saved /data/cells.mixel');
    vi.advanceTimersByTime(ANNOUNCEMENT_HOLD_MS + 1);
    expect(getApp().status).toBe('Updated 4 tiles in 147 ms');
  });

  it('shows the live loop at once when no announcement is on screen', () => {
    announce('Added cells.tif');
    vi.advanceTimersByTime(ANNOUNCEMENT_HOLD_MS + 1);
    showActivity('Predicting…');
    expect(getApp().status).toBe('Predicting…');
  });

  it('does not bring back an old report over what the user started since', () => {
    announce('Saved /data/cells.mixel');
    showActivity('Updated 4 tiles in 147 ms');
    setApp({ status: 'Exporting…' });
    vi.advanceTimersByTime(ANNOUNCEMENT_HOLD_MS + 1);
    expect(getApp().status).toBe('Exporting…');
  });
});
