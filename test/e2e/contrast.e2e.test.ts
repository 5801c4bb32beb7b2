/**
 * Contrast and intensity ranges, in Debian's Chromium against the browser-mode server: the histogram of
 * the whole image, min and max typed, gamma, Auto; a warning when an added image lies far outside the
 * others' intensity range (a camera offset), gone once normalization is set to percentile.
 * Screenshots go to test-output/e2e/contrast-*.png.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFloat32Tiff } from '../../src/main/io/writeFloat32Tiff.js';
import { hasChromium } from '../helpers/headlessChromium.js';
import { samplePoints, type Point, windowForTests } from './windowDriver.js';

describe.skipIf(!hasChromium())('contrast and intensity ranges', () => {
  const tab = windowForTests('mixel-e2e-contrast-');
  const shot = (name: string) => tab.screenshot(`contrast-${name}`);
  const red = async (at: Point) => (await tab.ui.layerPixel('image', at))[0];
  const typeInto = async (testId: string, value: string) => {
    await tab.page.getByTestId(testId).fill(value);
    await tab.page.getByTestId(testId).press('Enter');
  };

  it('shows the histogram; typed min, max and gamma change the picture; Auto windows the whole image', async () => {
    const { nucleus, background } = samplePoints();
    await tab.page.goto(tab.server.url);
    await tab.ui.waitForImage();
    await expect.poll(() => tab.page.getByTestId('histogram').getAttribute('data-ready')).toBe('true');
    // The histogram has bars: some columns of its canvas are lit.
    const litColumns = await tab.page.getByTestId('histogram').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, c.height - 2, c.width, 1).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 150) n++;
      return n;
    });
    expect(litColumns).toBeGreaterThan(20);

    const nucleusBefore = await red(nucleus);
    await typeInto('contrast-max', '1000');
    await expect.poll(() => red(nucleus)).toBeGreaterThan(nucleusBefore);
    expect(await tab.page.getByTestId('contrast-max').inputValue()).toBe('1000');
    // Not a number: the field goes back to the value in use.
    await typeInto('contrast-min', 'dark');
    await expect.poll(() => tab.page.getByTestId('contrast-min').inputValue()).toMatch(/^\d+$/);

    const backgroundBefore = await red(background);
    await typeInto('contrast-gamma', '0.4');
    await expect.poll(() => red(background)).toBeGreaterThan(backgroundBefore);
    await shot('01-gamma');
    await typeInto('contrast-gamma', '1');

    await tab.page.getByTestId('contrast-auto').click();
    await expect.poll(() => tab.page.getByTestId('contrast-max').inputValue()).not.toBe('1000');
    const [min, max] = [
      Number(await tab.page.getByTestId('contrast-min').inputValue()),
      Number(await tab.page.getByTestId('contrast-max').inputValue()),
    ];
    expect(min).toBeGreaterThanOrEqual(419);
    expect(max).toBeLessThanOrEqual(2112);
    expect(max).toBeGreaterThan(min + 300);
    await shot('02-auto');
  });

  it('warns when an added image lies far outside the others’ intensity range', async () => {
    // The warning is for raw values; a new project normalizes per image (percentile) and needs none.
    await tab.page.getByTestId('normalization').selectOption('none');
    expect(await tab.page.getByTestId('range-warning').count()).toBe(0);
    // An image on a camera offset of 33000, as HeLa's (float32 TIFF: the writer the export uses).
    const file = join(tab.dir, 'offset.tif');
    const values = new Float32Array(64 * 48).map((_, i) => 33000 + ((i * 37) % 4000));
    await writeFloat32Tiff(file, [values], 64, 48);
    const tiff = await readFile(file);
    await tab.page.evaluate(
      ({ bytes }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], 'offset.tif', { type: 'image/tiff' }));
        document
          .querySelector('.app')!
          .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { bytes: Array.from(tiff) },
    );
    await expect.poll(tab.ui.textOf('image-list'), { timeout: 30_000 }).toContain('offset.tif');
    await expect
      .poll(tab.ui.textOf('range-warning'))
      .toMatch(/sample\.tif \(\d+–\d+\) and offset\.tif \(33\d\d\d–3\d\d\d\d\) differ far in intensity/);
    await shot('03-range-warning');

    // The remedy the warning names: percentile normalization, set in the window; the warning goes.
    await tab.page.getByTestId('normalization').selectOption('percentile');
    await expect.poll(() => tab.page.getByTestId('range-warning').count()).toBe(0);
    // The select shows the mode the backend reports back.
    await expect.poll(() => tab.page.getByTestId('normalization').inputValue()).toBe('percentile');
    await shot('04-normalized');
    await tab.page.getByTestId('normalization').selectOption('none');
    await expect.poll(() => tab.page.getByTestId('range-warning').count()).toBe(1);
  });
});
