export { parseFigmaFile, type FigmaFile, type FigmaNode } from './figma-file.js';
export { designNodes } from './design-nodes.js';
export type { DesignFileContent, ReadDesignOutcome, ReadDesignRequest } from './read-design-file.js';
export { fetchDesignFile, type FigmaFetch } from './fetch-design-file.js';
