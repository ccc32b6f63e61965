import { Script, createContext } from 'node:vm';
import { PostroomError } from '../errors/postroom-error';

/*
 * Filter patterns: a glob by default (`*` any run of characters, `?` one character, matched against
 * the whole value, case-insensitively), or a regular expression written `/source/flags` (searched
 * anywhere in the value, with the flags given).
 *
 * Filters run on mail from anyone, so a pattern that can take exponential time on a crafted subject
 * or body would let a stranger stall a worker. Patterns are checked when the configuration loads.
 */

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;
/** g and y make RegExp.test stateful between messages; d only adds indices. */
const ALLOWED_FLAGS = new Set(['i', 'm', 's', 'u']);
const MAX_PATTERN_LENGTH = 1000;

export function isRegexLiteral(pattern: string): boolean {
  return REGEX_LITERAL.test(pattern);
}

/**
 * Finds a quantified group that itself contains a quantifier, such as `(a+)+` or `(\w+\s*)*`: the
 * shape behind catastrophic backtracking. A heuristic (it does not see `(a|a)*`), but it rejects the
 * patterns people actually write by accident.
 */
function nestedQuantifier(source: string): boolean {
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') groups.push(false);
    else if (ch === ')') {
      const quantifiedInside = groups.pop() ?? false;
      const next = source[i + 1];
      const quantifiedAfter = next === '+' || next === '*' || next === '{';
      if (quantifiedInside && quantifiedAfter) return true;
      // The group as a whole counts as a quantified part of its parent when it is quantified.
      if (groups.length > 0 && (quantifiedInside || quantifiedAfter)) groups[groups.length - 1] = true;
    } else if ((ch === '+' || ch === '*' || ch === '{') && groups.length > 0) {
      groups[groups.length - 1] = true;
    }
  }
  return false;
}

/** What is wrong with a pattern, in words for the configuration error; undefined when it is fine. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  const literal = REGEX_LITERAL.exec(pattern);
  if (!literal) return undefined;
  const [, source = '', flags = ''] = literal;
  const bad = [...flags].filter((f) => !ALLOWED_FLAGS.has(f));
  if (bad.length > 0) return `regular expression flag(s) "${bad.join('')}" not allowed (use i, m, s or u)`;
  if (new Set(flags).size !== flags.length) return 'repeats a regular expression flag';
  try {
    new RegExp(source, flags);
  } catch (err) {
    return `is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  if (nestedQuantifier(source)) {
    return 'has a quantified group containing another quantifier (such as (a+)+), which can take exponential time on hostile mail; rewrite it without the nesting';
  }
  return undefined;
}

/** Anything that says whether a value matches: a RegExp, or a compiled glob. */
export interface Matcher {
  test(value: string): boolean;
}

/**
 * Wildcard matching without a regular expression: a glob such as `*a*a*a*b` turned into a RegExp
 * backtracks polynomially on a long body, while this walk (back to the last `*` on a mismatch) is
 * bounded by pattern length times value length. Works on code points, so `?` is one character.
 */
function globMatcher(glob: string): Matcher {
  const pattern = Array.from(glob.toLowerCase());
  return {
    test(input: string): boolean {
      const value = Array.from(input.toLowerCase());
      let p = 0;
      let v = 0;
      let star = -1;
      let resume = 0;
      while (v < value.length) {
        const ch = pattern[p];
        if (ch === '*') {
          star = p++;
          resume = v;
        } else if (ch !== undefined && (ch === '?' || ch === value[v])) {
          p++;
          v++;
        } else if (star >= 0) {
          // Let the last star swallow one more character and try again from there.
          p = star + 1;
          v = ++resume;
        } else {
          return false;
        }
      }
      while (pattern[p] === '*') p++;
      return p === pattern.length;
    },
  };
}

/** Longest a regular expression may run on one value before the message is given up on. */
export const REGEX_TIMEOUT_MS = 250;

/*
 * A regular expression such as /.*a.*b/ backtracks polynomially on a long body, and the nesting
 * check cannot see every such shape. Run inside a vm context, V8 interrupts it at the timeout
 * (about 0.2 ms of overhead per test); the message then fails with FILTER_TIMEOUT, instead of the
 * worker's event loop stalling for minutes.
 */
const sandbox = createContext({ regex: /$^/, value: '' });
const testInSandbox = new Script('regex.test(value)');

/** A regular expression with its run time capped; `regex` is exposed for inspection. */
export interface RegexMatcher extends Matcher {
  readonly regex: RegExp;
}

function regexMatcher(pattern: string, regex: RegExp): RegexMatcher {
  return {
    regex,
    test(value: string): boolean {
      sandbox.regex = regex;
      sandbox.value = value;
      try {
        return testInSandbox.runInContext(sandbox, { timeout: REGEX_TIMEOUT_MS }) as boolean;
      } catch (err) {
        if ((err as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
        throw new PostroomError(
          'FILTER_TIMEOUT',
          `filter pattern ${pattern} ran over ${REGEX_TIMEOUT_MS} ms on a ${value.length}-character value; simplify it (a glob never takes long)`,
        );
      } finally {
        // The sandbox must not keep a 64 KiB body alive until the next test.
        sandbox.value = '';
      }
    },
  };
}

const compiled = new Map<string, Matcher>();

/**
 * The matcher for a pattern. `caseInsensitive` forces the i flag even on a regular expression
 * without it (addresses: `Billing@Supplier.example` is the same mailbox as `billing@supplier.example`);
 * globs always ignore case. A pattern that slipped past validation raises CONFIG_INVALID rather
 * than matching nothing.
 */
export function compilePattern(pattern: string, caseInsensitive = false): Matcher {
  const key = `${caseInsensitive ? 'i' : '-'}${pattern}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  const problem = patternProblem(pattern);
  if (problem) throw new PostroomError('CONFIG_INVALID', `filter pattern "${pattern}" ${problem}`);
  const literal = REGEX_LITERAL.exec(pattern);
  let matcher: Matcher;
  if (literal) {
    const [, source = '', flags = ''] = literal;
    matcher = regexMatcher(
      pattern,
      new RegExp(source, caseInsensitive && !flags.includes('i') ? `${flags}i` : flags),
    );
  } else {
    matcher = globMatcher(pattern);
  }
  compiled.set(key, matcher);
  return matcher;
}

/** True when the pattern matches the value (globs: the whole value; regular expressions: anywhere). */
export function matchesPattern(pattern: string, value: string, caseInsensitive = false): boolean {
  return compilePattern(pattern, caseInsensitive).test(value);
}
