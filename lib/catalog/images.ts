import 'server-only';
import { createHash } from 'node:crypto';
import { db } from '../platform/db';

/**
 * Product images uploaded in the admin. The bytes live in PostgreSQL
 * (ProductImage), so every app instance serves the same files with nothing to
 * sync; a shop with many large images would move them to object storage and
 * keep only the URL here. The URL names the content (its SHA-256), so it never
 * changes meaning and can be cached forever.
 */

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export const IMAGE_TYPES = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
} as const;
export type ImageExtension = keyof typeof IMAGE_TYPES;

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  prefix.every((byte, index) => bytes[at + index] === byte);
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The last chunk of every PNG: length 0, "IEND", its CRC. */
const PNG_END = [0x00, 0x00, 0x00, 0x00, ...ascii('IEND'), 0xae, 0x42, 0x60, 0x82];

/**
 * What the bytes are, read from the bytes alone (never the file's name or
 * declared type), and whether they are whole: a PNG must end with its IEND
 * chunk, a JPEG with its end-of-image marker, a WebP must be as long as its
 * RIFF header says. Anything else (SVG, text, truncated files) is refused.
 */
export function sniffImage(bytes: Uint8Array): ImageExtension | null {
  if (startsWith(bytes, PNG_SIGNATURE)) {
    const whole =
      bytes.length >= 33 + PNG_END.length && startsWith(bytes, PNG_END, bytes.length - PNG_END.length);
    return whole && startsWith(bytes, ascii('IHDR'), 12) ? 'png' : null;
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    return bytes.length > 4 && bytes.at(-2) === 0xff && bytes.at(-1) === 0xd9 ? 'jpg' : null;
  }
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) {
    const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
    return declared + 8 === bytes.length ? 'webp' : null;
  }
  return null;
}

export type ImageCheck = { ok: true; extension: ImageExtension } | { ok: false; message: string };

export function checkImage(bytes: Uint8Array): ImageCheck {
  if (bytes.length === 0) return { ok: false, message: 'Choose an image file.' };
  if (bytes.length > MAX_IMAGE_BYTES) return { ok: false, message: 'The image must be at most 2 MB.' };
  const extension = sniffImage(bytes);
  if (!extension) {
    return {
      ok: false,
      message: 'Upload a whole PNG, JPEG or WebP image (this file is another kind, or cut short).',
    };
  }
  return { ok: true, extension };
}

export const imagePath = (sha256: string, extension: ImageExtension) => `/images/${sha256}.${extension}`;

/** Stores checked bytes (once per content) and returns the path products point at. */
export async function saveImage(bytes: Uint8Array, extension: ImageExtension): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await db.productImage.upsert({
    where: { sha256 },
    create: { sha256, contentType: IMAGE_TYPES[extension], bytes: Buffer.from(bytes) },
    update: {},
  });
  return imagePath(sha256, extension);
}

const FILE_NAME = /^([0-9a-f]{64})\.(png|jpg|webp)$/;

/** The image a /images/<file> URL names, or null (unknown name, or the extension does not match the bytes). */
export async function readImage(file: string): Promise<{ contentType: string; bytes: Uint8Array } | null> {
  const match = FILE_NAME.exec(file);
  if (!match) return null;
  const [, sha256, extension] = match as unknown as [string, string, ImageExtension];
  const image = await db.productImage.findUnique({ where: { sha256 } });
  if (!image || image.contentType !== IMAGE_TYPES[extension]) return null;
  return { contentType: image.contentType, bytes: image.bytes };
}
