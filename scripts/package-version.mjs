import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The installed version of `name` seen from `root`, or null. Not every package exports ./package.json, so walk node_modules. */
export function packageVersion(root, name) {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
    if (path.dirname(dir) === dir) return null;
  }
}
