// Saving a stream the worker writes (the cluster bundle zip) without holding it in the page: straight into a file
// the user picks (File System Access API) where the browser has it, else as a Blob the browser keeps on disk,
// downloaded under the suggested name.

/** The slice of the File System Access API used here (not in TypeScript's DOM lib for every target). */
export interface SavePickerWindow {
  showSaveFilePicker?: (opts: {
    suggestedName: string;
    types?: { description: string; accept: Record<string, string[]> }[];
  }) => Promise<{ name: string; createWritable: () => Promise<WritableStream<Uint8Array>> }>;
}

export type SaveOutcome = { saved: true; fileName: string; via: 'picker' | 'download' } | { saved: false };

/**
 * Writes `stream` to a file. With a picker: the user's chosen file (a cancelled picker cancels the stream, so the
 * worker stops writing); a picker the page may not open (no user activation left) falls back to the download.
 */
export async function saveStream(
  stream: ReadableStream<Uint8Array>,
  suggestedName: string,
  download: (blob: Blob, fileName: string) => void,
  win: SavePickerWindow = globalThis as SavePickerWindow,
): Promise<SaveOutcome> {
  if (win.showSaveFilePicker) {
    let handle: Awaited<ReturnType<NonNullable<SavePickerWindow['showSaveFilePicker']>>> | null = null;
    try {
      handle = await win.showSaveFilePicker({ suggestedName, types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }] });
    } catch (err) {
      if ((err as { name?: string }).name === 'AbortError') {
        await stream.cancel().catch(() => undefined);
        return { saved: false };
      }
      // SecurityError / NotAllowedError: the picker needs a fresh click; the download path needs none.
    }
    if (handle) {
      await stream.pipeTo(await handle.createWritable());
      return { saved: true, fileName: handle.name, via: 'picker' };
    }
  }
  const blob = await new Response(stream).blob();
  download(new Blob([blob], { type: 'application/zip' }), suggestedName);
  return { saved: true, fileName: suggestedName, via: 'download' };
}
