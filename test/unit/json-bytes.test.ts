import { MemberNames, nestingDepth, oneLine, selectMembers } from '../../src/util/json-bytes.js';

const select = (text: string, names: string[]) => Buffer.from(selectMembers(Buffer.from(text), new MemberNames(names))).toString();

describe('selectMembers', () => {
  it('copies the kept members byte for byte, in their order, as a one-line object', () => {
    expect(select('{"a":1.50, "b" : [1e400, {"c":"}"}],"c":"x","d":9007199254740993}', ['d', 'b'])).toBe('{"b" : [1e400, {"c":"}"}],"d":9007199254740993}');
    expect(select('{"a":1}', ['z'])).toBe('{}');
    expect(select(' {} ', ['a'])).toBe('{}');
    expect(select('{"a":"\\"\\\\","b":true,"c":null}', ['a', 'c'])).toBe('{"a":"\\"\\\\","c":null}');
  });

  it('compares names as JSON.parse reads them, escapes and all', () => {
    expect(select('{"b\\u006foker":{"x":1},"\\u00e9t\\u00e9":2,"uuid":"a"}', ['booker', 'été'])).toBe('{"b\\u006foker":{"x":1},"\\u00e9t\\u00e9":2}');
    expect(select('{"été":2,"ete":3}', ['été'])).toBe('{"été":2}');
  });

  it('keeps only the last member of a name given twice, the one JSON.parse (and so the record check) sees', () => {
    const text = '{"a":1,"b":2,"a":3,"b\\u0000":4,"\\u0061":5}';
    expect(JSON.parse(select(text, ['a', 'b']))).toEqual({ a: JSON.parse(text).a, b: 2 });
    expect(select(text, ['a', 'b'])).toBe('{"b":2,"\\u0061":5}');
  });
});

describe('oneLine', () => {
  it('drops whitespace between tokens and keeps strings as they are', () => {
    expect(Buffer.from(oneLine(Buffer.from('{\r\n  "a b" : [ 1.50 ,\n\t"x\\n y" ]\n}'))).toString()).toBe('{"a b":[1.50,"x\\n y"]}');
  });
});

describe('nestingDepth', () => {
  it('counts nesting without recursion, ignoring brackets in strings', () => {
    expect(nestingDepth(Buffer.from('1'))).toBe(0);
    expect(nestingDepth(Buffer.from('{"a":"[[[[","b":[{}]}'))).toBe(3);
    expect(nestingDepth(Buffer.from('['.repeat(1_000_000)))).toBe(1_000_000);
  });
});

describe('MemberNames.findPlain', () => {
  const names = new MemberNames(['email', 'e', 'é', 'q"k', '']);
  const at = (text: string) => names.findPlain(Buffer.from(text), 0);
  it('finds a name written as its bytes, and only the whole name', () => {
    expect(at('"email":1')).toBe('email');
    expect(at('"e":1')).toBe('e');
    expect(at('"é":1')).toBe('é');
    expect(at('"emails":1')).toBeUndefined();
    expect(at('"emai":1')).toBeUndefined();
    expect(at('"x":1')).toBeUndefined();
  });
  it('finds the empty name, and never a name that can only be written with escapes', () => {
    expect(at('"":1')).toBe('');
    expect(at('"q":1')).toBeUndefined();
    expect(new MemberNames(['email']).findPlain(Buffer.from('"":1'), 0)).toBeUndefined();
  });
});
