// The worker's side of the augmentation preview: reads the dataset from storage once per dataset, keeps the decoded
// and resized images of recent previews (sliders move, the same images are drawn again), and lets only the newest
// request finish: an older one stops at its next sample, so stale renders never queue up.
import type { LoadedImage } from '../core/data/valLoader';
import type { AugPreview, AugPreviewRequest, AugPreviewSkip } from '../protocol/augPreview';
import type { StudioDb } from '../storage';
import { previewImgSize, renderAugPreview, type PreviewData } from './augPreview';
import { readTrainData } from './datasetReader';

/** Bytes of load_image results kept between previews (about 50 images at 640 px). */
const CACHE_BYTES = 64e6;

/** A Map that forgets its least recently used entries beyond `limit`. */
export class LruMap<K, V> extends Map<K, V> {
  constructor(readonly limit: number) {
    super();
  }

  override get(key: K): V | undefined {
    const v = super.get(key);
    if (v !== undefined) {
      super.delete(key);
      super.set(key, v);
    }
    return v;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.limit) this.delete(this.keys().next().value as K);
    return this;
  }
}

export type AugPreviewOutcome = { preview: AugPreview } | { skipped: AugPreviewSkip };

export class AugPreviewService {
  /** Id of the newest request; an older one still rendering stops at its next sample. */
  private latest = -1;
  private data: { datasetId: string; data: Promise<PreviewData> } | null = null;
  private cache: { key: string; map: LruMap<number, LoadedImage> } | null = null;

  /** `training`: true while a training runs in this worker (the preview then waits, to leave it the CPU). */
  constructor(
    private readonly db: StudioDb,
    private readonly training: () => boolean,
  ) {}

  async render(id: number, req: AugPreviewRequest): Promise<AugPreviewOutcome> {
    this.latest = Math.max(this.latest, id);
    const why = (): AugPreviewSkip | null => (this.training() ? 'training' : this.latest !== id ? 'superseded' : null);
    if (why()) return { skipped: why()! };
    const data = await this.dataFor(req.datasetId);
    const preview = await renderAugPreview({ ...data, cache: this.cacheFor(req.datasetId, req.imgsz) }, req, () => why() === null);
    return preview ? { preview } : { skipped: why() ?? 'superseded' };
  }

  private dataFor(datasetId: string): Promise<PreviewData> {
    if (this.data?.datasetId !== datasetId) {
      const data = readTrainData(this.db, datasetId).then(({ data: d, manifest }) => {
        // Show the image's path in the dropped folder, not its storage key.
        const pathOf = new Map(manifest.splits.train.map((r) => [r.key, r.path]));
        return { names: d.names, train: d.train, decode: d.decode, pathOf: (key: string) => pathOf.get(key) ?? key };
      });
      const entry = { datasetId, data };
      this.data = entry;
      // A failed read (dataset deleted meanwhile) must not stick.
      data.catch(() => {
        if (this.data === entry) this.data = null;
      });
    }
    return this.data.data;
  }

  private cacheFor(datasetId: string, imgsz: number): LruMap<number, LoadedImage> {
    const size = previewImgSize(imgsz);
    const key = `${datasetId}@${size}`;
    if (this.cache?.key !== key) {
      this.cache = { key, map: new LruMap(Math.max(8, Math.floor(CACHE_BYTES / (size * size * 3)))) };
    }
    return this.cache.map;
  }
}
