// `npm run bench:listing`: a COS listing page of 1,000 objects at both ends, as a front end shows a prefix (100
// pages for 100,000 objects, while the user scrolls; in Electron the client runs on the main process):
//   the store writing it   buildXml (app/store/http/xml.ts) against fast-xml-parser's XMLBuilder, which the store
//                          used before, set up as it was                          target: ≥ 2× as fast
//   the client reading it  parseXml (htmlparser2's XML mode building the tree itself) against fast-xml-parser's
//                          XMLParser, which the client used before, set up as it was   target: ≥ 2× as fast
// Each pair runs on the same pages, taking turns within each round; best of --runs rounds. Each pair is first
// checked to give the same result.
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { readBenchOptions, wholeNumberOption } from '../../platform/bench-options';
import { buildXml } from '../../store/http/xml';
import { parseXml, REPEATED } from '../client/xml-codec';

const { RUNS, PAGES } = readBenchOptions('bench:listing', () => {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, pages: { type: 'string' } } });
  return { RUNS: wholeNumberOption('runs', values.runs, 5), PAGES: wholeNumberOption('pages', values.pages, 20) };
});

/** A ListBucketResult page of 1,000 objects as the store answers it (encoding-type=url, quoted ETags, an owner each). */
function page(n: number): Record<string, unknown> {
  const owner = { ID: '1250000000', DisplayName: '1250000000' };
  const key = (i: number) => `big%2F${String(n * 1000 + i).padStart(7, '0')}.dat`;
  return {
    Name: 'photos-1250000000',
    EncodingType: 'url',
    Prefix: 'big%2F',
    Marker: key(-1),
    MaxKeys: 1000,
    Delimiter: '%2F',
    IsTruncated: 'true',
    NextMarker: key(999),
    CommonPrefixes: [],
    Contents: Array.from({ length: 1000 }, (_, i) => ({
      Key: key(i),
      LastModified: new Date(Date.UTC(2026, 11, 2, 10) + i * 1000).toISOString(),
      ETag: `"d41d8cd98f00b204e9800998ecf8427${i % 10}"`,
      Size: i * 37,
      Owner: owner,
      StorageClass: 'STANDARD',
    })),
  };
}

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false });
const libraryBuild = (body: Record<string, unknown>) => builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, ListBucketResult: body }) as string;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name, jpath) => REPEATED.has(name) && jpath !== 'Error' && !String(jpath).startsWith('Error.'),
});

const bodies = Array.from({ length: PAGES }, (_, i) => page(i));
const texts = bodies.map((b) => buildXml('ListBucketResult', b));
if (texts[0] !== libraryBuild(bodies[0]!)) throw new Error('the two builders wrote the page differently');
if (!isDeepStrictEqual(await parseXml(texts[0]!), parser.parse(texts[0]!))) throw new Error('the two parsers read the page differently');

async function timed<T>(inputs: T[], run: (input: T) => unknown): Promise<number> {
  const t = performance.now();
  for (const input of inputs) await run(input);
  return (performance.now() - t) / inputs.length;
}

const best = { build: Infinity, libraryBuild: Infinity, parse: Infinity, libraryParse: Infinity };
for (let round = 0; round < RUNS; round++) {
  best.libraryBuild = Math.min(best.libraryBuild, await timed(bodies, libraryBuild));
  best.build = Math.min(best.build, await timed(bodies, (b) => buildXml('ListBucketResult', b)));
  best.libraryParse = Math.min(best.libraryParse, await timed(texts, (x) => parser.parse(x)));
  best.parse = Math.min(best.parse, await timed(texts, parseXml));
}

const ms = (x: number) => `${x.toFixed(1).padStart(6)} ms a page`;
const verdict = (ratio: number) => `${ratio.toFixed(2)}× as fast   target ≥ 2×   ${ratio >= 2 ? 'PASS' : 'FAIL'}`;
console.log(`a listing page of 1,000 objects (${(texts[0]!.length / 1024).toFixed(0)} KiB), best of ${RUNS} rounds of ${PAGES} pages:`);
console.log('the store writing it');
console.log(`  fast-xml-parser XMLBuilder (baseline)  ${ms(best.libraryBuild)}`);
console.log(`  buildXml                               ${ms(best.build)}`);
console.log(`  ${verdict(best.libraryBuild / best.build)}`);
console.log('the client reading it');
console.log(`  fast-xml-parser XMLParser (baseline)   ${ms(best.libraryParse)}`);
console.log(`  parseXml (htmlparser2)                 ${ms(best.parse)}`);
console.log(`  ${verdict(best.libraryParse / best.parse)}`);
