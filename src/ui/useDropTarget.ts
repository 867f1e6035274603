// A drop target's state and handlers: highlighted while files are dragged over it, and the dropped files (folders
// walked) handed to `onFiles` unless the target is busy; `onInput` does the same for its file pickers.
import { useState, type ChangeEvent, type DragEvent } from 'react';
import type { DroppedFile } from '../protocol/messages';
import { filesFromDrop, filesFromInput } from './dropFiles';

export function useDropTarget(onFiles: (files: DroppedFile[]) => unknown, busy: boolean) {
  const [over, setOver] = useState(false);
  return {
    over,
    handlers: {
      onDragOver: (e: DragEvent) => {
        e.preventDefault();
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (e: DragEvent) => {
        e.preventDefault();
        setOver(false);
        if (!busy) void filesFromDrop(e.dataTransfer).then(onFiles);
      },
    },
    onInput: (e: ChangeEvent<HTMLInputElement>) => {
      const files = filesFromInput(e.target.files);
      e.target.value = ''; // picking the same files again fires a change
      void onFiles(files);
    },
  };
}
