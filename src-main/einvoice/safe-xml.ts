import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PipelineError } from '../pipeline/pipeline-error.ts';

/** Bounds on e-invoice XML: real invoices are tens of KiB; these leave room for thousands of lines. */
export const XML_LIMITS = {
  /** An XML document (standalone or attached to a PDF) larger than this is refused unread. */
  maxBytes: 16 * 1024 * 1024,
  /** Deeper element nesting is refused (UBL and CII stay under 15). */
  maxDepth: 64,
} as const;

/** A parsed element: text under "#text", attributes under "@name", children by local name. */
export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five predefined entities and character references, in one pass; nothing a document declares. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] !== '#') return NAMED[e] ?? m;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  entityDecoder: { decode: decodeEntities, setExternalEntities() {}, addInputEntities() {}, reset() {}, setXmlVersion() {} },
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: XML_LIMITS.maxDepth,
});

/** Bytes to text: UTF-8 (BOM dropped) unless the declaration names a Latin-1 encoding. */
export function decodeXmlBytes(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 200)).toString('latin1');
  const enc = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head.replace(/^\uFEFF|^ï»¿/, ''))?.[1]?.toLowerCase();
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  const latin1 = enc === 'iso-8859-1' || enc === 'latin1' || enc === 'iso-8859-15' || enc === 'windows-1252';
  return new TextDecoder(latin1 ? 'windows-1252' : 'utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

/**
 * Parses untrusted XML: refused when too large, when it carries a DOCTYPE (no entity of a
 * document's own is ever expanded, so a billion-laughs file is refused, not expanded) or when it is
 * not well formed. Namespace prefixes are dropped: callers match on local names.
 */
export function parseXmlSafely(bytes: Uint8Array, limits: { maxBytes?: number } = {}): XmlNode {
  const maxBytes = limits.maxBytes ?? XML_LIMITS.maxBytes;
  if (bytes.length > maxBytes) {
    throw new PipelineError('xml_too_large', `The XML is ${formatSize(bytes.length)}; the limit for an e-invoice is ${formatSize(maxBytes)}. It was not read.`);
  }
  const text = decodeXmlBytes(bytes);
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) {
    if (/<!ENTITY/i.test(text)) {
      throw new PipelineError('xml_entities_refused', 'The XML declares its own entities in a DOCTYPE (an entity-expansion attack such as "billion laughs" looks like this); e-invoices never do, so it was not read.');
    }
    throw new PipelineError('xml_doctype_refused', 'The XML carries a DOCTYPE declaration; e-invoices never do, so it was not read.');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new PipelineError('xml_malformed', `The XML is not well formed (line ${line}, column ${col}): ${msg}`);
  }
  try {
    return parser.parse(text) as XmlNode;
  } catch (err) {
    const message = (err as Error).message;
    if (/nested/i.test(message)) throw new PipelineError('xml_malformed', `The XML nests elements deeper than ${XML_LIMITS.maxDepth} levels; it was not read.`);
    throw new PipelineError('xml_malformed', `The XML could not be parsed: ${message}`);
  }
}

function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

// --- Navigation helpers: XML elements may occur once (object) or many times (array). ---

export function all(node: XmlValue | undefined, ...path: string[]): XmlValue[] {
  let current: XmlValue[] = node === undefined ? [] : Array.isArray(node) ? node : [node];
  for (const key of path) {
    const next: XmlValue[] = [];
    for (const c of current) {
      if (typeof c !== 'object' || Array.isArray(c)) continue;
      const v = c[key];
      if (v === undefined) continue;
      if (Array.isArray(v)) next.push(...v);
      else next.push(v);
    }
    current = next;
  }
  return current;
}

export function first(node: XmlValue | undefined, ...path: string[]): XmlValue | undefined {
  return all(node, ...path)[0];
}

/** The element's text, trimmed; null when absent or empty. */
export function textOf(v: XmlValue | undefined): string | null {
  if (v === undefined) return null;
  if (typeof v === 'string') return v.trim() || null;
  if (Array.isArray(v)) return textOf(v[0]);
  const t = v['#text'];
  return typeof t === 'string' ? t.trim() || null : null;
}

export function text(node: XmlValue | undefined, ...path: string[]): string | null {
  for (const v of all(node, ...path)) {
    const t = textOf(v);
    if (t) return t;
  }
  return null;
}

export function attr(v: XmlValue | undefined, name: string): string | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const a = v[`@${name}`];
  return typeof a === 'string' ? a : null;
}
