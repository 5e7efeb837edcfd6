import path from 'node:path';
import ts from 'typescript';
import type { Chunk, ChunkedFile, ChunkOptions, CodeSymbol, SymbolKind } from '../chunk-types.js';
import { buildChunks, rangeChars, resolveSizes, splitLines, type ChunkDraft, type Sizes } from './chunk-builder.js';
import { splitLineRange } from './text.js';
import { collectImports } from './typescript-imports.js';

export const TYPESCRIPT_EXTENSIONS: readonly string[] = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** A run of whole lines holding one or more top-level statements, with the lines before them. */
interface Unit {
  startLine: number;
  endLine: number;
  symbols: CodeSymbol[];
  declares: boolean;
}

/**
 * Chunks a TypeScript/JavaScript file along its top-level statements (TypeScript compiler API, syntax only).
 * Comments and blank lines before a statement belong to it, so JSDoc stays with its declaration. A declaration
 * of at least `minDeclarationChars` is a chunk of its own; smaller ones and other statements (imports, calls,
 * small consts) are grouped up to `targetChars`; anything over `maxChars` is split by the text chunker and every
 * piece keeps the symbols. Editing one declaration changes only the id of the chunk that holds it.
 */
export function chunkTypeScript(filePath: string, text: string, options?: ChunkOptions): ChunkedFile {
  const sizes = resolveSizes(options);
  const lines = splitLines(text);
  const source = ts.createSourceFile(filePath, text, ts.ScriptTarget.Latest, false, scriptKind(filePath));
  const units = statementUnits(source, lines.length);
  markExportClauses(source, units);
  const drafts = groupUnits(units, lines, sizes);
  return {
    chunks: withQualifiedNames(buildChunks(filePath, lines, drafts), qualifiedDeclarations(source)),
    imports: collectImports(source, filePath, sizes.knownPaths),
    symbols: uniqueSymbols(units.flatMap((unit) => unit.symbols)),
  };
}

function scriptKind(filePath: string): ts.ScriptKind {
  const extension = path.extname(filePath).toLowerCase();
  if (extension === '.tsx') return ts.ScriptKind.TSX;
  if (extension === '.jsx') return ts.ScriptKind.JSX;
  if (extension === '.js' || extension === '.mjs' || extension === '.cjs') return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function statementUnits(source: ts.SourceFile, lineCount: number): Unit[] {
  const lineOf = (position: number): number => source.getLineAndCharacterOfPosition(position).line + 1;
  const units: Unit[] = [];
  for (const statement of source.statements) {
    const start = statement.getStart(source);
    const startLine = lineOf(start);
    const endLine = lineOf(Math.max(start, statement.end - 1));
    const symbols = declaredSymbols(statement);
    const declares = symbols.length > 0 || ts.isExportAssignment(statement);
    const last = units[units.length - 1];
    if (last && startLine <= last.endLine) {
      // Two statements share a line: chunks are whole lines, so they share a unit.
      last.endLine = Math.max(last.endLine, endLine);
      last.symbols.push(...symbols);
      last.declares ||= declares;
      continue;
    }
    units.push({ startLine: last ? last.endLine + 1 : 1, endLine, symbols, declares });
  }
  const last = units[units.length - 1];
  if (last) last.endLine = Math.max(last.endLine, lineCount);
  else if (lineCount > 0) units.push({ startLine: 1, endLine: lineCount, symbols: [], declares: false });
  return units;
}

function groupUnits(units: readonly Unit[], lines: readonly string[], sizes: Sizes): ChunkDraft[] {
  const drafts: ChunkDraft[] = [];
  let group: { startLine: number; endLine: number; chars: number; symbols: CodeSymbol[] } | undefined;
  const flush = (): void => {
    if (group) drafts.push(...piecesOf(group.startLine, group.endLine, uniqueSymbols(group.symbols), lines, sizes));
    group = undefined;
  };
  for (const unit of units) {
    const chars = rangeChars(lines, unit.startLine, unit.endLine);
    if (unit.declares && chars >= sizes.minDeclarationChars) {
      flush();
      drafts.push(...piecesOf(unit.startLine, unit.endLine, uniqueSymbols(unit.symbols), lines, sizes));
      continue;
    }
    if (group && group.chars + chars > sizes.targetChars) flush();
    if (group) {
      group.endLine = unit.endLine;
      group.chars += chars;
      group.symbols.push(...unit.symbols);
    } else {
      group = { startLine: unit.startLine, endLine: unit.endLine, chars, symbols: [...unit.symbols] };
    }
  }
  flush();
  return drafts;
}

function piecesOf(startLine: number, endLine: number, symbols: CodeSymbol[], lines: readonly string[], sizes: Sizes): ChunkDraft[] {
  const draft: ChunkDraft = { kind: 'code-declaration', startLine, endLine, symbols };
  if (rangeChars(lines, startLine, endLine) <= sizes.maxChars) return [draft];
  // A piece of a long class reads better to an embedder when it says whose piece it is.
  const context = symbols.map((symbol) => `${symbol.kind} ${symbol.name}`).join(', ');
  return splitLineRange(lines, startLine, endLine, sizes, {
    kind: 'code-declaration',
    symbols,
    ...(context ? { context } : {}),
  });
}

function declaredSymbols(statement: ts.Statement): CodeSymbol[] {
  const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
  const named = (name: ts.Identifier | undefined, kind: SymbolKind): CodeSymbol[] => [{ name: name?.text ?? 'default', kind, exported }];
  if (ts.isFunctionDeclaration(statement)) return named(statement.name, 'function');
  if (ts.isClassDeclaration(statement)) return named(statement.name, 'class');
  if (ts.isInterfaceDeclaration(statement)) return named(statement.name, 'interface');
  if (ts.isTypeAliasDeclaration(statement)) return named(statement.name, 'type');
  if (ts.isEnumDeclaration(statement)) return named(statement.name, 'enum');
  if (ts.isModuleDeclaration(statement)) return [{ name: statement.name.text, kind: 'module', exported }];
  if (ts.isExportAssignment(statement)) return [{ name: 'default', kind: valueKind(statement.expression), exported: true }];
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((declaration) =>
      bindingNames(declaration.name).map((name) => ({ name, kind: valueKind(declaration.initializer), exported })),
    );
  }
  return [];
}

/** `const a = 1; export { a };` exports `a` too, as does `export default a;`. */
function markExportClauses(source: ts.SourceFile, units: readonly Unit[]): void {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause) {
      if (ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) names.add((element.propertyName ?? element.name).text);
      }
    } else if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) {
      names.add(statement.expression.text);
    }
  }
  for (const unit of units) for (const symbol of unit.symbols) if (names.has(symbol.name)) symbol.exported = true;
}

function valueKind(initializer: ts.Expression | undefined): SymbolKind {
  let node = initializer;
  while (node && (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node))) {
    node = node.expression;
  }
  if (node && (ts.isArrowFunction(node) || ts.isFunctionExpression(node))) return 'function';
  if (node && ts.isClassExpression(node)) return 'class';
  return 'variable';
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
}

function uniqueSymbols(symbols: readonly CodeSymbol[]): CodeSymbol[] {
  const seen = new Set<string>();
  return symbols.filter((symbol) => {
    const key = `${symbol.kind}:${symbol.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Names per chunk at most: a chunk of a huge interface names its first members, which is what it mostly holds. */
const MAX_NAMES_PER_CHUNK = 64;

function withQualifiedNames(chunks: Chunk[], declarations: readonly { name: string; line: number }[]): Chunk[] {
  for (const chunk of chunks) {
    const names = [...new Set(declarations.filter((d) => d.line >= chunk.startLine && d.line <= chunk.endLine).map((d) => d.name))];
    if (names.length > 0) chunk.names = names.slice(0, MAX_NAMES_PER_CHUNK);
  }
  return chunks;
}

/**
 * Every declaration with the names of its containers, and the line where it starts: modules (`declare module 'fs'`
 * gives `fs`), namespaces, classes, interfaces and their members, functions, types, enums, variables.
 */
function qualifiedDeclarations(source: ts.SourceFile): { name: string; line: number }[] {
  const found: { name: string; line: number }[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const nameOf = (node: ts.Node): string | undefined => {
    const name = (node as { name?: ts.Node }).name;
    if (!name) return undefined;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name) || ts.isNumericLiteral(name)) return name.text;
    return undefined;
  };
  const visit = (node: ts.Node, prefix: string): void => {
    const qualify = (name: string) => (prefix ? `${prefix}.${name}` : name);
    if (ts.isModuleDeclaration(node)) {
      // `declare module 'node:fs/promises'` is what a question calls `fs.promises`.
      const name = qualify(node.name.text.replace(/^node:/, '').replace(/\//g, '.'));
      found.push({ name, line: lineOf(node) });
      if (node.body) visit(node.body, name);
      return;
    }
    if (ts.isModuleBlock(node)) return node.statements.forEach((statement) => visit(statement, prefix));
    if (ts.isVariableStatement(node)) {
      for (const declaration of node.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) found.push({ name: qualify(declaration.name.text), line: lineOf(declaration) });
      }
      return;
    }
    const name = nameOf(node);
    if (!name) return;
    if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isEnumDeclaration(node)) {
      const container = qualify(name);
      found.push({ name: container, line: lineOf(node) });
      for (const member of node.members as ts.NodeArray<ts.Node>) {
        const memberName = nameOf(member);
        if (memberName) found.push({ name: `${container}.${memberName}`, line: lineOf(member) });
      }
      return;
    }
    if (ts.isFunctionDeclaration(node) || ts.isTypeAliasDeclaration(node)) found.push({ name: qualify(name), line: lineOf(node) });
  };
  for (const statement of source.statements) visit(statement, '');
  return found;
}
