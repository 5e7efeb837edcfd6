#!/usr/bin/env node
// `npx cogo …`: COGO runs its TypeScript through tsx (no build step, docs/decisions.md); register it, then
// hand over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
