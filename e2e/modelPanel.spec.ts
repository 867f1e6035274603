// The Model panel beyond the built-in sizes: a tiny run on the sample dataset, then its stored last.pt chosen as the
// start of a second run (the worker reads it from IndexedDB; the log says what was transferred), and a custom model
// yaml pasted into the editor (summary from the worker) and broken (the parser's error, with its line, inline).
import { expect, test } from '@playwright/test';
import { baseUrl, collectErrors, screenshot, setRunOptions, waitForPhase } from './helpers';

test('fine-tune from a stored checkpoint, and a custom model yaml with its summary and inline error', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${baseUrl()}?backend=wasm`);
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await setRunOptions(page, { epochs: 1, batch: 4, img: 64 });
  await page.getByTestId('train').click();
  await waitForPhase(page, ['done', 'failed'], 150_000);
  await expect(page.getByTestId('run-error')).toHaveCount(0);

  // The finished run's checkpoints are offered under its name; pick its last.pt.
  const startFrom = page.locator('#start-from');
  const lastPt = startFrom.locator('optgroup').first().locator('option', { hasText: 'last.pt' });
  await expect(lastPt).toHaveCount(1);
  await startFrom.selectOption((await lastPt.getAttribute('value'))!);
  const info = page.getByTestId('weights-info');
  await expect(info).toContainText('3 classes: circle, square, triangle');
  await expect(info).toContainText('final weights');
  await expect(page.locator('#model')).toContainText("the checkpoint's own");
  await screenshot(page.getByTestId('panel-model'), '40-model-stored-checkpoint');

  await page.getByTestId('train').click();
  await waitForPhase(page, ['done', 'failed'], 150_000);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await page.getByTestId('panel-log').locator('summary').click();
  await expect(page.getByTestId('panel-log')).toContainText('Transferred 349/349 items from last.pt');
  await expect(page.getByTestId('panel-run')).toContainText('last.pt of exp1');

  // A custom yaml: the editor starts from the size chosen before; a deeper variant pasted gets its own summary.
  await startFrom.selectOption('scratch');
  await page.locator('#model').selectOption('yolov5n');
  await page.locator('#model').selectOption('custom');
  const editor = page.getByTestId('model-yaml');
  const summary = page.getByTestId('model-yaml-summary');
  await expect(summary).toContainText('depth 0.33, width 0.25');
  const text = (await editor.inputValue()).replace('depth_multiple: 0.33', 'depth_multiple: 0.67');
  await editor.fill(text);
  await expect(summary).toContainText('depth 0.67, width 0.25');
  await expect(summary).toContainText("nc 80 in the yaml, the dataset's 3 used");
  await expect(summary).toContainText('strides 8/16/32');
  await expect(page.getByTestId('train')).toBeEnabled();
  await screenshot(page.getByTestId('panel-model'), '41-model-custom-yaml');

  // Broken: the parser's message with the file and line, under the text; Train waits for a valid yaml.
  await editor.fill(text.replace('width_multiple: 0.25', 'width_multiple: [0.25'));
  const error = page.getByTestId('model-yaml-error');
  await expect(error).toContainText(/^yolov5n-custom\.yaml:\d+: /);
  expect(Number(await error.getAttribute('data-line'))).toBeGreaterThanOrEqual(4);
  await expect(summary).toHaveCount(0);
  await expect(page.getByTestId('train')).toBeDisabled();
  await editor.fill(text.replace('depth_multiple: 0.67', 'depth_multiple: deep'));
  await expect(error).toHaveText(`yolov5n-custom.yaml:3: 'depth_multiple' must be a number, got "deep"`);
  await screenshot(page.getByTestId('panel-model'), '42-model-yaml-error');
  expect(errors).toEqual([]);
});
