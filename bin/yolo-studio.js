#!/usr/bin/env node
// The CLI entry: runs the TypeScript sources directly through tsx, so `npx yolo-studio` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
