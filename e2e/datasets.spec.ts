// Bringing a real dataset in: coco128 (../shared/datasets/coco128) as a zip with a corrupt image added, and as a
// folder through the folder picker; the corrupt file is reported by name and left out, and deleting one dataset
// leaves the other intact.
import { expect, test, type Page } from '@playwright/test';
import { zipSync } from 'fflate';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { baseUrl, collectErrors, screenshot } from './helpers';

const COCO128 = resolve(process.cwd(), '../shared/datasets/coco128');

/** Every file below `dir` as zip entries under `prefix/`, plus the extras. */
function zipOf(dir: string, prefix: string, extra: Record<string, Uint8Array>): Buffer {
  const entries: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.cache')) entries[`${prefix}/${relative(dir, p)}`] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  for (const [k, v] of Object.entries(extra)) entries[`${prefix}/${k}`] = v;
  return Buffer.from(zipSync(entries, { level: 0 }));
}

/** A JPEG signature followed by noise: sniffed as a JPEG, not decodable. */
const CORRUPT_JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 500 }, (_, i) => (i * 37) % 251), 0xff, 0xd9]);

async function open(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(baseUrl());
  await expect(page.getByTestId('dataset-row')).toHaveCount(1); // the sample, created on first visit
}

test('coco128 as a zip with a corrupt image: 128 images kept, the corrupt one reported by name', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await open(page);
  const zip = zipOf(COCO128, 'coco128', { 'images/train2017/zz_corrupt.jpg': CORRUPT_JPEG, 'labels/train2017/zz_corrupt.txt': new TextEncoder().encode('0 0.5 0.5 0.1 0.1\n') });
  await page.getByTestId('file-input').setInputFiles({ name: 'coco128.zip', mimeType: 'application/zip', buffer: zip });
  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 90_000 });
  await expect(report).toContainText('coco128');
  await expect(report).toContainText('128 train, 128 val');
  await expect(page.getByTestId('import-problems')).toContainText('zz_corrupt.jpg');
  await expect(page.getByTestId('import-problems')).toContainText('dropped');
  const rows = page.getByTestId('dataset-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('128 train · 128 val · 80 classes');
  await screenshot(page.getByTestId('panel-datasets'), '20-datasets-coco128-zip');

  // Deleting the sample leaves coco128 intact.
  page.once('dialog', (d) => void d.accept());
  await rows.nth(0).getByRole('button', { name: 'Delete' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText('coco128');
  await expect(rows.nth(0)).toContainText('128 train · 128 val · 80 classes');
  expect(errors).toEqual([]);
});

test('coco128 as a folder through the folder picker', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await open(page);
  await page.getByTestId('folder-input').setInputFiles(COCO128);
  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 90_000 });
  await expect(report).toContainText('128 train, 128 val');
  await expect(page.getByTestId('dataset-row').nth(1)).toContainText('80 classes');
  expect(errors).toEqual([]);
});
