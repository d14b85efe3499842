// XML in and out, as COS speaks it. Request bodies are parsed with a size cap and refused if they carry a
// DOCTYPE (no entity tricks); responses are built from plain objects. A body the store cannot read, or whose
// shape its schema does not allow, is answered with COS's own MalformedXML sentence plus a plain detail, never
// with the parser's wording.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CosError } from './cos-error';

const ESCAPED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };
const SPECIAL = /[&<>'"]/;
const escapeXml = (text: string) => (SPECIAL.test(text) ? text.replace(/[&<>'"]/g, (c) => ESCAPED[c]!) : text);

/**
 * Builds `<?xml …?><Root>…</Root>` from a plain object: arrays become repeated elements, `@_name` members
 * attributes, `null` an empty element; undefined members are left out; text is escaped. Written here rather than
 * with fast-xml-parser's XMLBuilder (which made the same documents, as xml.test.ts checks) because a listing page
 * of 1,000 objects is the store's busiest answer while a user scrolls a big folder: the builder took a third of
 * the store's CPU there, plus the garbage it left (`npm run bench:listing`).
 */
export function buildXml(root: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${element(root, body)}`;
}

function element(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value) out += element(name, item);
    return out;
  }
  if (value === null) return `<${name}/>`;
  if (typeof value !== 'object') return `<${name}>${escapeXml(String(value))}</${name}>`;
  let attributes = '';
  let children = '';
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (key.startsWith('@_')) {
      if (child !== undefined) attributes += ` ${key.slice(2)}="${escapeXml(String(child))}"`;
    } else {
      children += element(key, child);
    }
  }
  return `<${name}${attributes}>${children}</${name}>`;
}

const SCHEMA_SENTENCE = 'The XML you provided was not well-formed or did not validate against our published schema';

/** MalformedXML with COS's sentence, and after it what exactly was wrong (a plain sentence of ours). */
export function malformedXml(detail?: string): CosError {
  return new CosError('MalformedXML', detail ? `${SCHEMA_SENTENCE}. ${detail}` : `${SCHEMA_SENTENCE}.`);
}

class BadReference extends Error {}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML 1.0's Char production: what a character reference may stand for. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * XML's own references and nothing else: the five predefined entities and character references (`&#x41;`, `&#13;`:
 * how clients write a key's control characters). Any other name is undefined without a DTD (and DTDs are refused),
 * so it makes the document malformed rather than staying in a key as literal text.
 */
function decodeReferences(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[^;&\s]*);/g, (_all, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!isXmlChar(cp)) throw new BadReference();
      return String.fromCodePoint(cp);
    }
    const value = PREDEFINED[ref];
    if (value === undefined) throw new BadReference();
    return value;
  });
}

const ARRAY_ELEMENTS = new Set(['Part', 'Object', 'Rule', 'Grant']);
const parser = new XMLParser({
  parseTagValue: false,
  processEntities: true,
  entityDecoder: {
    decode: decodeReferences,
    reset: () => undefined,
    setXmlVersion: () => undefined,
    setExternalEntities: () => undefined,
    // Only a DTD declares entities, and a body with one never reaches the parser.
    addInputEntities: () => undefined,
  },
  ignoreAttributes: true,
  ignoreDeclaration: true,
  // Values are kept as written: an object key may begin or end with spaces. Callers trim the fields whose
  // schema type allows surrounding whitespace (booleans, numbers, algorithm names).
  trimValues: false,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});

/** Parses a request body; any malformed or hostile document is a 400 MalformedXML. */
export function parseXmlBody(body: string, expectedRoot: string): Record<string, unknown> {
  // A byte-order mark may precede a document (some Windows tools write one); it is not content.
  const text = body.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new CosError('MissingRequestBodyError', 'Request body is empty.');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw malformedXml('DOCTYPE and ENTITY declarations are not allowed.');
  const valid = XMLValidator.validate(text);
  // The position helps find the mistake; the validator's own wording is not for clients.
  if (valid !== true) throw malformedXml(`The first error is at line ${valid.err.line}, column ${valid.err.col}.`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch {
    throw malformedXml();
  }
  const root = doc[expectedRoot];
  if (root === undefined || Object.keys(doc).length !== 1) throw malformedXml(`The root element must be <${expectedRoot}>.`);
  return xmlElement(root, expectedRoot, null);
}

/**
 * An element's children, checked against the schema: names not in `allowed` (null: any) and text between child
 * elements are refused. An empty element (`<A/>`, or only whitespace) has no children.
 */
export function xmlElement(node: unknown, name: string, allowed: readonly string[] | null): Record<string, unknown> {
  if (typeof node === 'string') {
    if (node.trim() === '') return {};
    throw malformedXml(`<${name}> must hold elements, not text.`);
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node)) throw malformedXml(`<${name}> appears more than once.`);
  const children = node as Record<string, unknown>;
  for (const [child, value] of Object.entries(children)) {
    if (child === '#text') {
      if (String(value).trim() !== '') throw malformedXml(`<${name}> must hold elements, not text.`);
      continue;
    }
    if (allowed && !allowed.includes(child)) throw malformedXml(`<${name}> cannot contain <${child}>; it takes ${allowed.map((a) => `<${a}>`).join(', ')}.`);
  }
  const { '#text': _text, ...rest } = children;
  return rest;
}

/** A child element's text as written, once; undefined when absent. A repeated or structured element is refused. */
export function xmlText(node: unknown, name: string): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) throw malformedXml(`<${name}> appears more than once.`);
  throw malformedXml(`<${name}> must hold text, not elements.`);
}

/** An xs:boolean element (true, false, 1 or 0, surrounding spaces allowed); undefined when absent. */
export function xmlBoolean(node: unknown, name: string): boolean | undefined {
  const text = xmlText(node, name)?.trim();
  if (text === undefined) return undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw malformedXml(`<${name}> must be true or false.`);
}

/** ISO 8601 with milliseconds, as COS listings print dates. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}
