// Leaving the browser and coming back, through the studio UI: a tiny run on the sample dataset (wasm), its best.pt
// exported as ONNX from the files list (checked by onnxruntime-node), the cluster bundle zip of the same settings
// (the download fallback, as where the File System Access picker is missing), and a run trained by upstream
// YOLOv5 (the reference's 100-epoch synth run) brought back through the runs panel's file input.
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parse } from 'yaml';
import { readOnnxSummary } from '../src/core/io/onnx/protoReader';
import { chartPoints, collectErrors, baseUrl, download, screenshot, setRunOptions, waitForPhase } from './helpers';

const REF = resolve(import.meta.dirname, '../../shared/reference');
const RUN = { epochs: 1, batch: 4, img: 64 };

async function openStudio(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 1000 });
  // The bundle is saved through the download fallback: headless Chromium has a picker no test can answer.
  await page.addInitScript(() => delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker);
  await page.goto(baseUrl());
  const row = page.getByTestId('dataset-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('radio')).toBeChecked();
}

test('ONNX export of best.pt, the cluster bundle zip, and an upstream run imported back', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await openStudio(page);
  await page.locator('#backend-pref').selectOption('wasm');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  await setRunOptions(page, RUN);

  // Cluster bundle of exactly what Train would start: the sample dataset in upstream's layout, hyp, opt, README.
  await page.locator('#bundle-gpus').fill('2');
  await screenshot(page.getByTestId('panel-bundle'), '40-bundle-panel');
  const zip = await download(page, page.getByTestId('bundle'));
  expect(zip.name).toMatch(/\.zip$/);
  const files = unzipSync(zip.bytes);
  const names = Object.keys(files);
  const runDir = zip.name.replace(/\.zip$/, '');
  const dataYaml = names.find((n) => /^datasets\/[^/]+\/data\.yaml$/.test(n));
  expect(dataYaml, names.slice(0, 10).join(', ')).toBeDefined();
  const datasetDir = dataYaml!.split('/')[1];
  for (const f of ['hyp.yaml', 'opt.yaml', 'README.md']) expect(names, f).toContain(`${runDir}/${f}`);
  const text = (n: string) => new TextDecoder().decode(files[n]);
  const data = parse(text(dataYaml!));
  expect(data.path).toBe(`../datasets/${datasetDir}`);
  expect(Object.values(data.names)).toEqual(['circle', 'square', 'triangle']);
  expect(names.filter((n) => n.startsWith(`datasets/${datasetDir}/images/train/`))).toHaveLength(64);
  expect(names.filter((n) => n.startsWith(`datasets/${datasetDir}/labels/val/`)).length).toBeGreaterThan(0);
  const opt = parse(text(`${runDir}/opt.yaml`));
  expect(opt).toMatchObject({ epochs: 1, batch_size: 4, imgsz: 64 });
  expect(parse(text(`${runDir}/hyp.yaml`)).lr0).toBe(0.01);
  expect(text(`${runDir}/README.md`)).toContain('--nproc_per_node 2');
  const unpack = `cd yolov5 && unzip -q ../${zip.name} -d ..`;
  await expect(page.getByTestId('bundle-unpack')).toHaveText(unpack);
  expect(text(`${runDir}/README.md`)).toContain(unpack);
  await screenshot(page.getByTestId('panel-bundle'), '41-bundle-saved');

  // A tiny run, then best.pt as ONNX at the run's image size.
  await page.getByTestId('train').click();
  await waitForPhase(page, ['done', 'failed'], 180_000);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.locator('#onnx-imgsz')).toHaveValue('64');
  await screenshot(page.getByTestId('panel-files'), '42-files-onnx');
  const onnx = await download(page, page.getByTestId('onnx-best'));
  expect(onnx.name).toMatch(/^exp1-yolov5n-.+-best\.onnx$/);
  const summary = readOnnxSummary(onnx.bytes);
  expect(summary.inputs).toEqual([{ name: 'images', dims: [1, 3, 64, 64] }]);
  expect(summary.outputs).toEqual([{ name: 'output0', dims: [1, 3 * (64 + 16 + 4), 8] }]);
  expect(summary.metadata.names).toBe("{0: 'circle', 1: 'square', 2: 'triangle'}");
  const session = await ort.InferenceSession.create(onnx.bytes);
  const out = await session.run({ images: new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]) });
  expect([...out.output0.dims]).toEqual([1, 252, 8]);
  expect([...(out.output0.data as Float32Array)].every(Number.isFinite)).toBe(true);
  await session.release();

  // Dynamic axes from the checkbox.
  await page.getByTestId('onnx-dynamic').check();
  const dyn = readOnnxSummary((await download(page, page.getByTestId('onnx-best'))).bytes);
  expect(dyn.inputs[0].dims).toEqual(['batch', 3, 'height', 'width']);

  // The upstream run comes back: stripped best.pt + results.csv of 100 epochs, charted from its stored metrics.
  await screenshot(page.getByTestId('panel-runs'), '43-runs-import');
  await page.getByTestId('run-file-input').setInputFiles([
    { name: 'best.pt', mimeType: 'application/octet-stream', buffer: readFileSync(resolve(REF, 'upstream_synth_e100_best.pt')) },
    { name: 'results.csv', mimeType: 'text/csv', buffer: readFileSync(resolve(REF, 'upstream_synth_results_e100.csv')) },
  ]);
  const report = page.getByTestId('run-import-report');
  await expect(report).toContainText('100 epochs of metrics, best.pt', { timeout: 60_000 });
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(page.getByTestId('run-row').first()).toContainText('100 epochs done');
  await expect.poll(() => chartPoints(page, 'chart-map'), { timeout: 30_000 }).toBe(100);
  await expect(page.getByTestId('download-best')).toBeVisible();
  await screenshot(page.getByTestId('panel-runs'), '44-runs-imported');
  await screenshot(page.getByTestId('panel-charts'), '45-imported-charts');
  expect(errors).toEqual([]);
});
