import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildXml } from './xml';

// The store's answers were built with fast-xml-parser's XMLBuilder; buildXml must write the same documents.
const library = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false });
const before = (root: string, body: Record<string, unknown>) => library.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, [root]: body });

const owner = { ID: '1250000000', DisplayName: '1250000000' };
const bodies: Array<[string, Record<string, unknown>]> = [
  [
    'ListBucketResult',
    {
      Name: 'photos-1250000000',
      Prefix: 'a&b/<c>/"d"/\'e\'/',
      Marker: '',
      MaxKeys: 1000,
      Delimiter: '/',
      IsTruncated: 'true',
      NextMarker: 'x',
      CommonPrefixes: [{ Prefix: 'a/' }, { Prefix: 'b/' }],
      Contents: [
        { Key: 'k 1 & ünïcødé 文件.txt', LastModified: '2026-12-02T10:00:00.000Z', ETag: '"d41d8cd98f00b204e9800998ecf8427e"', Size: 0, Owner: owner, StorageClass: 'STANDARD' },
        { Key: '  spaces  ', LastModified: '2026-12-02T10:00:00.000Z', ETag: '"x"', Size: 12345678901, Owner: owner, StorageClass: 'STANDARD_IA' },
      ],
    },
  ],
  ['ListBucketResult', { Name: 'empty-1250000000', Prefix: '', CommonPrefixes: [], Contents: [], IsTruncated: 'false' }],
  ['Error', { Code: 'NoSuchKey', Message: 'The specified key does not exist.', Resource: undefined, RequestId: 'abc', TraceId: 'abc' }],
  [
    'AccessControlPolicy',
    {
      Owner: owner,
      AccessControlList: {
        Grant: [
          { Grantee: { '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', '@_xsi:type': 'CanonicalUser', ...owner }, Permission: 'FULL_CONTROL' },
          { Grantee: { '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', '@_xsi:type': 'Group', URI: 'http://cam.qcloud.com/groups/global/AllUsers' }, Permission: 'READ' },
        ],
      },
    },
  ],
  ['CompleteMultipartUploadResult', { Location: 'h/k', Bucket: 'b', Key: 'k', ETag: '"e-2"', Nested: { Empty: {}, Blank: '', Nothing: null, Flag: true, List: ['a', 'b<'] } }],
];

describe('buildXml', () => {
  it.each(bodies)('writes <%s> as fast-xml-parser XMLBuilder did', (root, body) => {
    expect(buildXml(root, body)).toBe(before(root, body));
  });

  it('escapes text so that a key reads back exactly', () => {
    const key = `a&b<c>d"e'f&amp;`;
    const xml = buildXml('R', { Key: key, G: { '@_n': key } });
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?><R><Key>a&amp;b&lt;c&gt;d&quot;e&apos;f&amp;amp;</Key><G n="a&amp;b&lt;c&gt;d&quot;e&apos;f&amp;amp;"></G></R>`);
    const back = new XMLParser({ ignoreAttributes: false, parseTagValue: false, processEntities: true }).parse(xml) as { R: { Key: string; G: Record<string, string> } };
    expect(back.R.Key).toBe(key);
    expect(back.R.G['@_n']).toBe(key);
  });
});
