// Python's number formatting where upstream's AutoAnchor log lines depend on it.

/** Python round(x) for a float: nearest integer, ties to even. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * f'{x:.{d}f}': correctly rounded, exact binary ties to even. JS toFixed picks the larger neighbour on an exact
 * tie (5.125 -> '5.13' where Python prints '5.12'), so ties are detected on the exact decimal expansion.
 */
export function pyFixed(x: number, d: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = x.toFixed(d);
  if (Math.abs(x) >= 1e21) return s;
  const exact = Math.abs(x).toFixed(100); // exact for every double in range: its expansion ends well before 100 digits
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + d);
  if (!/^50*$/.test(rest)) return s;
  // An exact tie: toFixed rounded away from zero; step back if that made the last digit odd.
  const kept = exact.slice(0, dot + 1 + d).replace(/\.$/, '');
  const lastDigit = Number(kept[kept.length - 1]);
  if (lastDigit % 2 === 0) return (x < 0 ? '-' : '') + kept;
  return s;
}
