// XML in and out of COS. Parsing keeps every value a string (a key "0012" must not become 12) and lets the
// callers say which elements repeat, because a list with one entry otherwise parses as a bare object.
import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/** Elements that can repeat in any COS response this client reads. */
const REPEATED = new Set(['Contents', 'CommonPrefixes', 'Part', 'Upload', 'Bucket', 'Deleted', 'Error', 'Rule', 'Grant']);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // Keys are requested with encoding-type=url, so trimming cannot eat a key's own spaces.
  trimValues: true,
  ignoreDeclaration: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name, jpath) => REPEATED.has(name) && jpath !== 'Error' && !String(jpath).startsWith('Error.'),
});

const builder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false, processEntities: true });

export type XmlNode = Record<string, unknown>;

/** Parses a COS XML body; returns `{}` for an empty body (COS answers several PUTs with nothing). */
export function parseXml(text: string): XmlNode {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  return parser.parse(trimmed) as XmlNode;
}

/** Serialises `{ Root: {...} }` without a declaration, minified, as the Node SDK sends request bodies. */
export function buildXml(doc: XmlNode): string {
  return builder.build(doc) as string;
}

/** An XML request body with the headers COS expects beside it (Content-Type and a Content-MD5 of the bytes). */
export function xmlRequest(doc: XmlNode): { headers: Record<string, string>; body: { kind: 'buffer'; data: Buffer } } {
  const data = Buffer.from(buildXml(doc), 'utf8');
  return {
    headers: { 'content-type': 'application/xml', 'content-md5': createHash('md5').update(data).digest('base64') },
    body: { kind: 'buffer', data },
  };
}

export function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in (v as XmlNode)) return str((v as XmlNode)['#text']);
  // An empty element (`<Prefix/>`) parses as ''; anything else structured has no text form.
  return '';
}

export function num(v: unknown): number {
  const s = str(v);
  return s === undefined || s === '' ? 0 : Number(s);
}

export function bool(v: unknown): boolean {
  return str(v)?.toLowerCase() === 'true';
}

export function node(v: unknown): XmlNode {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as XmlNode) : {};
}

export function list(v: unknown): XmlNode[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map(node);
}

/** Decodes an `encoding-type=url` value; an undecodable one is returned as sent rather than lost. */
export function urlDecoded(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
