// A lost GPU device mid-run (simulated with GPUDevice.destroy() through the worker's test hook, on SwiftShader's
// WebGPU): the run stops at the next batch boundary as interrupted with an error naming the loss, epoch 1's last.pt
// stays, the worker starts a fresh WebGPU device, and "Resume from epoch 2" on wasm finishes the run.
import { expect, test } from '@playwright/test';
import { baseUrl, chartPoints, collectErrors, screenshot, setRunOptions, waitForPhase } from './helpers';

test('lost WebGPU device: the run ends interrupted and resumes on wasm', async ({ page }) => {
  test.setTimeout(480_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${baseUrl()}?backend=webgpu`);
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  const backend = page.getByTestId('backend');
  await expect(backend).toHaveAttribute('data-backend', 'webgpu', { timeout: 60_000 });
  await setRunOptions(page, { epochs: 2, batch: 4, img: 64 });
  await page.getByTestId('train').click();
  await expect(page.getByTestId('run-backend')).toContainText('webgpu', { timeout: 60_000 });
  // The augmentation preview leaves the worker to the training.
  await expect(page.getByTestId('aug-paused')).toBeVisible();
  await expect(page.getByTestId('aug-preview')).toHaveAttribute('data-state', 'paused');

  // Epoch 1 validated and its last.pt stored: lose the device while epoch 2 trains.
  await expect.poll(() => chartPoints(page, 'chart-map'), { timeout: 360_000, intervals: [2_000] }).toBe(1);
  await expect(page.getByTestId('download-last')).toBeVisible();
  expect(await page.evaluate(() => window.__yoloLoseDevice!())).toBe(true);

  await waitForPhase(page, ['interrupted', 'failed', 'done'], 120_000);
  expect(await page.getByTestId('progress').getAttribute('data-phase')).toBe('interrupted');
  await expect(page.getByTestId('run-error')).toContainText('the GPU device was lost: Device was destroyed (destroyed)');
  const run = page.getByTestId('run-row');
  await expect(run).toContainText('interrupted', { timeout: 30_000 });
  await expect(run.getByTestId('run-note')).toContainText('the GPU device was lost');
  const resume = run.getByTestId('resume-run');
  await expect(resume).toHaveText('Resume from epoch 2');
  // The dead backend is dropped and WebGPU restarts on a new device; the user is told why.
  await expect(page.getByTestId('env-notice')).toContainText('GPU device was lost', { timeout: 60_000 });
  await expect(page.getByTestId('env-notice')).toContainText('WebGPU restarted on a new device');
  await expect(backend).toHaveAttribute('data-backend', 'webgpu');
  await screenshot(page.getByTestId('panel-run'), '50-device-lost-run');
  await screenshot(page.getByTestId('panel-runs'), '51-device-lost-runs');

  await page.locator('#backend-pref').selectOption('wasm');
  await expect(backend).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  await resume.click();
  await expect(page.getByTestId('run-backend')).toContainText('wasm', { timeout: 60_000 });
  await waitForPhase(page, ['done', 'failed', 'interrupted'], 180_000);
  expect(await page.getByTestId('progress').getAttribute('data-phase')).toBe('done');
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  expect(await chartPoints(page, 'chart-map')).toBe(2);
  await expect(run).toContainText('done');
  await expect(run.getByTestId('resume-run')).toHaveCount(0);
  expect(errors).toEqual([]);
});
