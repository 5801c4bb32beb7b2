/**
 * Batch export: pick images, sources, format and output pattern; progress per image and overall;
 * cancel; per-image errors listed while the others go on.
 */
import { useEffect, useRef, useState } from 'react';
import { DEFAULT_OUTPUT_TEMPLATE } from '../../core/export/exportNames.js';
import type { ExportFormat, ExportResult, ExportSource, Progress } from '../../core/protocol/types.js';
import * as app from '../state/controller.js';
import { getApp, setApp } from '../state/store.js';
import { nativeFileDialog } from '../transport/connectBackend.js';
import { Modal } from './Modal.js';
import { newExportId } from './exportId.js';

/** The formats as the command line's --format names them, with what each holds. */
const FORMATS: [ExportFormat, string][] = [
  ['tiff', 'TIFF (float probabilities, pixel size kept)'],
  ['png', 'PNG, greyscale (8-bit; probabilities one file per class)'],
  ['png-color', 'PNG in class colours (Simple Segmentation, Labels)'],
  ['npy', 'NumPy .npy'],
  ['zarr', 'OME-Zarr folder (multiscale; napari, Fiji, Python)'],
];

/** The template's placeholders (core/export/exportNames.ts), as the command line's --output takes them. */
const PATTERN_FIELDS = '{dataset_dir} {nickname} {result_type} {ext}';

const SOURCES: [ExportSource, string][] = [
  ['simple-segmentation', 'Simple Segmentation'],
  ['probabilities', 'Probabilities'],
  ['uncertainty', 'Uncertainty'],
  ['features', 'Features'],
  ['labels', 'Labels'],
];

export function ExportDialog() {
  const project = getApp().project!;
  const [imageIds, setImageIds] = useState(() => project.images.map((im) => im.id));
  const [sources, setSources] = useState<ExportSource[]>(['simple-segmentation']);
  const [format, setFormat] = useState<ExportFormat>('tiff');
  const [pattern, setPattern] = useState(DEFAULT_OUTPUT_TEMPLATE);
  const [running, setRunning] = useState<number | null>(null);
  const [perImage, setPerImage] = useState<
    Record<string, { fraction: number; error?: string; paths?: readonly string[] }>
  >({});
  const [overall, setOverall] = useState(0);
  const [result, setResult] = useState<ExportResult | null>(null);
  // A refused plan (unknown {field}, two outputs on one file): shown under the pattern, nothing written.
  const [planError, setPlanError] = useState<string | null>(null);
  const requestRef = useRef<number | null>(null);
  // In the desktop app the backend writes only beside the images or into a folder picked natively.
  const chooseFiles = nativeFileDialog();
  const chooseFolder = async () => {
    const [folder] = await chooseFiles!('export-folder');
    if (folder) setPattern(`${folder.replace(/[\\/]+$/, '')}/{nickname}_{result_type}.{ext}`);
  };

  useEffect(() => {
    const sub = app.service().onDidProgress((p: Progress) => {
      if (p.requestId !== requestRef.current) return;
      setOverall(
        p.total
          ? (p.done + (p.imageFraction !== undefined && p.imageFraction < 1 ? p.imageFraction : 0)) / p.total
          : 0,
      );
      if (p.imageId) {
        const id = p.imageId;
        setPerImage((m) => ({
          ...m,
          [id]: {
            ...m[id],
            fraction: p.imageFraction ?? (p.error ? 1 : (m[id]?.fraction ?? 0)),
            error: p.error ?? m[id]?.error,
          },
        }));
      }
    });
    return () => sub.dispose();
  }, []);

  const start = async () => {
    const requestId = newExportId();
    requestRef.current = requestId;
    setRunning(requestId);
    setResult(null);
    setPlanError(null);
    setPerImage({});
    setOverall(0);
    try {
      const r = await app
        .service()
        .exportImages({ requestId, imageIds, sources, format, outputPattern: pattern });
      setResult(r);
      setPerImage((m) => {
        const next = { ...m };
        for (const im of r.images) next[im.imageId] = { fraction: 1, error: im.error, paths: im.paths };
        return next;
      });
      const failed = r.images.filter((im) => im.error).length;
      setApp({
        status: r.isCancelled
          ? 'Export cancelled'
          : `Exported ${r.images.length - failed} images${failed ? `, ${failed} failed` : ''}`,
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const isPlanError =
        code === 'export-pattern' || code === 'export-collision' || code === 'export-format';
      if (isPlanError) setPlanError((err as Error).message);
      else app.showError(err);
    } finally {
      setRunning(null);
    }
  };

  const toggle = <T,>(list: T[], item: T) =>
    list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
  return (
    <Modal
      title="Export"
      wide
      footer={
        <>
          {running !== null ? (
            <button
              type="button"
              data-testid="export-cancel"
              onClick={() => void app.service().cancel(running)}
            >
              Cancel export
            </button>
          ) : (
            <button type="button" onClick={() => setApp({ dialog: null })}>
              Close
            </button>
          )}
          <button
            type="button"
            className="primary"
            data-testid="export-start"
            disabled={running !== null || imageIds.length === 0 || sources.length === 0}
            onClick={() => void start()}
          >
            Export
          </button>
        </>
      }
    >
      <div className="export-grid">
        <fieldset>
          <legend>Images</legend>
          {project.images.map((im) => {
            const state = perImage[im.id];
            return (
              <div key={im.id} className="export-image" data-image-id={im.id}>
                <label className="toggle">
                  <input
                    type="checkbox"
                    checked={imageIds.includes(im.id)}
                    disabled={running !== null}
                    onChange={() => setImageIds((l) => toggle(l, im.id))}
                  />
                  {im.name}
                </label>
                {state ? <progress max={1} value={state.fraction} /> : null}
                {state?.error ? <div className="error-text">{state.error}</div> : null}
                {state?.paths?.map((p) => (
                  <div key={p} className="muted path" data-testid="export-path">
                    {p}
                  </div>
                ))}
              </div>
            );
          })}
        </fieldset>
        <fieldset>
          <legend>Sources</legend>
          {SOURCES.map(([id, label]) => (
            <label key={id} className="toggle">
              <input
                type="checkbox"
                data-source={id}
                checked={sources.includes(id)}
                disabled={running !== null}
                onChange={() => setSources((l) => toggle(l, id))}
              />
              {label}
            </label>
          ))}
          <legend>Format</legend>
          <select
            value={format}
            onChange={(e) => {
              setFormat(e.target.value as ExportFormat);
              setPlanError(null);
            }}
            disabled={running !== null}
            aria-label="Format"
          >
            {FORMATS.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </fieldset>
      </div>
      <label className="field">
        Output pattern ({PATTERN_FIELDS})
        <input
          data-testid="export-pattern"
          value={pattern}
          disabled={running !== null}
          onChange={(e) => {
            setPattern(e.target.value);
            setPlanError(null);
          }}
        />
      </label>
      {planError ? (
        <div className="error-text" role="alert" data-testid="export-plan-error">
          {planError}
        </div>
      ) : null}
      {chooseFiles ? (
        <button
          type="button"
          data-testid="export-choose-folder"
          disabled={running !== null}
          onClick={() => void chooseFolder().catch((err: unknown) => app.showError(err))}
        >
          Export to folder…
        </button>
      ) : null}
      <div className="overall">
        Overall{' '}
        <progress max={1} value={running !== null || result ? overall : 0} data-testid="export-overall" />
        {result ? <span data-testid="export-done">{result.isCancelled ? 'Cancelled' : 'Done'}</span> : null}
      </div>
    </Modal>
  );
}
