// XML in and out, as COS speaks it. Request bodies are parsed with a size cap and refused if they carry a
// DOCTYPE (no entity tricks); responses are built from plain objects.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { CosError } from './cos-error';

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false });

/** Builds `<?xml …?><Root>…</Root>`. Arrays become repeated elements; undefined members are left out. */
export function buildXml(root: string, body: Record<string, unknown>): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, [root]: body });
}

const ARRAY_ELEMENTS = new Set(['Part', 'Object', 'Rule', 'Grant']);
const parser = new XMLParser({
  parseTagValue: false,
  processEntities: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  trimValues: true,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});

/** Parses a request body; any malformed or hostile document is a 400 MalformedXML. */
export function parseXmlBody(text: string, expectedRoot: string): Record<string, unknown> {
  if (text.trim() === '') throw new CosError('MissingRequestBodyError', 'Request body is empty.');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new CosError('MalformedXML', 'DOCTYPE and ENTITY declarations are not allowed.');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new CosError('MalformedXML', `The XML you provided was not well-formed: ${valid.err.msg}`);
  const doc = parser.parse(text) as Record<string, unknown>;
  const root = doc[expectedRoot];
  if (root === undefined) throw new CosError('MalformedXML', `The XML root element must be <${expectedRoot}>.`);
  if (root === '' || typeof root !== 'object' || root === null) return {};
  return root as Record<string, unknown>;
}

/** Reads a child element as text (elements parsed as '' when empty). */
export function xmlText(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  return undefined;
}

/** ISO 8601 with milliseconds, as COS listings print dates. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}
