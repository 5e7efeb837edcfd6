export { createIndexingProcessor, type IndexingDeps, type IndexingInput } from './processor.js';
export { createFigmaImportProcessor, type FigmaImportDeps } from './figma-import.js';
export { SECRET_EXCLUDES } from './scan.js';
export type { IndexingReport } from './report.js';
