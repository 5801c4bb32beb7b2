/**
 * The status bar's text. A message about something the user did ("Saved …") stays for a few
 * seconds: the live loop, which reports every stroke's refit, would otherwise replace it before it can be
 * read. Progress reported meanwhile is shown once the message has had its time.
 */
import { getApp, setApp } from './store.js';

/** How long a message about a user's action stays before the live loop's progress replaces it. */
export const ANNOUNCEMENT_HOLD_MS = 4_000;

let announced: string | null = null;
let heldUntil = 0;
let pendingActivity: string | null = null;
let releaseTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows the outcome of a user's action and keeps it on screen for ANNOUNCEMENT_HOLD_MS. */
export function announce(text: string): void {
  announced = text;
  heldUntil = Date.now() + ANNOUNCEMENT_HOLD_MS;
  pendingActivity = null;
  clearTimeout(releaseTimer);
  releaseTimer = setTimeout(release, ANNOUNCEMENT_HOLD_MS);
  setApp({ status: text });
}

/** Shows what the live loop is doing, after any announcement still on screen. */
export function showActivity(text: string): void {
  if (Date.now() < heldUntil && getApp().status === announced) pendingActivity = text;
  else setApp({ status: text });
}

function release(): void {
  // Anything the user started since (a new "Saving…", an error) replaced the announcement: keep that.
  if (pendingActivity !== null && getApp().status === announced) setApp({ status: pendingActivity });
  announced = null;
  pendingActivity = null;
}
