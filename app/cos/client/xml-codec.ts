// XML in and out of COS. Parsing keeps every value a string (a key "0012" must not become 12) and lets the
// callers say which elements repeat, because a list with one entry otherwise parses as a bare object.
//
// The parser package is loaded when a response first has XML to read (or a request XML to send): a small upload
// (HEAD Bucket, one PUT, both answered without a body) never needs it, and loading it is ~10 ms of every start.
import { createHash } from 'node:crypto';
import type { XMLBuilder, XMLParser } from 'fast-xml-parser';

/** Elements that can repeat in any COS response this client reads. */
const REPEATED = new Set(['Contents', 'CommonPrefixes', 'Part', 'Upload', 'Bucket', 'Deleted', 'Error', 'Rule', 'Grant']);

const PARSER_OPTIONS: ConstructorParameters<typeof XMLParser>[0] = {
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
};

let codec: Promise<{ parser: XMLParser; builder: XMLBuilder }> | undefined;
function loadCodec(): Promise<{ parser: XMLParser; builder: XMLBuilder }> {
  codec ??= import('fast-xml-parser').then(({ XMLBuilder, XMLParser }) => ({
    parser: new XMLParser(PARSER_OPTIONS),
    builder: new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false, processEntities: true }),
  }));
  return codec;
}

export type XmlNode = Record<string, unknown>;

/** Parses a COS XML body; returns `{}` for an empty body (COS answers several PUTs with nothing). */
export async function parseXml(text: string): Promise<XmlNode> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  return (await loadCodec()).parser.parse(trimmed) as XmlNode;
}

/** Serialises `{ Root: {...} }` without a declaration, minified, as the Node SDK sends request bodies. */
export async function buildXml(doc: XmlNode): Promise<string> {
  return (await loadCodec()).builder.build(doc) as string;
}

/** An XML request body with the headers COS expects beside it (Content-Type and a Content-MD5 of the bytes). */
export async function xmlRequest(doc: XmlNode): Promise<{ headers: Record<string, string>; body: { kind: 'buffer'; data: Buffer } }> {
  const data = Buffer.from(await buildXml(doc), 'utf8');
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
