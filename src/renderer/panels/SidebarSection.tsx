/**
 * One foldable section of the sidebar: its heading is a button that folds or unfolds the content (which
 * stays mounted, so a folded panel keeps its state and work under way).
 */
import type { ReactNode } from 'react';
import {
  revealSection,
  SIDEBAR_SECTIONS,
  toggleSection,
  useSidebar,
  type SidebarSectionId,
} from './sidebarSections.js';

export function SidebarSection(props: { id: SidebarSectionId; testId?: string; children: ReactNode }) {
  const isFolded = useSidebar((s) => s.folded[props.id] === true);
  const title = SIDEBAR_SECTIONS.find((s) => s.id === props.id)!.title;
  const contentId = `sidebar-${props.id}`;
  return (
    <section data-section={props.id} data-testid={props.testId}>
      <h2>
        <button
          type="button"
          className="section-toggle"
          aria-expanded={!isFolded}
          aria-controls={contentId}
          title={isFolded ? `Show ${title}` : `Fold ${title} away`}
          onClick={() => toggleSection(props.id)}
        >
          <span aria-hidden="true">{isFolded ? '▸' : '▾'}</span> {title}
        </button>
      </h2>
      <div id={contentId} hidden={isFolded}>
        {props.children}
      </div>
    </section>
  );
}

/** The strip at the top of the sidebar (it stays there as the column scrolls): one button per section. */
export function SidebarNav() {
  return (
    <nav className="sidebar-nav" aria-label="Sidebar sections" data-testid="sidebar-nav">
      {SIDEBAR_SECTIONS.map((s) => (
        <button
          key={s.id}
          type="button"
          data-section-link={s.id}
          title={`Go to ${s.title}`}
          onClick={() => revealSection(s.id)}
        >
          {s.short}
        </button>
      ))}
    </nav>
  );
}
