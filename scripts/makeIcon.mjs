// Renders the app icon assets/icon.png (512 × 512, what electron-builder wants for every platform) from
// the hand-drawn assets/icon.svg. Run once after editing the SVG (`node scripts/makeIcon.mjs`) and commit
// both files; the build does not run it.
import sharp from 'sharp';

const SOURCE = 'assets/icon.svg';
const TARGET = 'assets/icon.png';
/** electron-builder needs at least 512 × 512 for macOS and makes the smaller sizes from it. */
const SIZE = 512;

// The SVG is 64 units wide: render at 8 × 72 dpi so the pixels stay sharp before any resampling.
const info = await sharp(SOURCE, { density: (72 * SIZE) / 64 })
  .resize(SIZE, SIZE)
  .png({ compressionLevel: 9 })
  .toFile(TARGET);
console.log(`${TARGET}: ${info.width} × ${info.height}, ${info.size} bytes`);
