const PIECE = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+\d*|\p{Lu}+\d*|\d+|[\p{L}\p{N}]+/gu;

/** Lowercased pieces of an identifier: `HTTPServer_v2` → `http`, `server`, `v2`; `createReadStream` → `create`, `read`, `stream`. */
export function splitIdentifier(raw: string): string[] {
  return raw.split(/_+/).flatMap((segment) => (segment.match(PIECE) ?? []).map((piece) => piece.toLowerCase()));
}
