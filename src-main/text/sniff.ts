export type DocumentKind = 'pdf' | 'png' | 'jpeg' | 'tiff';

/** What the bytes are, by their magic numbers; null when none of ours. The declared MIME type is only a hint. */
export function sniffKind(bytes: Uint8Array): DocumentKind | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a))) {
    return 'tiff';
  }
  // PDF readers accept the header anywhere in the first KiB (some files carry a preamble).
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  return null;
}
