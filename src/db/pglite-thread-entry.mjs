// The thread's entry registers the TypeScript loader itself, then loads the module: an `--import` given to a
// worker thread was not yet in effect when its entry's first import ran (Node 20).
import { register } from 'tsx/esm/api';

register();
await import('./pglite-thread.ts');
