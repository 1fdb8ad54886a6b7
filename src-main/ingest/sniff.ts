import { sniffKind, type DocumentKind } from '../text/sniff.ts';

export type SupportedMime = 'application/pdf' | 'image/png' | 'image/jpeg' | 'image/tiff';

const MIME: Record<DocumentKind, SupportedMime> = { pdf: 'application/pdf', png: 'image/png', jpeg: 'image/jpeg', tiff: 'image/tiff' };

/** The type comes from the bytes, never from the file name: a renamed file is still what it is. */
export function sniffMime(bytes: Uint8Array): SupportedMime | null {
  const kind = sniffKind(bytes);
  return kind ? MIME[kind] : null;
}
