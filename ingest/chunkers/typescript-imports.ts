import path from 'node:path';
import ts from 'typescript';
import type { FileImport, ImportKind, KnownPaths } from '../chunk-types.js';

/**
 * Every module the file refers to: import and `export … from` declarations, `import x = require()`,
 * `require('x')`, `import('x')` and `import('x').T` types. Only string literal specifiers count.
 */
export function collectImports(source: ts.SourceFile, fromPath: string, knownPaths?: KnownPaths): FileImport[] {
  const found = new Map<string, ImportKind>();
  const add = (node: ts.Node | undefined, kind: ImportKind): void => {
    if (node && ts.isStringLiteralLike(node) && !found.has(node.text)) found.set(node.text, kind);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ? 'type' : 'static');
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly ? 'type' : 're-export');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, 'require');
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], 'dynamic');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(node.arguments[0], 'require');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, 'type');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);

  return [...found].map(([specifier, kind]) => {
    const resolvedPath = knownPaths ? resolveRelativeImport(fromPath, specifier, knownPaths) : undefined;
    return resolvedPath === undefined ? { specifier, kind } : { specifier, kind, resolvedPath };
  });
}

// NodeNext code imports `./a.js` while the file on disk is `a.ts`: the TypeScript twins are tried first.
const SOURCE_TWINS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};
const EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '.json'];
const INDEX_FILES = ['index.ts', 'index.tsx', 'index.js', 'index.jsx', 'index.mjs', 'index.cjs'];

/**
 * Resolves `./x` and `../x` specifiers against the file's folder, as a bundler would without path aliases.
 * Package names, `node:` built-ins, tsconfig `paths` and specifiers leaving the root resolve to nothing.
 */
export function resolveRelativeImport(fromPath: string, specifier: string, knownPaths: KnownPaths): string | undefined {
  if (!/^\.\.?(\/|$)/.test(specifier)) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromPath), specifier.split(/[?#]/)[0]!));
  if (joined === '..' || joined.startsWith('../') || path.posix.isAbsolute(joined)) return undefined;
  const base = joined.replace(/\/$/, '');
  const extension = path.posix.extname(base);
  const candidates = [
    ...(SOURCE_TWINS[extension] ?? []).map((twin) => base.slice(0, -extension.length) + twin),
    base,
    ...EXTENSIONS.map((ext) => base + ext),
    ...INDEX_FILES.map((file) => (base === '.' ? file : `${base}/${file}`)),
  ];
  return candidates.find((candidate) => candidate !== '.' && knownPaths.has(candidate));
}
