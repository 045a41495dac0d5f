// Checked numeric values of command-line options: plain decimal notation only (no "1e3", "0x10", "NaN",
// "Infinity" or empty strings), whole numbers where a count is meant, and a range. A bad value throws a
// UsageError naming the option, what it allows and what it got.

/** The command line is wrong: nothing was run (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface NumberRule {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only (counts). */
  readonly whole?: boolean;
  /** The minimum itself is not allowed (e.g. a duration above 0). */
  readonly aboveMin?: boolean;
  /** What the number counts, e.g. "seconds", "ms". */
  readonly unit?: string;
  /** A word the caller takes instead of a number, for the message (e.g. "auto"). */
  readonly orWord?: string;
}

const WHOLE = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** The value of `--name` as a number that follows `rule`. */
export function numberOption(name: string, raw: string, rule: NumberRule): number {
  const text = raw.trim();
  const n = Number(text);
  const inRange = n <= rule.max && (rule.aboveMin ? n > rule.min : n >= rule.min);
  if (!(rule.whole ? WHOLE : DECIMAL).test(text) || !inRange) {
    throw new UsageError(`--${name} must be ${describe(rule)}, got "${raw}"`);
  }
  return n;
}

/** A fraction from 0 to 1 (0.05) or a percentage from 0% to 100% (5%), as a fraction. */
export function fractionOption(name: string, raw: string): number {
  const text = raw.trim();
  const percent = text.endsWith('%');
  const digits = percent ? text.slice(0, -1) : text;
  const n = DECIMAL.test(digits) ? Number(digits) / (percent ? 100 : 1) : NaN;
  if (!(n >= 0 && n <= 1)) {
    throw new UsageError(`--${name} must be a fraction from 0 to 1 (e.g. 0.05) or a percentage from 0% to 100% (e.g. 5%), got "${raw}"`);
  }
  return n;
}

function describe(rule: NumberRule): string {
  const what = `${rule.whole ? 'a whole number' : 'a number'}${rule.unit ? ` of ${rule.unit}` : ''}`;
  const max = rule.max.toLocaleString('en-US');
  const range = rule.aboveMin ? `${what} above ${rule.min}, at most ${max}` : `${what} from ${rule.min} to ${max}`;
  return rule.orWord ? `${range}, or ${rule.orWord}` : range;
}
