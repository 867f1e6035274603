// The model of the checkpoint the studio's tools last used (Try it, Validate), kept loaded in the worker so moving a
// slider or trying another image does not parse the .pt again. One checkpoint at a time: choosing another disposes
// the previous model as soon as no running request holds it (a validation may still be using it). A checkpoint saved
// again under the same entry (best.pt while training) is a different one: its save time is part of the key.
import { checkImgSize } from '../core/config/trainOptions';
import type { YoloModel } from '../core/model';
import { loadWeights } from '../core/weights';
import { ptFileName, type CheckpointRef } from '../protocol/checkpointTools';
import type { TrainConfig } from '../protocol/messages';
import { getRun, readCheckpoint, type CheckpointEntry, type RunRecord, type StudioDb } from '../storage';

export class CheckpointToolError extends Error {
  override name = 'CheckpointToolError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Upstream's inference size when a run does not say what it trained at. */
const DEFAULT_IMGSZ = 640;

export interface LoadedCheckpoint {
  ref: CheckpointRef;
  model: YoloModel;
  names: string[];
  /** The run's training size rounded up to the model's stride (640 when the run does not say). */
  imgsz: number;
  /** The run trained with --single-cls (a 1-class model of a many-class dataset). */
  singleCls: boolean;
}

/** A loaded checkpoint held by one request; release() when done (the model may be disposed after that). */
export interface CheckpointLease {
  ckpt: LoadedCheckpoint;
  release: () => void;
}

interface Slot {
  key: string;
  ready: Promise<LoadedCheckpoint>;
  leases: number;
  retired: boolean;
  disposed: boolean;
}

function trainedOptions(record: RunRecord): Partial<TrainConfig['options']> {
  return (record.config as Partial<TrainConfig> | undefined)?.options ?? {};
}

async function load(record: RunRecord, entry: CheckpointEntry, blob: Blob): Promise<LoadedCheckpoint> {
  const fileName = ptFileName(entry.id);
  const { model, names } = loadWeights(new Uint8Array(await blob.arrayBuffer()), fileName);
  const opts = trainedOptions(record);
  const trained = typeof opts.imgsz === 'number' && Number.isInteger(opts.imgsz) && opts.imgsz > 0 ? opts.imgsz : DEFAULT_IMGSZ;
  return {
    ref: { runId: record.id, entryId: entry.id, runName: record.name, fileName, epoch: entry.epoch, nc: model.nc },
    model,
    names,
    imgsz: checkImgSize(trained, model.maxStride).size,
    singleCls: opts.single_cls === true,
  };
}

/** The size to run at: `asked` rounded up to the model's stride as upstream's check_img_size, else the run's own. */
export function inferenceSize(ckpt: LoadedCheckpoint, asked: number | undefined): number {
  if (asked === undefined) return ckpt.imgsz;
  if (!Number.isInteger(asked) || asked < 32 || asked > 4096) {
    throw new CheckpointToolError('bad_img_size', `image size ${asked} for ${ckpt.ref.fileName} of run "${ckpt.ref.runName}" is not a whole number from 32 to 4096`);
  }
  return checkImgSize(asked, ckpt.model.maxStride).size;
}

export class CheckpointModelCache {
  private slot: Slot | null = null;

  constructor(private readonly db: StudioDb) {}

  /** The model of checkpoint `entryId` of run `runId`, loaded once and shared by concurrent requests. */
  async acquire(runId: string, entryId: string): Promise<CheckpointLease> {
    const record = await getRun(this.db, runId);
    const { entry, blob } = await readCheckpoint(this.db, runId, entryId);
    const key = `${runId}/${entryId}@${entry.savedAt}/${entry.size}`;
    let slot = this.slot;
    if (!slot || slot.key !== key) {
      if (slot) this.retire(slot);
      const fresh: Slot = { key, ready: load(record, entry, blob), leases: 0, retired: false, disposed: false };
      // A checkpoint that fails to load is not kept: the next request tries again.
      fresh.ready.catch(() => {
        if (this.slot === fresh) this.slot = null;
      });
      this.slot = slot = fresh;
    }
    const held = slot;
    held.leases++;
    let ckpt: LoadedCheckpoint;
    try {
      ckpt = await held.ready;
    } catch (err) {
      held.leases--;
      throw err;
    }
    let released = false;
    return {
      ckpt,
      release: () => {
        if (released) return;
        released = true;
        held.leases--;
        this.disposeIfIdle(held);
      },
    };
  }

  /** The key of the loaded (or loading) checkpoint, for tests and the memory hook. */
  get loadedKey(): string | null {
    return this.slot?.key ?? null;
  }

  /** Frees the cached model (once no request holds it). */
  clear(): void {
    if (this.slot) this.retire(this.slot);
    this.slot = null;
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    this.disposeIfIdle(slot);
  }

  private disposeIfIdle(slot: Slot): void {
    if (!slot.retired || slot.leases > 0 || slot.disposed) return;
    slot.disposed = true;
    slot.ready.then((c) => c.model.dispose(), () => undefined);
  }
}
