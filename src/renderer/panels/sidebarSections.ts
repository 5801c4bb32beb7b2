/**
 * The sidebar's sections, in order, and which of them are folded. At 1024 × 640 the column is several
 * screens tall: the section strip at its top jumps to any section (unfolding it), and a section's heading
 * folds it away to make room for the others.
 */
import { create } from 'zustand';

export const SIDEBAR_SECTIONS = [
  { id: 'images', title: 'Images', short: 'Images' },
  { id: 'classes', title: 'Classes', short: 'Classes' },
  { id: 'brush', title: 'Brush', short: 'Brush' },
  { id: 'contrast', title: 'Contrast', short: 'Contrast' },
  { id: 'layers', title: 'Layers', short: 'Layers' },
  { id: 'regions', title: 'Labelled regions', short: 'Regions' },
  { id: 'suggest', title: 'Suggest features', short: 'Suggest' },
] as const;

export type SidebarSectionId = (typeof SIDEBAR_SECTIONS)[number]['id'];

interface SidebarState {
  readonly folded: Readonly<Partial<Record<SidebarSectionId, boolean>>>;
}

export const useSidebar = create<SidebarState>(() => ({ folded: {} }));

export function toggleSection(id: SidebarSectionId): void {
  useSidebar.setState((s) => ({ folded: { ...s.folded, [id]: !s.folded[id] } }));
}

/** Unfolds a section, scrolls it to the top of the sidebar and puts the keyboard on its heading. */
export function revealSection(id: SidebarSectionId): void {
  useSidebar.setState((s) => ({ folded: { ...s.folded, [id]: false } }));
  // After React has shown the unfolded content, so the scroll lands where the section then is.
  requestAnimationFrame(() => {
    const section = document.querySelector<HTMLElement>(`[data-section="${id}"]`);
    section?.scrollIntoView({ block: 'start' });
    section?.querySelector<HTMLButtonElement>('.section-toggle')?.focus({ preventScroll: true });
  });
}
