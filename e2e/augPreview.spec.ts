// The hyperparameters panel's augmentation preview: four training samples of the sample dataset drawn by the worker
// (mosaics with their boxes), the same pixels again after a reload (same seed and settings), other ones from
// "Another sample", plain letterboxed images once mosaic is 0, and a burst of edits answered by the last one only.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { baseUrl, collectErrors, screenshot } from './helpers';

async function digests(preview: Locator): Promise<string[]> {
  return preview.getByTestId('aug-tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-digest') ?? ''));
}

async function kinds(preview: Locator): Promise<string[]> {
  return preview.getByTestId('aug-tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind') ?? ''));
}

/** Waits for a drawn preview of 4 tiles at `seed` and returns its fingerprints. */
async function drawn(preview: Locator, seed: number): Promise<string[]> {
  await expect(preview).toHaveAttribute('data-seed', String(seed));
  await expect(preview).toHaveAttribute('data-state', 'drawn', { timeout: 30_000 });
  await expect(preview).toHaveAttribute('data-imgsz', '64');
  await expect(preview.locator('[data-testid="aug-tile"][data-state="drawn"]')).toHaveCount(4);
  return digests(preview);
}

async function open(page: Page): Promise<Locator> {
  await page.goto(`${baseUrl()}?backend=wasm`);
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await page.locator('#opt-imgsz').fill('64');
  return page.getByTestId('aug-preview');
}

test('augmentation preview: seeded training samples with boxes, re-seeded, mosaic off', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 1000 });
  const preview = await open(page);
  const first = await drawn(preview, 0);
  expect(new Set(first).size).toBe(4);
  // The defaults (scratch-low, mosaic 1.0) make mosaics; the sample's shapes give every one of them boxes.
  expect(await kinds(preview)).toEqual(['mosaic', 'mosaic', 'mosaic', 'mosaic']);
  for (const t of await preview.getByTestId('aug-tile').all()) expect(Number(await t.getAttribute('data-boxes'))).toBeGreaterThan(0);
  await screenshot(page.getByTestId('panel-hyp'), '40-aug-preview');

  // Same seed and settings in a fresh page (and worker): the same pixels.
  const again = await open(page);
  expect(await drawn(again, 0)).toEqual(first);

  await again.getByTestId('aug-another').click();
  const second = await drawn(again, 1);
  expect(second.filter((d) => first.includes(d))).toEqual([]);

  // A burst of edits (each re-renders after 300 ms of quiet): only the final settings are drawn.
  await page.getByText(/^Show all \d+ hyperparameters$/).click();
  const mosaic = page.locator('#hyp-mosaic');
  for (const v of ['0.5', '0.2', '0.7', '0']) await mosaic.fill(v);
  await expect.poll(() => kinds(again), { timeout: 30_000 }).toEqual(['letterbox', 'letterbox', 'letterbox', 'letterbox']);
  await expect(again).toHaveAttribute('data-state', 'drawn');
  await screenshot(again, '41-aug-preview-letterbox');
  expect(errors).toEqual([]);
});
