/** Which chunker made the chunk: a markdown section, a piece of a code file, or size-based text. */
export type ChunkKind = 'markdown-section' | 'code-declaration' | 'text';

export type SymbolKind = 'function' | 'class' | 'interface' | 'type' | 'enum' | 'variable' | 'module';

export interface CodeSymbol {
  /** `default` for an anonymous default export. */
  name: string;
  kind: SymbolKind;
  exported: boolean;
}

export interface Chunk {
  /** sha256 hex (32 chars) of `path + '\n' + embeddingText(chunk)`: stable while path, text and context stay. */
  id: string;
  /** Relative to the scan root, `/`-separated. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  kind: ChunkKind;
  /**
   * Exactly lines startLine..endLine of the file, joined with '\n' (a '\r' of CRLF files stays on its line).
   * Only when a single line is too long to embed is the text a slice of that one line.
   */
  text: string;
  /** sha256 hex of `text`. */
  contentHash: string;
  /** Where the chunk sits, e.g. a markdown heading path `Guide > Install > Linux`; not part of `text`. */
  context?: string;
  /** Code: the top-level declarations this chunk contains. */
  symbols?: CodeSymbol[];
  /**
   * Code: the declarations that start in this chunk, qualified by their containers (`fs.promises.FileHandle.readLines`
   * for a method of an interface in a namespace of `declare module 'fs'`). Indexed for search, not embedded.
   */
  names?: string[];
}

export type ImportKind = 'static' | 'type' | 're-export' | 'dynamic' | 'require';

export interface FileImport {
  /** As written: `./a.js`, `zod`, `node:fs`. */
  specifier: string;
  kind: ImportKind;
  /** Root-relative path of the imported file, for relative specifiers that resolve to a known path. */
  resolvedPath?: string;
}

/** Anything with `has`: a `Set<string>` of every root-relative path in the scan works. */
export interface KnownPaths {
  has(relPath: string): boolean;
}

export interface ChunkOptions {
  /** A section or declaration longer than this is split by the text chunker. Default 4,000 chars. */
  maxChars?: number;
  /** Size the text chunker aims for. Default 1,500 chars. */
  targetChars?: number;
  /** Text repeated at the start of the next text chunk. Default 200 chars. */
  overlapChars?: number;
  /** Code: a declaration shorter than this is grouped with its small neighbours. Default 160 chars. */
  minDeclarationChars?: number;
  /** Code: the files relative imports may resolve to. Without it `resolvedPath` stays unset. */
  knownPaths?: KnownPaths;
}

export interface ChunkedFile {
  chunks: Chunk[];
  /** File level, each specifier once, in source order. Empty for non-code files. */
  imports: FileImport[];
  /** Every top-level declaration of a code file, once. */
  symbols: CodeSymbol[];
}

/** What to embed for a chunk: its context (when any) and text. `Chunk.id` covers exactly this. */
export function embeddingText(chunk: Pick<Chunk, 'text' | 'context'>): string {
  return chunk.context ? `${chunk.context}\n\n${chunk.text}` : chunk.text;
}
