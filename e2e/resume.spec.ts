// A reload in the middle of training loses nothing: the dataset and the run are still listed, the run is marked
// interrupted, and "Resume from epoch N" continues from the last finished epoch's checkpoint to the end.
import { expect, test } from '@playwright/test';
import { parseResultsCsv } from '../src/core/train/results';
import { baseUrl, chartPoints, collectErrors, download, screenshot, setRunOptions, waitForPhase } from './helpers';

test('reload mid-training, then resume from the last epoch checkpoint', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${baseUrl()}?backend=wasm`);
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await setRunOptions(page, { epochs: 3, batch: 4, img: 64 });
  await page.getByTestId('train').click();

  // Epoch 1 finished and its last.pt stored: reload while epoch 2 trains.
  await expect.poll(() => chartPoints(page, 'chart-map'), { timeout: 120_000 }).toBe(1);
  await expect(page.getByTestId('download-last')).toBeVisible();
  await page.reload();

  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  const run = page.getByTestId('run-row');
  await expect(run).toHaveCount(1);
  await expect(run).toContainText('interrupted', { timeout: 30_000 });
  const resume = run.getByTestId('resume-run');
  await expect(resume).toHaveText('Resume from epoch 2');
  await screenshot(page.getByTestId('panel-runs'), '30-runs-interrupted');
  await resume.click();

  const progress = page.getByTestId('progress');
  await expect(progress).toHaveAttribute('data-phase', /^(running|done)$/, { timeout: 60_000 });
  await expect.poll(() => chartPoints(page, 'chart-loss'), { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
  // The first batches after the resume belong to epoch index 1, not 0.
  expect(Number(await progress.getAttribute('data-epoch'))).toBeGreaterThanOrEqual(1);
  await waitForPhase(page, ['done', 'failed'], 150_000);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  expect(await chartPoints(page, 'chart-map')).toBe(3);
  const csv = await download(page, page.getByTestId('download-results'));
  expect(parseResultsCsv(new TextDecoder().decode(csv.bytes)).map((r) => r.epoch)).toEqual([0, 1, 2]);
  await expect(run).toContainText('done');
  expect(errors).toEqual([]);
});
