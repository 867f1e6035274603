// Checkpoints and history: two tiny runs on the sample dataset (wasm, img 64, batch 4, 1 epoch; the second also keeps
// epoch0.pt) → the storage view shows what they take → the first run ticked for comparison draws beside the current
// one on the compare chart → after a reload the shown run comes back with its stored validation (per-class table,
// confusion matrix, gallery) → pruning the epoch checkpoints and deleting the first run make the usage go down.
import { expect, test, type Page } from '@playwright/test';
import { baseUrl, collectErrors, screenshot, setRunOptions, waitForPhase } from './helpers';

async function studioBytes(page: Page): Promise<number> {
  return Number(await page.getByTestId('storage-usage').getAttribute('data-bytes'));
}

async function trainOnce(page: Page): Promise<void> {
  await page.getByTestId('train').click();
  await waitForPhase(page, ['running'], 60_000);
  expect(await waitForPhase(page, ['done', 'failed'], 150_000)).toBe('done');
  await expect(page.getByTestId('run-error')).toHaveCount(0);
}

/** The stored validation is on show: val.py's table with its 'all' row, the 4x4 confusion matrix, 6 gallery tiles. */
async function expectStoredValidation(page: Page): Promise<void> {
  const table = page.getByTestId('per-class');
  await expect(table).toBeVisible();
  await expect(table.locator('tr.all-row td').first()).toHaveText('all');
  await expect(table.locator('tr.all-row td').nth(1)).toHaveText('16');
  await expect(page.getByTestId('confusion-matrix')).toHaveAttribute('data-classes', '3');
  await expect(page.getByTestId('confusion-matrix').locator('.cm-cell')).toHaveCount(16);
  const gallery = page.getByTestId('val-gallery');
  await expect(gallery).toHaveAttribute('data-epoch', '0');
  await expect(gallery.locator('[data-testid="gallery-tile"][data-state="drawn"]')).toHaveCount(6);
}

test('storage usage, compare runs on the charts, analytics kept across a reload, pruning', async ({ page }) => {
  test.setTimeout(360_000);
  const errors = collectErrors(page);
  page.on('dialog', (d) => void d.accept());
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${baseUrl()}?backend=wasm`);
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });

  // First run: the persistence question is asked once and its answer remembered; the sample dataset's size shows.
  await expect(page.getByTestId('storage-persisted')).toHaveAttribute('data-persisted', /^(true|false)$/);
  expect(await page.evaluate(() => localStorage.getItem('yolo-studio:persist'))).toMatch(/^(granted|denied)$/);
  await expect(page.getByTestId('dataset-size')).toHaveCount(1);
  expect(Number(await page.getByTestId('dataset-size').getAttribute('data-bytes'))).toBeGreaterThan(0);

  await setRunOptions(page, { epochs: 1, batch: 4, img: 64 });
  await trainOnce(page);
  // The second run also keeps epoch0.pt (save_period 1), for "delete epoch checkpoints".
  await page.getByText('More options').click();
  await page.locator('#opt-save_period').fill('1');
  await trainOnce(page);

  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(2);
  const first = rows.filter({ hasText: 'exp1 ·' });
  const second = rows.filter({ hasText: 'exp2 ·' });
  await expect(second.getByTestId('prune-epochs')).toBeVisible();

  // Storage: the studio's data in bytes, the browser's usage of its quota, and a size per run.
  const usage = page.getByTestId('storage-usage');
  await expect(page.getByTestId('storage-studio')).toContainText(/studio data [\d.]+ (kB|MB)/);
  await expect(page.getByTestId('storage-browser')).toContainText(/[\d.]+ (B|kB|MB|GB) used of [\d.]+ (MB|GB)/);
  const total = await studioBytes(page);
  const sizeOf = async (row: typeof first) => Number(await row.getByTestId('run-size').getAttribute('data-bytes'));
  expect(await sizeOf(first)).toBeGreaterThan(100_000); // last.pt + best.pt of yolov5n
  expect(await sizeOf(second)).toBeGreaterThan(await sizeOf(first)); // + epoch0.pt
  expect(total).toBeGreaterThan((await sizeOf(first)) + (await sizeOf(second)));

  // Compare: the current run (exp2) and the ticked exp1, each named in the legend.
  await expect(second.getByTestId('compare-run')).toHaveCount(0); // the current run is always drawn
  await first.getByTestId('compare-run').check();
  const compare = page.getByTestId('chart-compare');
  await expect(compare).toHaveAttribute('data-series', '2');
  const legend = compare.locator('.recharts-legend-item-text');
  await expect(legend).toHaveCount(2);
  await expect(legend.nth(0)).toContainText(/exp2 .*\(current\)/);
  await expect(legend.nth(1)).toContainText('exp1');
  await compare.getByTestId('compare-metric').selectOption('valBox');
  await expect(compare).toHaveAttribute('data-points', '1');
  await screenshot(page.getByTestId('panel-charts'), '40-compare-runs');
  await first.getByTestId('compare-run').uncheck();
  await expect(compare).toHaveCount(0);

  // Reload: the shown run comes back with the validation it stored.
  await page.reload();
  await expect(page.getByTestId('panel-run')).toContainText('exp2 ·');
  await expect(page.getByTestId('progress')).toHaveAttribute('data-phase', 'done');
  await expectStoredValidation(page);
  await screenshot(page.getByTestId('val-analytics'), '41-stored-validation');

  // Pruning: epoch checkpoints first (last.pt and best.pt stay), then the first run; the numbers go down each time.
  await expect.poll(() => studioBytes(page), { timeout: 10_000 }).toBe(total);
  const second2 = page.getByTestId('run-row').filter({ hasText: 'exp2 ·' });
  await second2.locator('summary', { hasText: 'Checkpoints' }).click();
  await expect(second2.getByTestId('stored-checkpoint')).toHaveCount(3);
  await screenshot(page.getByTestId('panel-runs'), '42-runs-storage');
  await second2.getByTestId('prune-epochs').click();
  await expect.poll(() => studioBytes(page), { timeout: 10_000 }).toBeLessThan(total);
  await expect(second2.getByTestId('stored-checkpoint')).toHaveCount(2);
  await expect(second2.getByTestId('prune-epochs')).toHaveCount(0);
  const afterPrune = await studioBytes(page);
  await expect(usage).toHaveAttribute('data-bytes', String(afterPrune));

  await page.getByTestId('run-row').filter({ hasText: 'exp1 ·' }).getByTestId('delete-run').click();
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect.poll(() => studioBytes(page), { timeout: 10_000 }).toBeLessThan(afterPrune - 100_000);
  // The shown run and its stored validation are untouched.
  await expectStoredValidation(page);
  expect(errors).toEqual([]);
});
