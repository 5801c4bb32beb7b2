/** One toolbar or keyboard action of the window (the table of them is actions.ts). */
export interface Action {
  readonly id: string;
  readonly label: string;
  /** Shown in tooltips; matched by `matchShortcut`. */
  readonly shortcut?: string;
  isEnabled(): boolean;
  run(path?: string): void;
}
