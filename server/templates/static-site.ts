import type { Template } from '@/server/templates/types';

export const staticTemplate: Template = {
  id: 'static',
  title: 'Static HTML/CSS/JS',
  description: 'Plain files served as they are; no install step.',
  main: 'index.html',
  files: {
    'package.json': `${JSON.stringify(
      { name: 'static-site', private: true, scripts: { dev: 'node serve.mjs' } },
      null,
      2,
    )}\n`,
    'serve.mjs': `// A tiny static file server, so the preview works without installing anything.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const types = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png' };
const port = Number(process.env.PORT ?? 5173);

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = normalize(url.pathname === '/' ? '/index.html' : url.pathname).replace(/^([.][.][/\\\\])+/, '');
  try {
    const body = await readFile(join(process.cwd(), path));
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end('Not found');
  }
}).listen(port, () => console.log(\`Serving on http://localhost:\${port}\`));
`,
    'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Static site</title>
    <link rel="stylesheet" href="style.css" />
  </head>
  <body>
    <h1>Hello, static web</h1>
    <button id="greet">Greet</button>
    <p id="out"></p>
    <script src="script.js"></script>
  </body>
</html>
`,
    'style.css': `body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; }
button { font: inherit; padding: 0.4rem 0.9rem; }
`,
    'script.js': `document.getElementById('greet').addEventListener('click', () => {
  document.getElementById('out').textContent = 'Hello at ' + new Date().toLocaleTimeString();
});
`,
  },
};
