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

/**
 * Whether the bytes are an XML document (an e-invoice candidate): after an optional byte-order mark
 * and white space, an XML declaration, a comment, a DOCTYPE or an element. HTML is not taken.
 */
export function sniffXml(bytes: Uint8Array): boolean {
  const b = bytes;
  let head: string;
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) {
    head = new TextDecoder(b[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(b.subarray(2, Math.min(b.length, 2050)));
  } else {
    head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 1024)).toString('latin1').replace(/^\xef\xbb\xbf/, '');
  }
  head = head.trimStart();
  if (/^<(?:!DOCTYPE\s+html|html[\s>])/i.test(head)) return false;
  return /^<(?:\?xml[\s?]|!--|!DOCTYPE\s|[A-Za-z_][\w.:-]*[\s>/])/.test(head);
}
