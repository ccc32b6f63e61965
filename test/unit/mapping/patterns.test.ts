import { PostroomError } from '../../../src/errors/postroom-error';
import {
  REGEX_TIMEOUT_MS,
  compilePattern,
  matchesPattern,
  patternProblem,
  type RegexMatcher,
} from '../../../src/mapping/patterns';

describe('filter patterns', () => {
  describe('globs', () => {
    it.each([
      ['*@supplier.example', 'billing@supplier.example', true],
      ['*@supplier.example', 'billing@supplier.example.evil', false],
      ['Out of office*', 'Out of Office: back Monday', true],
      ['Out of office*', 'Re: Out of office', false],
      ['invoice-????.pdf', 'invoice-4711.pdf', true],
      ['invoice-????.pdf', 'invoice-47110.pdf', false],
      ['*.pdf', 'scan.PDF', true],
      ['a.b', 'axb', false],
      ['(draft) [v2] $5 ^x+y{1}|z\\', '(draft) [v2] $5 ^x+y{1}|z\\', true],
      ['*unsubscribe*', 'line one\nclick to unsubscribe\nline three', true],
      ['?', '😀', true],
      ['a-b/c', 'A-B/C', true],
      ['*a*b', 'xaxxb', true],
      ['*a*b', 'xaxxbx', false],
      ['a**b', 'ab', true],
      ['*', '', true],
      ['?', '', false],
    ])('%j against %j: %s', (pattern, value, expected) => {
      expect(matchesPattern(pattern, value)).toBe(expected);
    });
  });

  describe('regular expressions', () => {
    it('search anywhere in the value with the flags given', () => {
      expect(matchesPattern('/invoice \\d+/', 'Your invoice 4711 is ready')).toBe(true);
      expect(matchesPattern('/^invoice/', 'Your invoice')).toBe(false);
      expect(matchesPattern('/INVOICE/', 'invoice')).toBe(false);
      expect(matchesPattern('/INVOICE/i', 'invoice')).toBe(true);
      expect(matchesPattern('/^b$/m', 'a\nb\nc')).toBe(true);
    });

    it('ignore case for addresses even without the i flag', () => {
      expect(matchesPattern('/^billing@supplier\\.example$/', 'Billing@Supplier.example', true)).toBe(true);
      expect((compilePattern('/x/m', true) as RegexMatcher).regex.flags).toBe('im');
    });

    it('stay fast with many stars on a long body that does not match', () => {
      const started = Date.now();
      expect(matchesPattern('*a*a*a*a*a*a*b', 'a'.repeat(64 * 1024))).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('are compiled once', () => {
      expect(compilePattern('/abc/')).toBe(compilePattern('/abc/'));
    });

    it('are stopped when they run too long on hostile mail, with FILTER_TIMEOUT', () => {
      const started = Date.now();
      let failure: unknown;
      try {
        matchesPattern('/.*a.*a.*b/', 'a'.repeat(64 * 1024));
      } catch (err) {
        failure = err;
      }
      expect(failure).toBeInstanceOf(PostroomError);
      expect((failure as PostroomError).code).toBe('FILTER_TIMEOUT');
      expect((failure as Error).message).toBe(
        `filter pattern /.*a.*a.*b/ ran over ${REGEX_TIMEOUT_MS} ms on a 65536-character value; simplify it (a glob never takes long)`,
      );
      expect(Date.now() - started).toBeLessThan(REGEX_TIMEOUT_MS + 1000);
      // The matcher still works for the next message.
      expect(matchesPattern('/.*a.*a.*b/', 'a a b')).toBe(true);
    });
  });

  describe('problems', () => {
    it.each([
      ['', 'must not be empty'],
      ['/(unclosed/', 'is not a valid regular expression: /(unclosed/: Unterminated group'],
      ['/a/g', 'regular expression flag(s) "g" not allowed (use i, m, s or u)'],
      ['/a/ii', 'repeats a regular expression flag'],
      ['/(a+)+$/', 'has a quantified group containing another quantifier'],
      ['/(\\w+\\s*)*x/', 'has a quantified group containing another quantifier'],
      ['/((ab)*c)+/', 'has a quantified group containing another quantifier'],
    ])('%j: %s', (pattern, expected) => {
      expect(patternProblem(pattern)).toContain(expected);
    });

    it('a pattern over 1000 characters', () => {
      expect(patternProblem('x'.repeat(1001))).toBe('must be at most 1000 characters');
    });

    it.each(['*', '/(\\d+)?-(\\w+)/', '/[(+*)]+/', '/\\(a+\\)+/', '/(ab)+/', '/a{2,3}/', 'a/b'])(
      '%j is fine',
      (pattern) => {
        expect(patternProblem(pattern)).toBeUndefined();
      },
    );

    it('a bad pattern that skipped validation is a configuration error, not a silent mismatch', () => {
      expect(() => compilePattern('/[/')).toThrow(PostroomError);
      try {
        compilePattern('/[/');
      } catch (err) {
        expect((err as PostroomError).code).toBe('CONFIG_INVALID');
        expect((err as Error).message).toMatch(/^filter pattern "\/\[\/" is not a valid regular expression/);
      }
    });
  });
});
