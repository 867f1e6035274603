// The checkpoint tools' model cache: one model per stored checkpoint entry, reused while the same bytes are asked
// for, disposed when another is chosen, but only once no request holds it.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { saveCheckpoint } from '../storage';
import { freshDb } from '../storage/testing';
import { CheckpointModelCache, inferenceSize } from './checkpointModels';
import { storeRunWith, untrainedBestPt } from './checkpointTesting';

const forwardWorks = (lease: { ckpt: { model: { forwardEval: (x: tf.Tensor4D) => tf.Tensor3D } } }) =>
  tf.tidy(() => lease.ckpt.model.forwardEval(tf.zeros([1, 64, 64, 3]) as tf.Tensor4D).shape);

describe('CheckpointModelCache', () => {
  let bytes: Uint8Array;
  beforeAll(async () => {
    await useBackend('wasm');
    bytes = await untrainedBestPt();
  });

  it('loads a checkpoint once with its run\'s image size, shares it, and frees it on clear()', async () => {
    const { db } = freshDb();
    await storeRunWith(db, 'u1', bytes, 64);
    const cache = new CheckpointModelCache(db);
    const base = tf.memory().numTensors;
    const a = await cache.acquire('u1', 'best');
    const perModel = tf.memory().numTensors - base;
    expect(perModel).toBeGreaterThan(100);
    expect(a.ckpt.ref).toMatchObject({ runId: 'u1', entryId: 'best', runName: 'run u1', fileName: 'best.pt', epoch: -1, nc: 3 });
    expect(a.ckpt.imgsz).toBe(64);
    expect(a.ckpt.names).toEqual(['rectangle', 'circle', 'triangle']);
    const b = await cache.acquire('u1', 'best');
    expect(b.ckpt.model).toBe(a.ckpt.model);
    expect(tf.memory().numTensors).toBe(base + perModel);
    a.release();
    b.release();
    b.release(); // a second release of the same lease changes nothing
    expect(tf.memory().numTensors).toBe(base + perModel);
    cache.clear();
    await Promise.resolve();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('choosing another checkpoint disposes the previous model only when its last holder releases it', async () => {
    const { db } = freshDb();
    await storeRunWith(db, 'u1', bytes, 64);
    await storeRunWith(db, 'u2', bytes, 100);
    const cache = new CheckpointModelCache(db);
    const base = tf.memory().numTensors;
    const held = await cache.acquire('u1', 'best');
    const perModel = tf.memory().numTensors - base;
    const other = await cache.acquire('u2', 'best');
    // 100 is no multiple of the stride: rounded up as check_img_size does.
    expect(other.ckpt.imgsz).toBe(128);
    expect(tf.memory().numTensors).toBe(base + 2 * perModel);
    // The holder (a validation still running) keeps a working model.
    expect(forwardWorks(held)).toEqual([1, 3 * (64 + 16 + 4), 8]);
    held.release();
    await Promise.resolve();
    expect(tf.memory().numTensors).toBe(base + perModel);
    other.release();
    cache.clear();
    await Promise.resolve();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('a checkpoint saved again under the same entry (best.pt during training) is loaded again', async () => {
    const { db } = freshDb();
    await storeRunWith(db, 'u1', bytes, 64);
    const cache = new CheckpointModelCache(db);
    const first = await cache.acquire('u1', 'best');
    first.release();
    const key = cache.loadedKey;
    const base = tf.memory().numTensors;
    await new Promise((r) => setTimeout(r, 2)); // a later save time
    await saveCheckpoint(db, 'u1', 'best', bytes, { epoch: -1 });
    const second = await cache.acquire('u1', 'best');
    expect(cache.loadedKey).not.toBe(key);
    expect(second.ckpt.model).not.toBe(first.ckpt.model);
    await Promise.resolve();
    expect(tf.memory().numTensors).toBe(base);
    second.release();
    cache.clear();
  });

  it('a checkpoint that cannot load is not kept; a missing one fails with not_found', async () => {
    const { db } = freshDb();
    await storeRunWith(db, 'bad', new Uint8Array([1, 2, 3, 4]), 64);
    await storeRunWith(db, 'u1', bytes, 64);
    const cache = new CheckpointModelCache(db);
    const base = tf.memory().numTensors;
    await expect(cache.acquire('bad', 'best')).rejects.toMatchObject({ message: expect.stringContaining('best.pt') });
    expect(cache.loadedKey).toBeNull();
    await expect(cache.acquire('u1', 'last')).rejects.toMatchObject({ code: 'not_found' });
    await expect(cache.acquire('nope', 'best')).rejects.toMatchObject({ code: 'not_found' });
    expect(tf.memory().numTensors).toBe(base);
  });

  it('inferenceSize: the run\'s size, or the asked one rounded up to the stride; nonsense is refused', async () => {
    const { db } = freshDb();
    await storeRunWith(db, 'u1', bytes, 64);
    const cache = new CheckpointModelCache(db);
    const lease = await cache.acquire('u1', 'best');
    expect(inferenceSize(lease.ckpt, undefined)).toBe(64);
    expect(inferenceSize(lease.ckpt, 200)).toBe(224);
    for (const bad of [0, 16, 64.5, 5000, Number.NaN]) {
      expect(() => inferenceSize(lease.ckpt, bad)).toThrow(expect.objectContaining({ code: 'bad_img_size', message: expect.stringContaining('run u1') }));
    }
    lease.release();
    cache.clear();
  });
});
