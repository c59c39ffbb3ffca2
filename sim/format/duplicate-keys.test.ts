import { expect } from 'chai';
import fc from 'fast-check';
import { firstDuplicateKey, MAX_NESTING, NestingTooDeepError } from './duplicate-keys.js';

describe('firstDuplicateKey', () => {
  it('finds a key given twice, with its path', () => {
    const text = '{"config":{"schedule":[{"at":0},{"at":1,"kind":"crash","at":2}]}}';
    expect(firstDuplicateKey(text)).to.equal('config.schedule[1].at');
    expect(firstDuplicateKey('{"servers":5,"seed":1,"servers":3}')).to.equal('servers');
  });

  it('compares keys as JSON reads them, escapes decoded', () => {
    expect(firstDuplicateKey('{"a":1,"\\u0061":2}')).to.equal('a');
  });

  it('leaves alone equal keys in different objects and key-like text inside strings', () => {
    expect(firstDuplicateKey('[{"a":1},{"a":2},{"b":{"a":3}}]')).to.equal(null);
    expect(firstDuplicateKey('{"a":"\\"a\\":1,\\"a\\":2","b":["a","a"]}')).to.equal(null);
  });

  it('finds none in any JSON that JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(firstDuplicateKey(JSON.stringify(value))).to.equal(null);
        expect(firstDuplicateKey(JSON.stringify(value, null, 2))).to.equal(null);
      }),
    );
  });

  it('finds one added to any object that JSON.stringify writes', () => {
    const objects = fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 });
    fc.assert(
      fc.property(objects, (object) => {
        const text = JSON.stringify(object);
        const [key] = Object.keys(object) as [string];
        const doubled = `${text.slice(0, -1)},${JSON.stringify(key)}:null}`;
        expect(firstDuplicateKey(doubled)).to.equal(key);
      }),
    );
  });

  it('finds a key given twice in a long object, and in a short one', () => {
    // Up to 16 keys are compared in a list, past that in a Set: both must see a repeat.
    for (const size of [3, 16, 17, 200]) {
      const keys = Array.from({ length: size }, (_, i) => `"k${i}":${i}`);
      const text = `{${keys.join(',')},"k${size - 2}":0}`;
      expect(firstDuplicateKey(text), `${size} keys`).to.equal(`k${size - 2}`);
      expect(firstDuplicateKey(`{${keys.join(',')}}`), `${size} keys`).to.equal(null);
    }
  });

  it('walks a file nested as deep as it follows in linear time, and refuses deeper', () => {
    const nested = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)},"a":1}`;
    expect(firstDuplicateKey(nested(MAX_NESTING - 1))).to.equal('a');
    expect(() => firstDuplicateKey(nested(MAX_NESTING))).to.throw(NestingTooDeepError);
  });
});
