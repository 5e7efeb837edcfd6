import { fileURLToPath } from 'node:url';

/** The checkout's root folder: schema/, cypher/, sql/, services/ and dist/ are found relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
