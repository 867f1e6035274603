// Python's number formatting where upstream's text output depends on it (val tables, results.csv).

/** Python's '%.{p}g': p significant digits, trailing zeros dropped, exponent form below 1e-4 or from 10^p. */
export function formatG(x: number, p = 6): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const [m, e] = x.toExponential(p - 1).split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= p) {
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = x.toFixed(Math.max(0, p - 1 - exp));
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
