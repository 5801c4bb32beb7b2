/**
 * The brush outline that follows the pointer over the view: a small DOM circle moved by hand, outside
 * React and outside the Konva stage. Drawn on the label layer's canvas as before, every pointer move
 * redrew and recomposited a whole viewport-sized canvas (tens of ms of CPU per move without a GPU); a
 * moved element only repaints its own few pixels.
 */
import { useRef, type CSSProperties } from 'react';
import type { Tool } from '../state/store.js';

export interface BrushCursorProps {
  /** Brush radius in screen pixels. */
  readonly radiusPx: number;
  readonly tool: Tool;
  /** The active class colour (the brush's outline). */
  readonly color: string;
}

/** Moves the outline's centre to a point of the view (pixels from its top-left corner), or hides it. */
export type MoveBrushCursor = (at: { x: number; y: number } | null) => void;

/** The outline element and the function that moves it. */
export function useBrushCursor(): { ref: React.RefObject<HTMLDivElement | null>; moveTo: MoveBrushCursor } {
  const ref = useRef<HTMLDivElement | null>(null);
  const moveTo: MoveBrushCursor = (at) => {
    const el = ref.current;
    if (!el) return;
    if (!at) {
      el.style.visibility = 'hidden';
      return;
    }
    el.style.transform = `translate(${at.x}px, ${at.y}px)`;
    el.style.visibility = 'visible';
  };
  return { ref, moveTo };
}

export function BrushCursor({
  cursorRef,
  radiusPx,
  tool,
  color,
}: BrushCursorProps & { cursorRef: React.RefObject<HTMLDivElement | null> }) {
  const size = Math.max(2, 2 * radiusPx);
  const style: CSSProperties = {
    position: 'absolute',
    left: -size / 2,
    top: -size / 2,
    width: size,
    height: size,
    boxSizing: 'border-box',
    borderRadius: '50%',
    border: `1px ${tool === 'eraser' ? 'dashed' : tool === 'accept' ? 'dotted' : 'solid'} ${
      tool === 'brush' ? color : '#ffffff'
    }`,
    pointerEvents: 'none',
    // Shown and moved by useBrushCursor's moveTo; React sets this once and leaves it alone after.
    visibility: 'hidden',
  };
  return <div ref={cursorRef} className="brush-cursor" data-testid="brush-cursor" style={style} />;
}
