// Reads the PNG screenshots Chromium takes (8 bits per channel, RGB or RGBA, not interlaced) into pixels, so a check
// can look at what was drawn: enough of PNG for that, no more.
import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** { width, height, pixels }: pixels as RGBA bytes, row after row. */
export function readPng(png) {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const data = [];
  for (let offset = 8; offset < png.length;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colourType, , , interlace] = body.subarray(8, 13);
      channels = { 2: 3, 6: 4 }[colourType];
      if (depth !== 8 || !channels || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colourType}, interlace ${interlace}`);
    } else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const rows = Buffer.alloc(stride * height);
  // Each row starts with its filter byte; the filters refer to the row above (already unfiltered) and the pixel left.
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? rows[y * stride + x - channels] : 0;
      const up = y > 0 ? rows[(y - 1) * stride + x] : 0;
      const upLeft = y > 0 && x >= channels ? rows[(y - 1) * stride + x - channels] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`unknown PNG filter ${filter}`);
      rows[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  const pixels = Buffer.alloc(width * height * 4, 0xff);
  for (let index = 0; index < width * height; index++) rows.copy(pixels, index * 4, index * channels, index * channels + Math.min(channels, 4));
  return { width, height, pixels };
}

function paeth(left, up, upLeft) {
  const estimate = left + up - upLeft;
  const [toLeft, toUp, toUpLeft] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/**
 * What a picture shows: `background` (its most frequent colour), `ink` (the share of pixels that differ from it) and,
 * for each colour asked for as [r, g, b], the share of pixels within `tolerance` of it in every channel.
 */
export function inkOf(png, colours = [], tolerance = 24) {
  const { width, height, pixels } = readPng(png);
  const counts = new Map();
  for (let at = 0; at < pixels.length; at += 4) {
    const key = pixels.readUIntBE(at, 3);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [background] = [...counts].sort((a, b) => b[1] - a[1])[0];
  const total = width * height;
  const near = (key, [r, g, b]) => Math.abs((key >> 16) - r) <= tolerance && Math.abs(((key >> 8) & 0xff) - g) <= tolerance && Math.abs((key & 0xff) - b) <= tolerance;
  let inked = 0;
  const matching = colours.map(() => 0);
  for (const [key, count] of counts) {
    if (key !== background) inked += count;
    colours.forEach((colour, index) => { if (near(key, colour)) matching[index] += count; });
  }
  return {
    width, height,
    background: [background >> 16, (background >> 8) & 0xff, background & 0xff],
    ink: inked / total,
    colours: matching.map((count) => count / total),
    distinct: counts.size,
  };
}
