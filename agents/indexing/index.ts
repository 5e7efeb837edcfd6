export { createIndexingProcessor, type IndexingDeps, type IndexingInput } from './processor.js';
export { SECRET_EXCLUDES } from './scan.js';
export type { IndexingReport } from './report.js';
