// Looking inside a dataset: after importing coco128 (../shared/datasets/coco128) through the folder picker, the label
// statistics are plotted (instances per class for 80 classes, box centre and size heat maps), the image grid shows a
// page of thumbnails with their boxes, the class filter narrows it to the images holding that class (counted here
// from the label files independently), an image opens large with its labels, and the stored report is shown.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { baseUrl, collectErrors, screenshot } from './helpers';

const COCO128 = resolve(process.cwd(), '../shared/datasets/coco128');
const GIRAFFE = 23;

/**
 * Per label file of an existing image (coco128 has two label files without an image), the set of class ids it holds;
 * and the number of distinct rows (the importer removes duplicates).
 */
function cocoLabels(): { classes: Set<number>[]; boxes: number } {
  const dir = join(COCO128, 'labels/train2017');
  const images = new Set(readdirSync(join(COCO128, 'images/train2017')).map((n) => n.replace(/\.[^.]+$/, '')));
  const classes: Set<number>[] = [];
  let boxes = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt') && images.has(n.slice(0, -4)))) {
    const rows = new Set(readFileSync(join(dir, f), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
    boxes += rows.size;
    classes.push(new Set([...rows].map((r) => Number(r.split(/\s+/)[0]))));
  }
  return { classes, boxes };
}

/** Some drawn pixels differ from the grey letterbox fill: the canvas holds an image. */
async function canvasHasImage(canvas: Locator): Promise<boolean> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let distinct = 0;
    for (let i = 0; i < d.length; i += 4 * 97) if (Math.abs(d[i] - 243) + Math.abs(d[i + 1] - 244) + Math.abs(d[i + 2] - 246) > 30) distinct++;
    return distinct > 20;
  });
}

async function importCoco(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(baseUrl());
  await expect(page.getByTestId('dataset-row')).toHaveCount(1); // the sample, created on first visit
  await page.getByTestId('folder-input').setInputFiles(COCO128);
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('dataset-row').nth(1)).toHaveClass(/selected/);
}

test('coco128: label statistics, the image grid with boxes, the class filter, the large view and the report', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = collectErrors(page);
  const { classes, boxes } = cocoLabels();
  const present = new Set(classes.flatMap((s) => [...s])).size;
  await importCoco(page);
  const panel = page.getByTestId('panel-datasets');

  // Statistics: 80 classes listed, a bar for every class that has boxes, heat maps holding every box.
  const stats = page.getByTestId('label-stats');
  await expect(stats).toBeVisible();
  await expect(stats).toContainText(`128 images, ${boxes} boxes`);
  await expect(stats).toContainText(`${present} of 80 classes have boxes`);
  const bars = page.getByTestId('class-bars');
  await expect(bars).toHaveAttribute('data-bars', '80');
  await expect(bars.locator('svg.recharts-surface')).toHaveCount(1);
  expect(await bars.locator('.recharts-bar-rectangle path').count()).toBeGreaterThanOrEqual(present);
  await expect(bars.locator('svg.recharts-surface')).toContainText('person');
  await expect(page.getByTestId('heat-xy')).toHaveAttribute('data-total', String(boxes));
  await expect(page.getByTestId('heat-wh')).toHaveAttribute('data-total', String(boxes));
  expect(Number(await page.getByTestId('heat-xy').getAttribute('data-cells'))).toBeGreaterThan(100);
  await screenshot(panel, '30-datasets-label-stats');

  // The image grid: a page of 24 thumbnails drawn with their boxes.
  await page.getByTestId('tab-images').click();
  const grid = page.getByTestId('image-grid');
  await expect(grid).toHaveAttribute('data-shown', '128');
  const thumbs = grid.getByTestId('thumb');
  await expect(thumbs).toHaveCount(24);
  await expect(grid.locator('[data-testid=thumb][data-state=drawn]')).toHaveCount(24, { timeout: 30_000 });
  const boxCounts = await thumbs.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-boxes'))));
  expect(boxCounts.filter((n) => n > 0).length).toBeGreaterThan(20);
  expect(await canvasHasImage(thumbs.first().locator('canvas'))).toBe(true);
  await expect(page.getByTestId('page-label')).toHaveText('page 1 of 6');
  await page.getByRole('button', { name: 'next page' }).click();
  await expect(page.getByTestId('page-label')).toHaveText('page 2 of 6');
  await expect(grid.locator('[data-testid=thumb][data-state=drawn]')).toHaveCount(24, { timeout: 30_000 });
  await screenshot(panel, '31-datasets-image-grid');

  // The class filter keeps exactly the images with a giraffe, back on page 1.
  const giraffes = classes.filter((s) => s.has(GIRAFFE)).length;
  expect(giraffes).toBeGreaterThan(0);
  await page.getByTestId('class-filter').selectOption(String(GIRAFFE));
  await expect(grid).toHaveAttribute('data-shown', String(giraffes));
  await expect(thumbs).toHaveCount(giraffes);
  await expect(page.getByTestId('grid-count')).toHaveText(`${giraffes} of 128 images`);
  await expect(grid.locator('[data-testid=thumb][data-state=drawn]')).toHaveCount(giraffes, { timeout: 30_000 });
  await expect(page.getByTestId('pager')).toHaveCount(0);
  await screenshot(panel, '32-datasets-class-filter');

  // Clicking a thumbnail opens it large with its labels by name; arrows step, Escape closes.
  await thumbs.first().click();
  const viewer = page.getByTestId('image-viewer');
  await expect(viewer).toHaveAttribute('data-drawn', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('viewer-labels')).toContainText('giraffe');
  expect(await canvasHasImage(viewer.locator('canvas'))).toBe(true);
  await screenshot(viewer, '33-datasets-image-large');
  await page.keyboard.press('ArrowRight');
  await expect(viewer).toContainText(`2 / ${giraffes}`);
  await page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);

  // A bar of the class plot is a shortcut to that class's images (bars are sorted most first: person).
  await page.getByTestId('class-filter').selectOption('');
  await page.getByTestId('tab-stats').click();
  await bars.locator('.recharts-bar-rectangle').first().click();
  await expect(page.getByTestId('tab-images')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('class-filter')).toHaveValue('0');
  await expect(grid).toHaveAttribute('data-shown', String(classes.filter((s) => s.has(0)).length));

  // The stored verification report: per-split counts, read back from storage.
  await page.getByTestId('tab-report').click();
  const report = page.getByTestId('dataset-report');
  await expect(report).toBeVisible();
  await expect(report.locator('table')).toContainText('train');
  await expect(report.locator('table')).toContainText(String(boxes));
  await screenshot(panel, '34-datasets-report');
  expect(errors).toEqual([]);
});

test('the sample dataset: statistics recomputed from its labels, thumbnails drawn', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(baseUrl());
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(page.getByTestId('class-bars')).toHaveAttribute('data-bars', '3');
  expect(Number(await page.getByTestId('heat-xy').getAttribute('data-total'))).toBeGreaterThan(0);
  await page.getByTestId('tab-images').click();
  await expect(page.locator('[data-testid=thumb][data-state=drawn]')).toHaveCount(24, { timeout: 30_000 });
  await page.getByTestId('tab-report').click();
  await expect(page.getByTestId('dataset-report')).toContainText('Generated in this browser');
  await screenshot(page.getByTestId('panel-datasets'), '35-datasets-sample');
  expect(errors).toEqual([]);
});
