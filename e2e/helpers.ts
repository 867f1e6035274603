// Shared pieces of the studio e2e specs: the served URL, page error collection, panel screenshots, downloads.
import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Screenshots a newcomer would see, for a human to look at (git-ignored). */
export const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');

export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run through e2e/playwright.config.ts (its global setup serves dist/)');
  return url;
}

/** Uncaught page errors and console errors, to assert none happened. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

export async function screenshot(target: Page | Locator, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  if ('goto' in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
}

/** Clicks `button` and returns the downloaded file's name and bytes. */
export async function download(page: Page, button: Locator): Promise<{ name: string; bytes: Uint8Array }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: new Uint8Array(readFileSync(path)) };
}

/** Records every main-thread long task (PerformanceObserver 'longtask') from page load on. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The longest long task that started at or after `since` (performance.now() in the page), in ms; 0 if none. */
export async function longestTaskSince(page: Page, since: number): Promise<{ max: number; count: number; top: string }> {
  return page.evaluate((t0) => {
    const tasks = (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.filter((t) => t.start >= t0);
    const top = [...tasks].sort((a, b) => b.duration - a.duration).slice(0, 5);
    return {
      max: Math.max(0, ...tasks.map((t) => t.duration)),
      count: tasks.length,
      top: top.map((t) => `${t.duration.toFixed(0)} ms at +${((t.start - t0) / 1000).toFixed(1)} s`).join(', '),
    };
  }, since);
}

/** Sets the newcomer's small run: model, epochs, batch, image size. */
export async function setRunOptions(page: Page, o: { epochs: number; batch: number; img: number }): Promise<void> {
  await page.locator('#model').selectOption('yolov5n');
  await page.locator('#opt-epochs').fill(String(o.epochs));
  await page.locator('#opt-batch_size').fill(String(o.batch));
  await page.locator('#opt-imgsz').fill(String(o.img));
  await expect(page.getByTestId('train')).toBeEnabled();
}

/** Waits until the run view's phase is one of `phases` and returns it. */
export async function waitForPhase(page: Page, phases: string[], timeout: number): Promise<string> {
  const progress = page.getByTestId('progress');
  await expect(progress).toHaveAttribute('data-phase', new RegExp(`^(${phases.join('|')})$`), { timeout });
  return (await progress.getAttribute('data-phase')) ?? '';
}

export async function chartPoints(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-points'));
}
