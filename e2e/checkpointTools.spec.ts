// The checkpoint tools through the studio UI: a tiny run on the sample dataset (wasm, img 64, 1 epoch), then "Try it"
// with its best.pt on a val image of the sample and on a picked file (canvas, detections list, the confidence slider
// filtering without a new request, the IoU slider asking again with no tensor left behind), and "Validate" of the
// same best.pt on the sample (mAP values, a per-class table with the sample's classes) and on a 2-class dataset (a
// clear error naming both sides' classes). A 1-epoch model finds little: counts are checked for consistency only.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { baseUrl, collectErrors, screenshot, setRunOptions, waitForPhase } from './helpers';

const RUN = { epochs: 1, batch: 4, img: 64 };
const SAMPLE_NAMES = ['circle', 'square', 'triangle'];
const SYNTH_VAL = resolve(import.meta.dirname, '../../shared/datasets/synth/images/val');

/** A 2-class YOLO dataset zip (two synth images, cat / dog labels). */
function petsZip(): Buffer {
  const img = (i: number) => new Uint8Array(readFileSync(resolve(SYNTH_VAL, `val_000${i}.jpg`)));
  const text = (s: string) => new TextEncoder().encode(s);
  return Buffer.from(zipSync({
    'pets/data.yaml': text('path: .\ntrain: images/train\nval: images/val\nnames: [cat, dog]\n'),
    'pets/images/train/a.jpg': img(0),
    'pets/labels/train/a.txt': text('0 0.5 0.5 0.3 0.3\n'),
    'pets/images/val/b.jpg': img(1),
    'pets/labels/val/b.txt': text('1 0.4 0.4 0.2 0.2\n'),
  }, { level: 0 }));
}

async function count(panel: Locator): Promise<{ shown: number; total: number }> {
  const c = panel.getByTestId('tryit-count');
  return { shown: Number(await c.getAttribute('data-count')), total: Number(await c.getAttribute('data-total')) };
}

async function memory(page: Page): Promise<number> {
  return (await page.evaluate(() => window.__yoloMemory!())).numTensors;
}

test('Try it and Validate with a run\'s best.pt', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(baseUrl());
  await expect(page.getByTestId('dataset-row').getByRole('radio')).toBeChecked();
  await page.locator('#backend-pref').selectOption('wasm');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  await setRunOptions(page, RUN);
  await page.getByTestId('train').click();
  await waitForPhase(page, ['done', 'failed'], 180_000);
  await expect(page.getByTestId('run-error')).toHaveCount(0);

  // Try it: the open run's best.pt is chosen without a click; a val image of the sample.
  const tryIt = page.getByTestId('panel-tryit');
  await tryIt.scrollIntoViewIfNeeded();
  await expect(tryIt.getByTestId('tryit-checkpoint').locator('option:checked')).toContainText('best.pt');
  await tryIt.getByTestId('tryit-val-image').selectOption({ index: 1 });
  await expect(tryIt.getByTestId('tryit-canvas')).toHaveAttribute('data-drawn', 'yes');
  await expect(tryIt.getByTestId('tryit-state')).toHaveAttribute('data-state', 'done');
  await expect(tryIt.getByTestId('tryit-info')).toContainText('input 64×64');
  const at25 = await count(tryIt);
  expect(at25.shown).toBeLessThanOrEqual(at25.total);
  await expect(tryIt.getByTestId('tryit-count')).toHaveText(at25.shown ? new RegExp(`^${at25.shown} detections?$`) : 'no detections');
  await expect(tryIt.getByTestId('tryit-detection')).toHaveCount(Math.min(at25.shown, 100));

  // Confidence down to the floor: every detection the worker sent is shown, no new request.
  await tryIt.getByTestId('tryit-conf').fill('0.001');
  await expect(tryIt.getByTestId('tryit-count')).toHaveAttribute('data-count', String(at25.total));
  expect((await count(tryIt)).total).toBe(at25.total);
  await expect(tryIt.getByTestId('tryit-state')).toHaveAttribute('data-state', 'done');
  await screenshot(tryIt, '50-try-it-val-image');

  // Another IoU threshold runs NMS again in the worker; the cached model leaves no tensor behind.
  const tensors = await memory(page);
  await tryIt.getByTestId('tryit-iou').fill('0.9');
  await expect(tryIt.getByTestId('tryit-info')).toHaveAttribute('data-iou', '0.9');
  await expect(tryIt.getByTestId('tryit-state')).toHaveAttribute('data-state', 'done');
  const loose = await count(tryIt);
  expect(loose.shown).toBe(loose.total);
  expect(await memory(page)).toBe(tensors);

  // A picked file (a 256 px synth image): drawn at the run's size, listed.
  await tryIt.getByTestId('tryit-file').setInputFiles(resolve(SYNTH_VAL, 'val_0002.jpg'));
  await expect(tryIt.getByTestId('tryit-info')).toContainText('val_0002.jpg (256×256)');
  await expect(tryIt.getByTestId('tryit-canvas')).toHaveAttribute('data-drawn', 'yes');
  await expect(tryIt.getByTestId('tryit-canvas')).toHaveAttribute('width', '512');
  expect((await count(tryIt)).shown).toBe((await count(tryIt)).total);

  // Validate the same best.pt on the sample: P, R, mAP and the per-class table with the sample's classes.
  const validate = page.getByTestId('panel-validate');
  await validate.scrollIntoViewIfNeeded();
  await expect(validate.getByTestId('validate-checkpoint').locator('option:checked')).toContainText('best.pt');
  await expect(validate.getByTestId('validate-dataset').locator('option:checked')).toContainText('Sample');
  await validate.getByTestId('validate').click();
  await expect(validate.getByTestId('validate-summary')).toBeVisible({ timeout: 60_000 });
  for (const id of ['validate-P', 'validate-R', 'validate-map50', 'validate-map']) {
    await expect(validate.getByTestId(id)).toHaveText(/^[01]\.\d{3}$/);
  }
  const table = validate.getByTestId('per-class');
  await expect(table.locator('tr.all-row td').nth(1)).toHaveText('16');
  await expect(validate.getByTestId('per-class-row').locator('td:first-child')).toHaveText(SAMPLE_NAMES);
  await screenshot(validate, '51-validate-sample');

  // A dataset with 2 classes: refused, both sides' classes named.
  await page.getByTestId('file-input').setInputFiles({ name: 'pets.zip', mimeType: 'application/zip', buffer: petsZip() });
  await expect(page.getByTestId('dataset-row')).toHaveCount(2, { timeout: 60_000 });
  const pets = validate.getByTestId('validate-dataset').locator('option', { hasText: '2 classes' });
  await validate.getByTestId('validate-dataset').selectOption((await pets.getAttribute('value'))!);
  await validate.getByTestId('validate').click();
  const error = validate.getByTestId('validate-error');
  await expect(error).toContainText('detects 3 classes (circle, square, triangle)');
  await expect(error).toContainText('dataset "pets" has 2 classes (cat, dog)');
  await screenshot(validate, '52-validate-class-mismatch');
  expect(errors).toEqual([]);
});
