// A real upstream checkpoint whose first layer claims to be models.common.Focus (a v5.0-era module we do not
// build): the bad input for "a checkpoint with unsupported modules names them".
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PyObject, type PyValue } from '../src/core/io/pyvalues';
import { readCheckpoint, saveTorchFile } from '../src/core/io';
import { SHARED_DIR } from './refs';

export function focusCheckpointBytes(): Uint8Array {
  const ckpt = readCheckpoint(new Uint8Array(readFileSync(resolve(SHARED_DIR, 'reference/upstream_synth_e100_best.pt'))), 'best.pt');
  const seq = (((ckpt.raw as Map<PyValue, PyValue>).get('model') as PyObject).get('_modules') as Map<PyValue, PyValue>).get('model') as PyObject;
  const children = seq.get('_modules') as Map<PyValue, PyValue>;
  const focus = new PyObject('models.common.Focus');
  for (const [k, v] of (children.get('0') as PyObject).__dict__) focus.__dict__.set(k, v);
  children.set('0', focus);
  return saveTorchFile(ckpt.raw, 'focus');
}
