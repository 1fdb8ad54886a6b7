import { sniffKind, sniffXml, type DocumentKind } from '../text/sniff.ts';

/** application/xml: a standalone e-invoice (XRechnung, UBL, CII), read by src-main/einvoice. */
export type SupportedMime = 'application/pdf' | 'image/png' | 'image/jpeg' | 'image/tiff' | 'application/xml';

const MIME: Record<DocumentKind, SupportedMime> = { pdf: 'application/pdf', png: 'image/png', jpeg: 'image/jpeg', tiff: 'image/tiff' };

/** The type comes from the bytes, never from the file name: a renamed file is still what it is. */
export function sniffMime(bytes: Uint8Array): SupportedMime | null {
  const kind = sniffKind(bytes);
  if (kind) return MIME[kind];
  return sniffXml(bytes) ? 'application/xml' : null;
}
