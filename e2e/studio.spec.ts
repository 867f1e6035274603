// The newcomer path through the built studio in Debian's headless Chromium: first visit → the sample dataset is
// there → Train yolov5n (img 64, batch 4, 2 epochs) on wasm → progress and the loss chart move during epoch 1, the
// mAP chart gets a point per epoch → last.pt downloaded after epoch 1 is a resumable training checkpoint, the final
// best.pt / last.pt are stripped as upstream's. Then a few batches on WebGPU (SwiftShader, forced). Screenshots of
// every panel go to e2e/artifacts/ for a human to look at.
import { expect, test, type Page } from '@playwright/test';
import { readCheckpoint } from '../src/core/io';
import { parseResultsCsv } from '../src/core/train/results';
import {
  baseUrl, chartPoints, collectErrors, download, longestTaskSince, observeLongTasks, screenshot, setRunOptions, waitForPhase,
} from './helpers';

const RUN = { epochs: 2, batch: 4, img: 64 };

async function openStudio(page: Page, query = ''): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${baseUrl()}${query}`);
  // First visit: the sample dataset is generated and selected without a click.
  const row = page.getByTestId('dataset-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('64 train · 16 val · 3 classes');
  await expect(row.getByRole('radio')).toBeChecked();
}

/**
 * After validation of `epoch`: the AP table with its 'all' row, upstream's confusion matrix (3 classes + background,
 * every val label counted once), PR and F1 curves of 101 points, and 6 gallery images drawn.
 */
async function expectValAnalytics(page: Page, epoch: number): Promise<void> {
  const table = page.getByTestId('per-class');
  await expect(table).toBeVisible();
  await expect(table.locator('tr.all-row td').first()).toHaveText('all');
  await expect(table.locator('tr.all-row td').nth(1)).toHaveText('16');
  const cm = page.getByTestId('confusion-matrix');
  await expect(cm).toHaveAttribute('data-classes', '3');
  const cells = cm.locator('.cm-cell');
  await expect(cells).toHaveCount(16);
  const counts = (await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count')))));
  // Columns 0..2 (true classes) sum to the val labels; the table's all row says how many.
  const labels = counts.reduce((s, c, i) => (i % 4 < 3 ? s + c : s), 0);
  expect(String(labels)).toBe(await table.locator('tr.all-row td').nth(2).textContent());
  await expect(page.getByTestId('curve-pr')).toHaveAttribute('data-points', '101');
  await expect(page.getByTestId('curve-f1')).toHaveAttribute('data-points', '101');
  expect(Number(await page.getByTestId('curve-f1').getAttribute('data-lines'))).toBe(4); // 3 classes + all
  await expect(page.getByTestId('curve-pr').locator('svg path.recharts-curve').first()).toBeVisible();
  const gallery = page.getByTestId('val-gallery');
  await expect(gallery).toHaveAttribute('data-epoch', String(epoch));
  await expect(gallery.getByTestId('gallery-tile')).toHaveCount(6);
  await expect(gallery.locator('[data-testid="gallery-tile"][data-state="drawn"]')).toHaveCount(6);
  // The sample's images all carry labels: every tile shows its true boxes.
  for (const t of await gallery.getByTestId('gallery-tile').all()) expect(Number(await t.getAttribute('data-truth'))).toBeGreaterThan(0);
}

function checkpointOf(file: { name: string; bytes: Uint8Array }) {
  return readCheckpoint(file.bytes, file.name);
}

test('newcomer path: sample dataset, train yolov5n on wasm, live charts, downloads', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await observeLongTasks(page);
  await openStudio(page);
  await page.locator('#backend-pref').selectOption('wasm');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  // Three epochs: the pause below is asked for during epoch 2 at the latest, so it lands before the last one.
  await setRunOptions(page, { ...RUN, epochs: 3 });

  await screenshot(page.getByTestId('panel-datasets'), '01-datasets');
  await screenshot(page.getByTestId('panel-model'), '02-model');
  await page.getByText('More options').click();
  await screenshot(page.getByTestId('panel-options'), '03-training-options');
  await page.getByText(/Show all \d+ hyperparameters/).click();
  await screenshot(page.getByTestId('panel-hyp'), '04-hyperparameters');
  await screenshot(page, '00-page-before-training');

  const memBefore = await page.evaluate(() => window.__yoloMemory!());
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('train').click();

  // During epoch 1 (index 0): the progress bar and the per-batch loss chart receive points.
  const progress = page.getByTestId('progress');
  await expect.poll(() => chartPoints(page, 'chart-loss'), { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  expect(await progress.getAttribute('data-epoch')).toBe('0');
  expect(Number(await progress.getAttribute('data-batch'))).toBeGreaterThanOrEqual(1);
  expect(await chartPoints(page, 'chart-map')).toBe(0);
  await expect(page.getByTestId('run-backend')).toContainText('wasm');
  await expect(progress).toContainText(/epoch 1\/3/);
  await expect(progress).toContainText(/it\/s/);
  await expect(progress).toContainText(/ETA/);
  await screenshot(page.getByTestId('panel-run'), '05-run-epoch1');

  // After epoch 1: one mAP point. Pause: the run stops computing at its next batch boundary, or at the end of an
  // epoch that is not the last, and says 'paused' from there. On a fast machine epoch 2's few batches may already
  // be behind it, so it pauses after epoch 1 or 2; last.pt and the analytics are those of the same epoch.
  await expect.poll(() => chartPoints(page, 'chart-map'), { timeout: 90_000 }).toBe(1);
  await page.getByRole('button', { name: 'Pause' }).click();
  // The view says 'pausing…' from the click until the worker's loop actually waits (then 'paused').
  await waitForPhase(page, ['pausing', 'paused'], 2_000);
  await waitForPhase(page, ['paused'], 60_000);
  const midLast = page.getByTestId('download-last');
  await expect(midLast).toBeVisible();
  const mid = await download(page, midLast);
  expect(mid.name).toBe('last.pt');
  const midCkpt = checkpointOf(mid);
  expect(midCkpt.kind).toBe('train');
  expect([0, 1]).toContain(midCkpt.epoch);
  console.log(`paused with last.pt of epoch ${midCkpt.epoch! + 1} stored`);
  expect(midCkpt.ema).not.toBeNull();
  expect(midCkpt.optimizer).not.toBeNull();
  expect(midCkpt.model?.names).toEqual(['circle', 'square', 'triangle']);
  await expect(page.getByTestId('panel-files')).toContainText(`after epoch ${midCkpt.epoch! + 1}: training checkpoint`);
  await screenshot(page.getByTestId('panel-files'), '06-files-after-epoch1');
  await expectValAnalytics(page, midCkpt.epoch!);
  await screenshot(page.getByTestId('val-analytics'), '06b-val-analytics-epoch1');
  await page.getByRole('button', { name: 'Resume' }).click();
  await waitForPhase(page, ['done', 'failed'], 150_000);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  const { max, count, top } = await longestTaskSince(page, t0);
  // A printed figure, not an assertion: it depends on the machine's load (issue 6: the UI stays responsive).
  console.log(count
    ? `main thread during training: longest task ${max.toFixed(0)} ms, ${count} tasks over 50 ms (longest: ${top})`
    : 'main thread during training: no task over 50 ms (the shortest a long-task entry reports)');

  expect(await chartPoints(page, 'chart-map')).toBe(3);
  expect(await chartPoints(page, 'chart-lr')).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId('per-class')).toContainText('triangle');

  // The final files are the stripped ones upstream writes: EMA weights as model, no optimizer, epoch -1.
  for (const id of ['best', 'last']) {
    const file = await download(page, page.getByTestId(`download-${id}`));
    expect(file.name).toBe(`${id}.pt`);
    const ckpt = checkpointOf(file);
    expect(ckpt.kind, `${id}.pt`).toBe('stripped');
    expect(ckpt.epoch, `${id}.pt`).toBe(-1);
    expect(ckpt.optimizer, `${id}.pt`).toBeNull();
    expect(ckpt.ema, `${id}.pt`).toBeNull();
    expect(ckpt.model?.nc, `${id}.pt`).toBe(3);
  }
  const csv = await download(page, page.getByTestId('download-results'));
  const rows = parseResultsCsv(new TextDecoder().decode(csv.bytes));
  expect(rows.map((r) => r.epoch)).toEqual([0, 1, 2]);
  const hyp = await download(page, page.getByTestId('download-hyp'));
  expect(new TextDecoder().decode(hyp.bytes)).toMatch(/^lr0: 0\.01$/m);
  const opt = await download(page, page.getByTestId('download-opt'));
  expect(new TextDecoder().decode(opt.bytes)).toMatch(/^epochs: 3$/m);

  // The worker disposed every tensor of the run.
  const memAfter = await page.evaluate(() => window.__yoloMemory!());
  console.log(`worker tensors before ${memBefore.numTensors}, after the run ${memAfter.numTensors}`);
  expect(memAfter.numTensors).toBe(memBefore.numTensors);

  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('run-row')).toContainText('done');
  await screenshot(page.getByTestId('panel-run'), '07-run-done');
  await screenshot(page.getByTestId('panel-charts'), '08-charts');
  // The analytics are those of the last epoch's validation (the gallery redrawn for epoch 3).
  await expectValAnalytics(page, 2);
  await page.getByRole('tab', { name: 'Recall' }).click();
  await expect(page.getByTestId('curve-r')).toHaveAttribute('data-points', '101');
  await screenshot(page.getByTestId('val-analytics'), '08b-val-analytics-final');
  await screenshot(page.getByTestId('panel-files'), '09-files-final');
  await screenshot(page.getByTestId('panel-runs'), '10-runs');
  await page.getByText(/^Log \(/).click();
  await screenshot(page.getByTestId('panel-log'), '11-log');
  await screenshot(page, '12-page-after-training');
  expect(errors).toEqual([]);
});

test('a few batches on forced WebGPU (SwiftShader, the software adapter), then Stop', async ({ page }) => {
  test.setTimeout(200_000);
  const errors = collectErrors(page);
  await openStudio(page, '?backend=webgpu');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu', { timeout: 60_000 });
  await expect(page.getByTestId('backend')).toContainText('software fallback adapter');
  await setRunOptions(page, { ...RUN, epochs: 1 });
  await page.getByTestId('train').click();

  const progress = page.getByTestId('progress');
  await expect(page.getByTestId('run-backend')).toContainText('webgpu', { timeout: 60_000 });
  await expect(page.getByTestId('run-backend')).toContainText('software');
  await expect.poll(async () => Number(await progress.getAttribute('data-batch')), { timeout: 150_000 }).toBeGreaterThanOrEqual(2);
  expect(await chartPoints(page, 'chart-loss')).toBeGreaterThanOrEqual(2);
  await screenshot(page.getByTestId('panel-run'), '13-run-webgpu');

  await page.getByRole('button', { name: 'Stop' }).click();
  await waitForPhase(page, ['stopped'], 60_000);
  await expect(page.getByTestId('run-row')).toContainText('stopped');
  expect(errors).toEqual([]);
});
