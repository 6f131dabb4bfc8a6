import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { buildPathTree, formatPath, type PathNode, type PathStep } from '../../src/privacy/property-paths.js';
import { createHmac } from 'node:crypto';
import { locateRecordSpans } from '../../src/http/record-spans.js';
import { RecordEditor } from '../../src/privacy/record-editor.js';
import { hmacHex, referenceEdit } from '../support/personal-data.js';

const KEY = 'test-hash-key-0123456789';
const hmac = (text: string) => hmacHex(KEY, text);
const editor = (hash: string[], drop: string[] = []) => new RecordEditor(buildPathTree(hash, drop)!, KEY);
const edit = (e: RecordEditor, text: string) => Buffer.from(e.edit(Buffer.from(text))).toString('utf8');

describe('record editor', () => {
  test('hashes strings at nested paths and in arrays, and leaves every other byte as it was', () => {
    const text = '{"uuid":"u1","price":1.10,"big":12345678901234567890,"booker":{"name":"Ada","email":"ada@example.com"},"passengers":[{"person":{"email":"bob@example.com","n":2.50}},{"person":null},{"person":{"email":null}},{}],"seats":["12A",null,"12B"]}';
    const out = edit(editor(['booker.email', 'passengers[].person.email', 'seats[]']), text);
    expect(out).toBe(
      `{"uuid":"u1","price":1.10,"big":12345678901234567890,"booker":{"name":"Ada","email":"${hmac('ada@example.com')}"},"passengers":[{"person":{"email":"${hmac('bob@example.com')}","n":2.50}},{"person":null},{"person":{"email":null}},{}],"seats":["${hmac('12A')}",null,"${hmac('12B')}"]}`,
    );
  });

  test('a record without any of the paths comes back as the same buffer, byte for byte', () => {
    const bytes = Buffer.from('{"uuid":"u1","booker":null,"passengers":[],"seats":"not an array","n":1e400}');
    expect(editor(['booker.email', 'passengers[].person.email', 'seats[]']).edit(bytes)).toBe(bytes);
  });

  test('an escaped string is hashed by its characters: escapes undone, so the same value hashes alike however it was written', () => {
    const e = editor(['a']);
    const plain = edit(e, '{"a":"é/\\"x"}');
    expect(edit(e, '{"a":"\\u00e9\\/\\"x"}')).toBe(plain);
    expect(JSON.parse(plain).a).toBe(hmac('é/"x'));
    // Characters outside the BMP, escaped as a surrogate pair or not.
    expect(edit(e, '{"a":"\\ud83d\\ude00"}')).toBe(edit(e, '{"a":"😀"}'));
  });

  test('a member whose name is written with escapes is matched as JSON reads it', () => {
    expect(JSON.parse(edit(editor(['email']), '{"em\\u0061il":"x@y.z"}'))).toEqual({ email: hmac('x@y.z') });
    expect(JSON.parse(edit(editor(['q"k']), '{"q\\"k":"v"}'))).toEqual({ 'q"k': hmac('v') });
  });

  test('a value that is not a string is hashed by its JSON text as sent, without whitespace; null stays null', () => {
    const e = editor(['n', 'b', 'o', 'z']);
    const out = JSON.parse(edit(e, '{"n": 12.50, "b": true, "o": { "k" : [1, "a b"] }, "z": null}'));
    expect(out).toEqual({ n: hmac('12.50'), b: hmac('true'), o: hmac('{"k":[1,"a b"]}'), z: null });
  });

  test('drops members with their commas, wherever they stand: first, middle, last, runs, all', () => {
    const e = editor([], ['a', 'c', 'd']);
    expect(edit(e, '{"a":1,"b":2,"c":3,"d":4}')).toBe('{"b":2}');
    expect(edit(e, '{"b":2,"a":1}')).toBe('{"b":2}');
    expect(edit(e, '{"a":1,"b":2}')).toBe('{"b":2}');
    expect(edit(e, '{"b":2,"c":[1,{"x":"}"}],"e":5,"d":{}}')).toBe('{"b":2,"e":5}');
    expect(edit(e, '{"a":1,"c":2,"d":3}')).toBe('{}');
    expect(edit(e, '{ "b" : 2 , "a" : 1 }')).toBe('{ "b" : 2 }');
    expect(edit(e, '{ "a" : 1 , "b" : 2 }')).toBe('{ "b" : 2 }');
    expect(JSON.parse(edit(e, '{"x":{"a":1},"a":[1,2]}'))).toEqual({ x: { a: 1 } });
  });

  test('drops and hashes inside every item of nested arrays', () => {
    const e = editor(['m[][].s'], ['m[][].d', 'passengers[].person.passport']);
    const out = edit(e, '{"m":[[{"s":"x","d":1,"k":2}],[],[{"d":3},null,"str"]],"passengers":[{"person":{"name":"A","passport":{"no":"P1"}}},{"person":{"passport":null}}]}');
    expect(JSON.parse(out)).toEqual({ m: [[{ s: hmac('x'), k: 2 }], [], [{}, null, 'str']], passengers: [{ person: { name: 'A' } }, { person: {} }] });
  });

  test('every member of an object that repeats a name is edited', () => {
    expect(edit(editor(['e']), '{"e":"a","x":1,"e":"b"}')).toBe(`{"e":"${hmac('a')}","x":1,"e":"${hmac('b')}"}`);
    expect(edit(editor([], ['e']), '{"e":"a","x":1,"e":"b"}')).toBe('{"x":1}');
  });

  test('a path that meets a value of another kind (a string where an object is expected) leaves it alone', () => {
    const text = '{"booker":"Ada","passengers":{"person":{"email":"x"}},"seats":{"0":"1A"}}';
    expect(edit(editor(['booker.email', 'passengers[].person.email', 'seats[]']), text)).toBe(text);
  });

  test('hashes exactly as HMAC-SHA-256 does, for keys shorter and longer than the 64-byte block and texts of any length', () => {
    for (const key of ['', 'k', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'clé-é'.repeat(40)]) {
      const e = new RecordEditor(buildPathTree(['a'], [])!, key);
      for (const length of [0, 1, 55, 56, 64, 1000, 1024, 1025, 5000]) {
        const text = Buffer.from('é'.repeat(length)).subarray(0, length);
        expect(e.hash(text)).toBe(createHmac('sha256', key).update(text).digest('hex'));
      }
    }
  });

  test('a record with names written plainly and one with a backslash anywhere are matched alike', () => {
    const e = editor(['email', 'booker.email']);
    // The backslash (in another value) sends the second through the names' escapes; the third escapes a name.
    const plain = edit(e, '{"email":"a@b.c","emails":1,"emai":2,"booker":{"email":"d@e.f"}}');
    expect(plain).toBe(`{"email":"${hmac('a@b.c')}","emails":1,"emai":2,"booker":{"email":"${hmac('d@e.f')}"}}`);
    expect(edit(e, '{"email":"a@b.c","emails":1,"emai":"\\\\","booker":{"email":"d@e.f"}}')).toBe(`{"email":"${hmac('a@b.c')}","emails":1,"emai":"\\\\","booker":{"email":"${hmac('d@e.f')}"}}`);
    expect(edit(e, '{"em\\u0061il":"a@b.c","booker":{"email":"d@e.f"}}')).toBe(`{"em\\u0061il":"${hmac('a@b.c')}","booker":{"email":"${hmac('d@e.f')}"}}`);
  });

  test('remembers hashes: a value that keeps coming back is hashed once, however many values come only once', () => {
    const e = editor(['e', 'x']);
    const hashed: string[] = [];
    const hash = e.hash.bind(e);
    e.hash = (text) => {
      hashed.push(Buffer.from(text).toString('utf8'));
      return hash(text);
    };
    // More single-use values than the cache's two generations hold (2 x 10,000); compared all at once (an expect per
    // record was most of the test's time).
    const wrong: number[] = [];
    const ada = hmac('ada@example.com');
    for (let k = 0; k < 25_000; k++) if (edit(e, `{"e":"ada@example.com","x":"ticket-${k}"}`) !== `{"e":"${ada}","x":"${hmac(`ticket-${k}`)}"}`) wrong.push(k);
    expect(wrong).toEqual([]);
    expect(hashed.filter((t) => t === 'ada@example.com')).toHaveLength(1);
    expect(hashed).toHaveLength(25_001);
  });

  test('agrees with a reference implementation on parsed values, byte for byte on compact JSON', () => {
    fc.assert(
      fc.property(valueArb, pathsArb, (record, paths) => {
        const tree = usableTree(paths);
        const e = new RecordEditor(tree, KEY);
        const expected = referenceEdit(structuredClone(record), tree, KEY);
        expect(edit(e, JSON.stringify(record))).toBe(JSON.stringify(expected));
        // Given the commas between the record's members, as a page's scan notes them, the same bytes come out.
        expect(editWithCommas(e, JSON.stringify(record))).toBe(JSON.stringify(expected));
        // With whitespace between every token (and line breaks), the same values come out.
        // (Compared through JSON text, which writes -0 as 0.)
        expect(JSON.parse(edit(e, JSON.stringify(record, null, 1)))).toEqual(JSON.parse(JSON.stringify(expected)));
      }),
      { numRuns: 400 },
    );
  });

  test('one editor edits record after record of different shapes alike (its lists are kept from record to record)', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 2, maxLength: 8 }), pathsArb, (records, paths) => {
        const tree = usableTree(paths);
        const e = new RecordEditor(tree, KEY);
        records.forEach((record, k) => {
          const expected = JSON.stringify(referenceEdit(structuredClone(record), tree, KEY));
          expect(k % 2 === 0 ? edit(e, JSON.stringify(record)) : editWithCommas(e, JSON.stringify(record))).toBe(expected);
        });
      }),
      { numRuns: 300 },
    );
  });
});

/** The path tree of generated paths; the property skips paths the config would refuse (or that name nothing). */
function usableTree(paths: { hash: string[]; drop: string[] }): PathNode {
  let tree: PathNode | undefined;
  try {
    tree = buildPathTree(paths.hash, paths.drop);
  } catch {
    fc.pre(false);
  }
  fc.pre(tree !== undefined);
  return tree;
}

/** The record edited as the tap edits it in a page: its members located by the commas locateRecordSpans notes. */
function editWithCommas(e: RecordEditor, text: string): string {
  const page = Buffer.from(`{"data":[${text}]}`);
  const located = locateRecordSpans(page, { members: true });
  if (!located || 'tooDeep' in located || !located.commas || !located.commasFrom) throw new Error('the test page did not scan');
  const record = page.subarray(located.spans[0], located.spans[1]);
  return Buffer.from(e.edit(record, { commas: located.commas, from: located.commasFrom[0]!, to: located.commasFrom[1]! })).toString('utf8');
}

const NAMES = ['a', 'b', 'é', 'q"', 'k\\'];
const nameArb = fc.constantFrom(...NAMES);
const { value: valueArb } = fc.letrec((tie) => ({
  value: fc.dictionary(nameArb, tie('any'), { maxKeys: 4 }),
  any: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.constantFrom('', 'x@y.z', '\u2028', '"\\/'),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('any'), { maxLength: 3 }),
    tie('value'),
  ),
}));

const stepArb: fc.Arbitrary<PathStep> = fc.oneof(nameArb.map((member) => ({ member })), fc.constant({ items: true as const }));
const pathArb = fc.tuple(nameArb, fc.array(stepArb, { maxLength: 3 })).map(([first, rest]) => formatPath([{ member: first }, ...rest]));
const pathsArb = fc.record({ hash: fc.uniqueArray(pathArb, { maxLength: 3 }), drop: fc.uniqueArray(pathArb.filter((p) => !p.endsWith('[]')), { maxLength: 3 }) });
