// --backend for CLI commands: wasm by default in Node, cpu on request, webgpu when navigator.gpu was provided.
import { initBackend, type BackendName } from '../backend/select';
import { UsageError, type FlagSpec } from './args';

export const BACKEND_FLAG: FlagSpec = {
  backend: { type: 'string', default: 'wasm', help: 'tfjs backend: wasm | cpu | webgpu' },
};

export async function startBackend(name: string): Promise<string> {
  if (!['wasm', 'cpu', 'webgpu'].includes(name)) throw new UsageError(`--backend must be wasm, cpu or webgpu, got '${name}'`);
  const info = await initBackend({ prefer: name as BackendName });
  return info.backend;
}
