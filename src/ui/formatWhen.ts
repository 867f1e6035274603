// A stored run's start time as the runs list shows it: the user's locale, as Date.toLocaleString() writes it.
// The first date a page formats makes V8 build ICU's date tables: 50-90 ms of main-thread time on a busy 2-core
// machine. That first use used to be the moment a new training's row appeared in the runs list, a long task at the
// start of the run; warmDateFormat() pays it while the page is idle instead.

const OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
};

let formatter: Intl.DateTimeFormat | null = null;

export function formatWhen(epochMs: number): string {
  formatter ??= new Intl.DateTimeFormat(undefined, OPTIONS);
  return formatter.format(epochMs);
}

/** Builds the formatter when the page is next idle (or in 1 s where requestIdleCallback does not exist). */
export function warmDateFormat(): void {
  if (formatter) return;
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => formatWhen(0), { timeout: 5000 });
  else setTimeout(() => formatWhen(0), 1000);
}
