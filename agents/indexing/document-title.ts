import path from 'node:path';
import { chunkerFor } from '../../ingest/chunkers/index.js';

/** A markdown file's first heading, else the file name. */
export function documentTitle(filePath: string, text: string): string {
  const heading = chunkerFor(filePath) === 'markdown' ? /^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(text.slice(0, 4096)) : null;
  return heading?.[1]?.trim() || path.posix.basename(filePath);
}
