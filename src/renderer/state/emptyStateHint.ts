/** What the window says when the project has no image yet: the ways to add one that this mode has. */
export function emptyStateHint(host: 'electron' | 'browser'): string {
  return host === 'electron'
    ? 'Add an image to start: File ▸ Add Images…, the Add image… button, or drop a TIFF, PNG or JPEG file here'
    : 'Add an image to start: drop a TIFF, PNG or JPEG file here, or click Add image… and type its path on the machine running Mixel';
}
