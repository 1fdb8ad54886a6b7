export type SupportedMime = 'application/pdf' | 'image/png' | 'image/jpeg' | 'image/tiff';

/** The type comes from the bytes, never from the file name: a renamed file is still what it is. */
export function sniffMime(bytes: Uint8Array): SupportedMime | null {
  const b = bytes;
  // %PDF may follow some junk; PDF readers accept it within the first 1 KiB.
  const head = Buffer.from(b.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'application/pdf';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a))) {
    return 'image/tiff';
  }
  return null;
}
