/** The index.html of a page built by scripts/build-*.mjs: its bundle, its stylesheets, relative to the page's folder. */
export function pageHtml({ title, jsFile, cssFiles, style = '', body = '' }) {
  const css = cssFiles.map((f) => `    <link rel="stylesheet" href="./${f}" />\n`).join('');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <link rel="icon" href="data:," />
${css}${style ? `    <style>\n${style}    </style>\n` : ''}    <script type="module" src="./${jsFile}"></script>
  </head>
  <body>${body}</body>
</html>
`;
}
