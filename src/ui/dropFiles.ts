// Files out of a drop or a file input, with their paths inside the dropped folder: a dropped folder is walked with
// the File System entries API (webkitGetAsEntry), a folder picked with <input webkitdirectory> carries
// webkitRelativePath, loose files and zips are taken by name.
import type { DroppedFile } from '../protocol/messages';

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** readEntries returns at most ~100 entries per call: read until it returns none. */
async function childrenOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return out;
    out.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    out.push({ path: entry.fullPath.replace(/^\/+/, ''), file: await fileOf(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    for (const child of await childrenOf(entry as FileSystemDirectoryEntry)) await walk(child, out);
  }
}

export async function filesFromDrop(dt: DataTransfer): Promise<DroppedFile[]> {
  // The entries must be taken synchronously, before the first await: the DataTransfer empties after the event.
  const entries = Array.from(dt.items, (item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null));
  const loose = Array.from(dt.files);
  const out: DroppedFile[] = [];
  if (entries.some((e) => e)) {
    for (const e of entries) if (e) await walk(e, out);
    return out;
  }
  return loose.map((file) => ({ path: file.name, file }));
}

export function filesFromInput(list: FileList | null): DroppedFile[] {
  return Array.from(list ?? [], (file) => ({ path: file.webkitRelativePath || file.name, file }));
}
