/**
 * Browsing the backend's folders in browser mode (MixelService.listFolder): the user's allowed folders
 * as buttons, the current folder's path with Up, and its folders and the files the command can use. A
 * click on a folder opens it; on a file, picks it (double click: picks and confirms).
 */
import { useEffect, useState } from 'react';
import type { FolderEntry, FolderListing } from '../../core/protocol/types.js';
import * as app from '../state/controller.js';

export interface FileBrowserProps {
  /** Folder to start in; null: the folder browsed last, else the backend's first allowed folder. */
  readonly startFolder: string | null;
  /** Which files are offered besides folders. */
  readonly fileKind: 'project' | 'image';
  /** A folder was opened (Save as puts its file name there). */
  readonly onFolder: (folder: string) => void;
  readonly onPick: (path: string) => void;
  readonly onConfirm: (path: string) => void;
}

/** `folder` + `name` with the folder's own separator (the backend may run on Windows). */
export function joinPath(folder: string, name: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(sep) ? folder + name : `${folder}${sep}${name}`;
}

/** The folder part of a path, or null when it has none. */
export function folderOf(path: string): string | null {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : null;
}

/** The folder browsed last in this window: the next dialog without a folder of its own starts there. */
let lastFolder: string | null = null;

export function FileBrowser(props: FileBrowserProps) {
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const open = (folder: string | null) => {
    app
      .service()
      .listFolder(folder)
      .then(
        (l) => {
          lastFolder = l.path;
          setListing(l);
          setProblem(null);
          props.onFolder(l.path);
        },
        (err: unknown) => setProblem(err instanceof Error ? err.message : String(err)),
      );
  };
  useEffect(() => {
    // A start folder outside the allowed ones (or gone) falls back to the first allowed folder.
    app
      .service()
      .listFolder(props.startFolder ?? lastFolder)
      .then(
        (l) => {
          lastFolder = l.path;
          setListing(l);
        },
        () => open(null),
      );
  }, []);
  const shown = (listing?.entries ?? []).filter((e) => e.kind === 'folder' || e.kind === props.fileKind);
  const clickEntry = (e: FolderEntry, isDouble: boolean) => {
    if (!listing) return;
    const path = joinPath(listing.path, e.name);
    if (e.kind === 'folder') open(path);
    else if (isDouble) props.onConfirm(path);
    else props.onPick(path);
  };
  return (
    <div className="file-browser" data-testid="file-browser">
      <div className="row file-browser-roots">
        {(listing?.roots ?? []).map((r) => (
          <button key={r.path} type="button" title={r.path} onClick={() => open(r.path)}>
            {r.label}
          </button>
        ))}
      </div>
      <div className="row file-browser-where">
        <button
          type="button"
          data-testid="folder-up"
          disabled={!listing?.parent}
          title="The folder above"
          onClick={() => listing?.parent && open(listing.parent)}
        >
          ↑ Up
        </button>
        <span className="muted file-browser-path" data-testid="folder-path" title={listing?.path}>
          {/* Left-to-right marks keep the slashes in place in the right-aligned (start-clipped) line. */}
          {listing ? `\u200e${listing.path}\u200e` : '…'}
        </span>
      </div>
      {problem ? (
        <p className="error-text" role="alert" data-testid="browse-problem">
          {problem}
        </p>
      ) : null}
      <ul className="file-browser-list" data-testid="folder-entries">
        {shown.map((e) => (
          <li key={e.name}>
            <button
              type="button"
              className={`link entry-${e.kind}`}
              data-entry-kind={e.kind}
              onClick={() => clickEntry(e, false)}
              onDoubleClick={() => clickEntry(e, true)}
            >
              {e.kind === 'folder' ? '📁' : e.kind === 'project' ? '📄' : '🖼'} {e.name}
            </button>
          </li>
        ))}
        {listing && shown.length === 0 ? (
          <li className="muted">No folders or {props.fileKind === 'project' ? 'projects' : 'images'} here</li>
        ) : null}
      </ul>
      {listing?.note ? <p className="muted small">{listing.note}</p> : null}
    </div>
  );
}
