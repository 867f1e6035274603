import { describe, expect, it } from 'vitest';
import { saveStream, type SavePickerWindow } from './saveStream';

const BYTES = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])];

/** A stream of BYTES that records whether it was cancelled. */
function source(): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < BYTES.length) c.enqueue(BYTES[i++]);
      else c.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

function sink(): { writable: WritableStream<Uint8Array>; written: () => number[] } {
  const chunks: number[] = [];
  return { writable: new WritableStream({ write: (c) => void chunks.push(...c) }), written: () => chunks };
}

describe('saveStream', () => {
  it('without a picker: the whole stream as one Blob to the download helper', async () => {
    const { stream } = source();
    const got: { blob?: Blob; name?: string } = {};
    const out = await saveStream(stream, 'a.zip', (blob, name) => Object.assign(got, { blob, name }), {});
    expect(out).toEqual({ saved: true, fileName: 'a.zip', via: 'download' });
    expect(got.name).toBe('a.zip');
    expect(got.blob!.type).toBe('application/zip');
    expect([...new Uint8Array(await got.blob!.arrayBuffer())]).toEqual([1, 2, 3, 4, 5]);
  });

  it('with a picker: piped into the chosen file, under the name the user gave it', async () => {
    const { stream } = source();
    const file = sink();
    let suggested = '';
    const win: SavePickerWindow = {
      showSaveFilePicker: async (o) => {
        suggested = o.suggestedName;
        return { name: 'renamed.zip', createWritable: async () => file.writable };
      },
    };
    const out = await saveStream(stream, 'a.zip', () => expect.unreachable('no download with a picker'), win);
    expect(suggested).toBe('a.zip');
    expect(out).toEqual({ saved: true, fileName: 'renamed.zip', via: 'picker' });
    expect(file.written()).toEqual([1, 2, 3, 4, 5]);
  });

  it('a cancelled picker cancels the stream and saves nothing', async () => {
    const s = source();
    const win: SavePickerWindow = { showSaveFilePicker: async () => Promise.reject(new DOMException('cancelled', 'AbortError')) };
    const out = await saveStream(s.stream, 'a.zip', () => expect.unreachable('cancelled'), win);
    expect(out).toEqual({ saved: false });
    expect(s.cancelled()).toBe(true);
  });

  it('a picker refused for lack of user activation falls back to the download', async () => {
    const { stream } = source();
    let name = '';
    const win: SavePickerWindow = { showSaveFilePicker: async () => Promise.reject(new DOMException('needs a gesture', 'SecurityError')) };
    const out = await saveStream(stream, 'b.zip', (_b, n) => (name = n), win);
    expect(out).toEqual({ saved: true, fileName: 'b.zip', via: 'download' });
    expect(name).toBe('b.zip');
  });
});
