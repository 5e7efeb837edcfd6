import { AppError, type ErrorCode } from '../../src/errors.js';
import { redactUrlCredentials } from '../../src/url-credentials.js';
import { keywords } from './text.js';
import type { SourceKind } from './types.js';

/**
 * Query planning without a language model, stated plainly: the question verbatim, its keywords (stop words
 * removed), and each of its two longest keywords alone (length as a cheap stand-in for specificity). Each
 * source gets the variants its search engine handles best. A model-backed planner can replace `planQueries`.
 */

export interface QueryPlan {
  question: string;
  keywords: string[];
  /** The two longest keywords. */
  focus: string[];
  /** [verbatim, all keywords, longest keyword, second-longest keyword], empty and repeated ones removed. */
  variants: string[];
}

export function planQueries(question: string): QueryPlan {
  const words = keywords(question);
  const focus = [...words].sort((a, b) => b.length - a.length || words.indexOf(a) - words.indexOf(b)).slice(0, 2);
  const variants = unique([question.trim(), words.join(' '), ...focus]);
  return { question: question.trim(), keywords: words, focus, variants };
}

/**
 * Per source kind: the graph gets one OR-query of the keywords; npm and APIs, whose search engines usually AND
 * their terms, also get the broader single-keyword variants (APIs the verbatim question first).
 */
export function queriesFor(kind: SourceKind, plan: QueryPlan): string[] {
  const all = plan.keywords.join(' ');
  if (kind === 'graph') return all ? [all] : [];
  if (kind === 'npm') return unique([all, ...plan.focus]);
  if (kind === 'api') return unique([plan.question, all, ...plan.focus]);
  return [];
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}

/**
 * Source hints (`input.sources`), one of:
 *   `https://…` / `http://…`  fetch that page with the web adapter (any `scheme://` goes there and is refused
 *                             unless http/https, so a refusal is reported rather than the hint ignored);
 *   `npm:<package>`           fetch that package's registry metadata;
 *   `npm`                     search the npm registry with the planned queries;
 *   `graph`                   search the knowledge graph (what COGO already knows);
 *   `api:<name>`              search a configured HTTP/JSON API.
 * No hints at all means `graph`. Anything else is reported as BAD_INPUT and skipped.
 */
export type Hint =
  { type: 'url'; url: string } | { type: 'package'; kind: 'npm'; name: string } | { type: 'search'; kind: Exclude<SourceKind, 'web'>; api?: string };

export interface HintProblem {
  hint: string;
  code: ErrorCode;
  message: string;
}

const NPM_NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9~][\w.~-]*$/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function parseHints(sources: readonly string[] | undefined, apiNames: readonly string[] = []): { hints: Hint[]; problems: HintProblem[] } {
  if (!sources || sources.length === 0) return { hints: [{ type: 'search', kind: 'graph' }], problems: [] };
  const hints: Hint[] = [];
  const problems: HintProblem[] = [];
  const seen = new Set<string>();
  const add = (key: string, hint: Hint) => {
    if (seen.has(key)) return;
    seen.add(key);
    hints.push(hint);
  };
  for (const raw of sources) {
    const hint = raw.trim();
    const lower = hint.toLowerCase();
    try {
      if (SCHEME.test(hint)) add(`url:${hint}`, { type: 'url', url: hint });
      else if (lower === 'graph' || lower === 'npm') add(lower, { type: 'search', kind: lower });
      else if (lower.startsWith('npm:')) {
        const name = hint.slice(4).trim();
        if (!NPM_NAME.test(name) || name.length > 214) throw new AppError('BAD_INPUT', `"${name.slice(0, 80)}" is not an npm package name`);
        add(`npm:${name.toLowerCase()}`, { type: 'package', kind: 'npm', name });
      } else if (lower.startsWith('api:')) {
        const api = hint.slice(4).trim();
        if (!apiNames.includes(api)) {
          throw new AppError(
            'BAD_INPUT',
            `no API source named "${api.slice(0, 80)}" is configured${apiNames.length ? ` (configured: ${apiNames.join(', ')})` : ''}`,
          );
        }
        add(`api:${api}`, { type: 'search', kind: 'api', api });
      } else {
        throw new AppError('BAD_INPUT', 'unknown source hint; use an http(s) URL, npm:<package>, npm, graph or api:<name>');
      }
    } catch (error) {
      const appError = error as AppError;
      problems.push({ hint: redactHint(hint), code: appError.code ?? 'BAD_INPUT', message: appError.message });
    }
  }
  return { hints, problems };
}

/** Hints are shown back in results and events: user:password in a URL must not be. */
export function redactHint(hint: string): string {
  return redactUrlCredentials(hint).slice(0, 300);
}
